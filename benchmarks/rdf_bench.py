"""Times the RDF side of tfkg: mapping the graph to RDF, serializing each export format, SHACL
validation and SPARQL queries, on a build of the bundled list and on a synthetic build 100 times larger.

Usage: python benchmarks/rdf_bench.py [--build data/build] [--factor 100] [--runs 3]
The large build is the bundled one copied `factor` times: every paper, with its list entries, code
and authors, under new ids (`paper/<id>-copy<k>`), sharing the concepts, venues, datasets and
metrics, so it has about `factor` times the triples. Figures are medians of `runs` in-process runs
on the build (one run on the large one); rdflib's own SPARQL engine is timed beside pyoxigraph's,
which `tfkg sparql` uses.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402
from rdflib import Graph  # noqa: E402

from kg.core import settings  # noqa: E402
from kg.core.store import Build, load_build  # noqa: E402
from kg.core.vocab import Vocabulary  # noqa: E402
from kg.rdf.export import FORMATS, export, whole_graph  # noqa: E402
from kg.rdf.mapping import rdf_quads  # noqa: E402
from kg.rdf.shacl import load_shapes, validate  # noqa: E402
from kg.rdf.sparql import load_store, query_form, run_sparql  # noqa: E402

LINE_STRIDE = 1_000_000
"""Copy k of the entry on line n sits on line n + k * LINE_STRIDE, so entry ids stay distinct."""
COPIED_TYPES = ("paper", "entry", "code", "author")

QUERIES = {
    "papers per venue (GROUP BY)": """
        PREFIX schema: <https://schema.org/>
        SELECT ?venue (COUNT(?paper) AS ?papers) WHERE {
          ?paper a schema:ScholarlyArticle ; schema:isPartOf ?v . ?v schema:name ?venue }
        GROUP BY ?venue ORDER BY DESC(?papers) LIMIT 10""",
    "NeRF papers with code, with their list line (4-way join)": """
        PREFIX schema: <https://schema.org/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX tfkg: <https://tfkg.example.org/vocab#>
        SELECT ?title ?repo ?line WHERE {
          ?paper schema:about/skos:prefLabel "NeRF"@en ; schema:name ?title ; prov:wasDerivedFrom ?entry .
          ?code schema:isBasedOn ?paper ; schema:codeRepository ?repo .
          ?entry tfkg:line ?line }""",
    "title search with FILTER regex": """
        PREFIX schema: <https://schema.org/>
        SELECT ?paper ?title WHERE { ?paper schema:name ?title FILTER regex(?title, "diffusion", "i") }""",
    "ASK": """
        PREFIX schema: <https://schema.org/>
        ASK { ?paper schema:isPartOf/schema:alternateName "CVPR" }""",
}


def copy_id(node_id: str, k: int) -> str:
    """The id of copy k of a copied node (copy 0 is the original)."""
    if k == 0:
        return node_id
    if node_id.startswith("entry/"):
        stem_part, _, line = node_id.rpartition("/L")
        return f"{stem_part}/L{int(line) + k * LINE_STRIDE}"
    return f"{node_id}-copy{k}"


def scale_build(build: Build, factor: int) -> Build:
    """The build copied `factor` times (see the module docstring); records and graph agree."""
    graph = build.graph
    copied = {n for n, kind in graph.nodes(data="type") if kind in COPIED_TYPES}
    big = nx.MultiDiGraph()
    big.add_nodes_from((n, a) for n, a in graph.nodes(data=True) if n not in copied)
    papers, entries = [], []
    for k in range(factor):
        for node in copied:
            attrs = dict(graph.nodes[node])
            if attrs["type"] == "entry":
                attrs["line"] = attrs["line"] + k * LINE_STRIDE
            big.add_node(copy_id(node, k), **attrs)
        for source, target, attrs in graph.edges(data=True):
            if k and source not in copied and target not in copied:
                continue
            big.add_edge(copy_id(source, k) if source in copied else source,
                         copy_id(target, k) if target in copied else target, **attrs)
        for paper in build.papers:
            refs = tuple(f"{ref.rpartition(':')[0]}:{int(ref.rpartition(':')[2]) + k * LINE_STRIDE}"
                         for ref in paper.entries)
            papers.append(dataclasses.replace(paper, id=copy_id(f"paper/{paper.id}", k).removeprefix("paper/"),
                                              entries=refs))
        entries += [dataclasses.replace(e, line=e.line + k * LINE_STRIDE) for e in build.parsed.entries]
    parsed = dataclasses.replace(build.parsed, entries=tuple(entries))
    return dataclasses.replace(build, parsed=parsed, papers=tuple(papers), graph=big)


def median_time(function: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median wall time of `runs` calls, and the last call's result."""
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def say(text: str) -> None:
    print(text, flush=True)


