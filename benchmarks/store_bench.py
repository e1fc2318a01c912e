"""Times tfkg with a real triple store: loading the graph into an Oxigraph server (`tfkg export --to-store`) and a
query's round trip to it (TFKG_SPARQL_ENDPOINT), beside the same queries in process, on a build of the bundled list
and on a synthetic build `factor` times larger (benchmarks/rdf_bench.py makes it).

Usage: python benchmarks/store_bench.py [--build data/build] [--factor 100] [--runs 5]
Starts `oxigraph serve` (the PyPI package oxigraph, a dev dependency) on a free port of 127.0.0.1 with a temporary
folder, and stops it at the end. Figures are medians of `runs` runs (one load on the large build).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from benchmarks.measure import (  # noqa: E402
    free_port,
    measured,
    wait_until_up,
)
from benchmarks.rdf_bench import QUERIES, median_time, say, scale_build  # noqa: E402
from kg.core import settings  # noqa: E402
from kg.core.store import Build, load_build  # noqa: E402
from kg.core.vocab import Vocabulary  # noqa: E402
from kg.rdf.mapping import rdf_quads  # noqa: E402
from kg.rdf.sparql import load_store, query_endpoint, query_form, query_store  # noqa: E402
from kg.rdf.store_client import load  # noqa: E402


def oxigraph_binary() -> str:
    """The `oxigraph` server program that the PyPI package oxigraph installs beside this Python."""
    return shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))


def start_oxigraph(folder: str, *options: str) -> tuple[subprocess.Popen, str]:
    """An Oxigraph server on a free port of 127.0.0.1 (its default graph the union, as in tfkg), once it answers;
    options go to `oxigraph serve`."""
    port = free_port()
    server = subprocess.Popen([oxigraph_binary(), "serve", "--location", folder, "--bind", f"127.0.0.1:{port}",
                               "--union-default-graph", *options], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/query?query=ASK%20%7B%7D", server, "oxigraph serve", seconds=60)
    except BaseException:
        server.kill()
        raise
    return server, base


def bench(name: str, build: Build, vocab: Vocabulary, base: str, runs: int) -> None:
    quads = rdf_quads(build, vocab=vocab)
    triples = len(quads.graph())
    say(f"\n## {name}: {len(build.papers)} papers, {triples:,} triples (median of {runs} runs)")
    seconds, loaded = median_time(lambda: load(f"{base}/store", quads, replace=True), runs)
    say(f"load into Oxigraph over the Graph Store Protocol (N-Triples, PUT per graph): {seconds:.2f} s "
        f"({loaded.triples / seconds:,.0f} triples/s)")
    local = load_store(quads)
    endpoint = f"{base}/query"
    for label, query in QUERIES.items():
        form = query_form(query)
        remote_seconds, answer = median_time(lambda q=query, f=form: query_endpoint(endpoint, q, quads.namer, f),
                                             runs)
        local_seconds, _ = median_time(lambda q=query, f=form: query_store(local, q, quads.namer, form=f), runs)
        size = answer.boolean if answer.boolean is not None else len(answer.rows or ())
        say(f"query {label}: round trip to Oxigraph {remote_seconds * 1000:.1f} ms, in process on a loaded store "
            f"{local_seconds * 1000:.1f} ms (result: {size})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", type=Path, default=settings.get_path("build"),
                        help="The build to measure (default: TFKG_BUILD); make it with `tfkg ingest`.")
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    vocab = Vocabulary.load(settings.get_path("data_dir"))
    build = load_build(args.build)
    with tempfile.TemporaryDirectory() as folder:
        server, base = start_oxigraph(folder)
        try:
            bench(str(args.build), build, vocab, base, args.runs)
            tfkg = str(Path(sys.executable).with_name("tfkg"))
            for label, command, env in (
                    ("tfkg export --to-store --replace (whole graph)",
                     [tfkg, "export", "--to-store", f"{base}/store", "--replace", "--build", str(args.build)], ""),
                    ("tfkg sparql with TFKG_SPARQL_ENDPOINT",
                     [tfkg, "sparql", "ASK { ?s ?p ?o }", "--build", str(args.build)], f"{base}/query"),
                    ("tfkg sparql in process", [tfkg, "sparql", "ASK { ?s ?p ?o }", "--build", str(args.build)], "")):
                seconds, megabytes = measured(["env", f"TFKG_SPARQL_ENDPOINT={env}", *command])
                say(f"{label}, as a command: {seconds:.2f} s, {megabytes:.0f} MB peak")
            bench(f"synthetic: {args.factor} x {args.build}", scale_build(build, args.factor), vocab, base, 1)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