def bench(name: str, build: Build, vocab: Vocabulary, runs: int) -> None:
    say(f"\n## {name}: {len(build.papers)} papers, {build.graph.number_of_nodes()} nodes, "
        f"{build.graph.number_of_edges()} edges (median of {runs} runs)")
    seconds, quads = median_time(lambda: rdf_quads(build, vocab=vocab), runs)
    graph = quads.graph()
    say(f"map the graph to RDF (rdf_quads): {seconds:.2f} s; {len(graph)} triples "
        f"({len(quads.dataset().graph(quads.namer.provenance_graph('awesome-talking-face-generation')))} "
        "in the provenance graph)")
    for fmt in FORMATS:
        seconds, text = median_time(lambda fmt=fmt: export(build, whole_graph(), fmt, vocab=vocab), runs)
        say(f"tfkg export --format {fmt:<7} {seconds:8.2f} s  {len(text.encode()) / 1e6:7.2f} MB")
    seconds, report = median_time(lambda: validate(graph, load_shapes(ROOT / "data")), 1)
    say(f"SHACL validation of the whole graph (pyshacl): {seconds:.2f} s, conforms: {report.conforms}")
    seconds, store = median_time(lambda: load_store(quads), runs)
    say(f"load into pyoxigraph: {seconds:.2f} s")
    for label, query in QUERIES.items():
        check_seconds, _ = median_time(lambda q=query: query_form(q), runs)
        ox_seconds, answer = median_time(lambda q=query: _oxigraph_answer(store, q), runs)
        rdflib_seconds, expected = median_time(lambda q=query: _rdflib_answer(graph, q), runs)
        size = answer if isinstance(answer, bool) else len(answer)
        assert size == (expected if isinstance(expected, bool) else len(expected)), label
        say(f"query {label}: pyoxigraph {ox_seconds * 1000:.1f} ms, rdflib {rdflib_seconds * 1000:.1f} ms, "
            f"read-only check {check_seconds * 1000:.1f} ms (result: {size})")
    seconds, _ = median_time(lambda: run_sparql(build, next(iter(QUERIES.values())), vocab=vocab), runs)
    say(f"tfkg sparql end to end (map + load + query, in process): {seconds:.2f} s")


def _oxigraph_answer(store: ox.Store, query: str) -> Any:
    """pyoxigraph's engine, as `tfkg sparql` runs it (the default graph is the union of all graphs)."""
    result = store.query(query, use_default_graph_as_union=True)
    return bool(result) if isinstance(result, ox.QueryBoolean) else list(result)


def _rdflib_answer(graph: Graph, query: str) -> Any:
    """rdflib's own SPARQL engine on the same triples: the engine tfkg does not use, for comparison."""
    result = graph.query(query)
    return bool(result) if result.type == "ASK" else list(result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", type=Path, default=settings.get_path("build"),
                        help="The build to measure (default: TFKG_BUILD); make it with `tfkg ingest`.")
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    vocab = Vocabulary.load(settings.get_path("data_dir"))
    build = load_build(args.build)
    bench(f"{args.build}", build, vocab, args.runs)
    bench(f"synthetic: {args.factor} x {args.build}", scale_build(build, args.factor), vocab, 1)


if __name__ == "__main__":
    main()
