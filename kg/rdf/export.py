"""`tfkg export`: a slice of the knowledge graph as RDF, or the papers of a slice as BibTeX or CSV.

Reads: a build (and, for a CONSTRUCT slice, the query; for a query slice, the ids the search found).
Writes nothing: returns the document as text; the CLI writes it atomically. Or loads the slice into a
triple store (`export_to_store`, over the SPARQL 1.1 Graph Store HTTP Protocol: kg/rdf/store_client.py).

Slices (`Slice`; each names its nodes, kg/rdf/mapping.py adds their entries and code and the edges between them):
  whole graph   every node and edge
  papers        papers (matching filters, or the top results of a query) with the nodes they link to
                (venue, concepts, datasets, code, authors, cited papers) and the metrics they define
  around        every node within N hops of one node, following edges either way
  type          every node of one type with the nodes they link to
  construct     the graph a SPARQL CONSTRUCT (or DESCRIBE) query builds over the whole graph, plus the
                labels of the nodes it mentions
So every node a slice mentions comes with its type and label, and the document reads on its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
from rapidfuzz import fuzz, process, utils
from rdflib import RDFS, Graph, URIRef
from rdflib.namespace import SDO, SKOS

from ingest.graph import NODE_TYPES
from kg.core import settings
from kg.core.errors import UserError
from kg.core.model import Paper
from kg.core.store import Build
from kg.core.vocab import Vocabulary
from kg.rdf.bibliography import citation_keys, to_bibtex, to_csv
from kg.rdf.mapping import Namer, Quads, base_iri, jsonld_context, rdf_quads
from kg.rdf.shacl import Validation, load_shapes, validate
from kg.rdf.sparql import load_store, query_form, query_store
from kg.rdf.store_client import Loaded, load
from kg.search.facets import VALUE_FIELDS, Filters, filter_papers

if TYPE_CHECKING:
    from kg.search.search import Searcher

RDF_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml", "trig": "trig"}
"""Our format names -> rdflib's serializer names."""
PAPER_FORMATS = ("bibtex", "csv")
FORMATS = (*RDF_FORMATS, *PAPER_FORMATS)
MAX_HOPS = 6
"""Six hops from a paper, dataset, concept or venue of the bundled graph reach its whole connected part
(nine nodes in ten); more hops is the whole graph."""
LABEL_PREDICATES = (RDFS.label, SDO.name, SKOS.prefLabel, SDO.termCode)


class ExportError(UserError):
    """A slice or format that cannot be exported as asked."""


@dataclass(frozen=True)
class Slice:
    """What to export. description: for messages ("papers matching year 2023"); nodes: the chosen
    graph nodes (None: the whole graph); papers: the paper ids a BibTeX/CSV export lists, in order
    (None: every paper node of the slice); construct: a CONSTRUCT query (nodes are then unused)."""

    description: str
    nodes: frozenset[str] | None = None
    papers: tuple[str, ...] | None = None
    construct: str | None = None


@dataclass(frozen=True)
class SliceRdf:
    """A slice mapped to RDF, with the papers it lists."""

    quads: Quads
    papers: tuple[Paper, ...]


@dataclass(frozen=True)
class ExportResult:
    """An export's document and what is in it. triples is None when no RDF was made (BibTeX or CSV
    without validation); validation is None when not asked for."""

    fmt: str
    text: str
    triples: int | None
    papers: int
    validation: Validation | None

    @property
    def empty(self) -> bool:
        """Nothing in the document: no papers for BibTeX or CSV, no triples for RDF."""
        return self.papers == 0 if self.fmt in PAPER_FORMATS else self.triples == 0


def whole_graph() -> Slice:
    return Slice("the whole graph")


def papers_slice(build: Build, paper_ids: Sequence[str], description: str) -> Slice:
    """The papers (in the given order) with every node they link to and the metrics they define."""
    graph = build.graph
    nodes = {f"paper/{paper_id}" for paper_id in paper_ids}
    linked = {t for n in nodes for t in graph.successors(n)}
    defining = {s for n in nodes for s, _, kind in graph.in_edges(n, data="type") if kind == "defined_in"}
    return Slice(description, frozenset(nodes | linked | defining), tuple(paper_ids))


def filter_slice(build: Build, filters: Filters, vocab: Vocabulary) -> Slice:
    """The papers that pass search filters (kg/search/facets.py), in the build's order."""
    matched = filter_papers(build.papers, filters, vocab)
    return papers_slice(build, [p.id for p in matched], f"papers matching {describe_filters(filters)}")


def describe_filters(filters: Filters) -> str:
    """Filters as a user would say them: "year 2023, keyword nerf, has code"."""
    parts = []
    if filters.years is not None:
        first, last = filters.years
        parts.append(f"year {first}" if first == last else f"years {first}-{last}")
    for name in VALUE_FIELDS:
        values = getattr(filters, name)
        if values:
            parts.append(f"{name[:-1].replace('_', ' ')} {' and '.join(values)}")
    if filters.has_code is not None:
        parts.append("has code" if filters.has_code else "no code")
    return ", ".join(parts) or "no filter"


def query_slice(build: Build, searcher: Searcher, query: str, filters: Filters, top: int) -> Slice:
    """The best `top` papers for a query among those passing the filters, in rank order."""
    response = searcher.search(query, filters, top)
    ranked = [result.paper.id for result in response.results]
    return papers_slice(build, ranked, f"the top {top} papers for {query!r}")


def around_slice(build: Build, node_text: str, hops: int) -> Slice:
    """Every node within `hops` edges of a node (a node id, or a bare paper or dataset id)."""
    if hops < 0 or hops > MAX_HOPS:
        raise ExportError(
            f"--hops {hops} is out of range: give 0 to {MAX_HOPS} ({MAX_HOPS} hops already reach nearly the "
            "whole graph; export it whole by giving no slice option)"
        )
    node = resolve_node(build.graph, node_text)
    reached = nx.single_source_shortest_path_length(build.graph.to_undirected(as_view=True), node, cutoff=hops)
    return Slice(f"{hops} hop{'s' if hops != 1 else ''} around {node}", frozenset(reached))


def type_slice(build: Build, node_type: str) -> Slice:
    """Every node of a type, with the nodes they link to (so a paper keeps its venue and concepts)."""
    if node_type not in NODE_TYPES:
        raise ExportError(f"unknown node type {node_type!r}; types: {', '.join(NODE_TYPES)}")
    graph = build.graph
    chosen = {n for n, kind in graph.nodes(data="type") if kind == node_type}
    linked = {t for n in chosen for t in graph.successors(n)}
    return Slice(f"all {node_type} nodes", frozenset(chosen | linked))


def construct_slice(query: str, source: str) -> Slice:
    """The graph a CONSTRUCT (or DESCRIBE) query builds; source names the query for messages."""
    form = query_form(query)
    if form not in ("CONSTRUCT", "DESCRIBE"):
        raise ExportError(f"{source}: is a {form} query; --construct needs a CONSTRUCT query "
                          "(run SELECT and ASK queries with `tfkg sparql`)")
    return Slice(f"the graph built by {source}", construct=query)


@dataclass(frozen=True)
class SliceRequest:
    """What a user asked to export, as the CLI's options or the API's parameters give it: a query (with
    filters and top), filters alone, a node's neighbourhood (around, hops), a node type, or a CONSTRUCT query
    (a reader of its text, called once the options are checked, and where it comes from); nothing for the
    whole graph. `names` spells each option for
    messages the way the front end does ("--top" or "limit")."""

    query: str = ""
    filters: Filters = field(default_factory=Filters)
    top: int | None = None
    around: str | None = None
    hops: int | None = None
    node_type: str | None = None
    construct: Callable[[], str] | None = None
    construct_source: str = ""
    names: Mapping[str, str] = field(default_factory=dict)

    def name(self, option: str) -> str:
        return self.names.get(option, option)


def choose_slice(build: Build, request: SliceRequest, searcher: Callable[[], Searcher],
                 vocab: Callable[[], Vocabulary]) -> Slice:
    """The one slice a request asks for. ExportError when it asks for two, or gives an option without the
    one it goes with. searcher and vocab are called only when the slice needs them."""
    given = [name for name, wanted in ((request.name("query or filters"),
                                        bool(request.query) or not request.filters.is_empty),
                                       (request.name("around"), request.around is not None),
                                       (request.name("type"), request.node_type is not None),
                                       (request.name("construct"), request.construct is not None)) if wanted]
    if len(given) > 1:
        raise ExportError(f"give one slice at a time, not {' and '.join(given)}")
    if request.hops is not None and request.around is None:
        raise ExportError(f"{request.name('hops')} goes with {request.name('around')}")
    if request.top is not None and not request.query:
        raise ExportError(f"{request.name('top')} goes with {request.name('query')} "
                          "(filters alone export every paper that passes them)")
    if request.query:
        return query_slice(build, searcher(), request.query, request.filters, request.top or 20)
    if not request.filters.is_empty:
        return filter_slice(build, request.filters, vocab())
    if request.around is not None:
        return around_slice(build, request.around, 1 if request.hops is None else request.hops)
    if request.node_type is not None:
        return type_slice(build, request.node_type)
    if request.construct is not None:
        return construct_slice(request.construct(), request.construct_source)
    return whole_graph()


def resolve_node(graph: nx.MultiDiGraph, text: str) -> str:
    """The node a user named: a node id ("paper/2301.03786"), or a bare id of a paper or dataset
    ("2301.03786", "hdtf"), or of any node when only one has it. Raises ExportError with the
    closest ids (by id and by label) when nothing matches."""
    wanted = text.strip().strip("/")
    if wanted in graph:
        return wanted
    for kind in ("paper", "dataset"):
        if f"{kind}/{wanted}" in graph:
            return f"{kind}/{wanted}"
    bare = [n for n in graph if n.split("/", 1)[1] == wanted]
    if len(bare) == 1:
        return bare[0]
    if bare:
        raise ExportError(f"{text!r} names several nodes: {', '.join(sorted(bare))}; give one of these ids")
    scores: dict[str, float] = defaultdict(float)
    named = {n: label for n, label in graph.nodes(data="label") if not n.startswith("entry/")}
    # ids are compared whole; a short name against long titles is compared with the best-matching part
    for choices, scorer, cutoff in (({n: n.split("/", 1)[1] for n in named}, fuzz.WRatio, 70),
                                    ({n: label for n, label in named.items() if label}, fuzz.partial_ratio, 90)):
        found = process.extract(wanted, choices, scorer=scorer, processor=utils.default_process, limit=5,
                                score_cutoff=cutoff)
        for _, score, node in found:
            scores[node] = max(scores[node], score)
    close = [f"{n} ({_short(named[n])})" if named[n] and named[n] != n.split("/", 1)[1] else n
             for n in sorted(scores, key=lambda n: (-scores[n], n))[:3]]
    hint = "; did you mean " + ", ".join(close) + "?" if close else "; node ids look like paper/2301.03786"
    raise ExportError(f"unknown node {text!r}{hint}")


def _short(text: str, size: int = 40) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def slice_papers(build: Build, chosen: Slice) -> tuple[Paper, ...]:
    """The papers a node slice lists: its chosen papers in their order, else its paper nodes."""
    if chosen.papers is not None:
        by_id = {p.id: p for p in build.papers}
        return tuple(by_id[paper_id] for paper_id in chosen.papers)
    if chosen.nodes is None:
        return build.papers
    return tuple(p for p in build.papers if f"paper/{p.id}" in chosen.nodes)


def slice_rdf(build: Build, chosen: Slice, *, vocab: Vocabulary | None = None, base: str | None = None) -> SliceRdf:
    """The RDF of a slice and the papers it lists."""
    vocab = vocab or Vocabulary.load(settings.get_path("data_dir"))
    if chosen.construct is not None:
        return _constructed(build, chosen.construct, vocab, base)
    return SliceRdf(rdf_quads(build, chosen.nodes, vocab=vocab, base=base), slice_papers(build, chosen))


def _constructed(build: Build, query: str, vocab: Vocabulary, base: str | None) -> SliceRdf:
    """A CONSTRUCT query's graph over the whole graph, plus the labels of every IRI it mentions."""
    full = rdf_quads(build, vocab=vocab, base=base)
    result = query_store(load_store(full), query, full.namer)
    assert result.graph is not None  # construct_slice admits only graph-building queries
    triples = list(result.graph)
    mentioned = {term for s, _, o in triples for term in (s, o) if isinstance(term, URIRef)}
    labels = [(s, p, o) for s, p, o, _ in full.quads if s in mentioned and p in LABEL_PREDICATES]
    merged = tuple(dict.fromkeys((*triples, *labels)))
    namer = full.namer
    papers = tuple(p for p in build.papers if namer.node(f"paper/{p.id}") in mentioned)
    return SliceRdf(Quads(tuple((s, p, o, None) for s, p, o in merged), namer), papers)


def serialize_rdf(quads: Quads, fmt: str, graph: Graph) -> str:
    """RDF as one of RDF_FORMATS; graph is `quads.graph()`, made once by the caller. An empty slice
    gives a valid empty document."""
    if fmt == "trig":
        return quads.dataset().serialize(format="trig")
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", context=jsonld_context(quads.namer), auto_compact=True)
    return graph.serialize(format=RDF_FORMATS[fmt])


def serialize_papers(papers: Sequence[Paper], fmt: str, build: Build, vocab: Vocabulary, namer: Namer) -> str:
    """Papers as one of PAPER_FORMATS (citation keys are those of the whole build, so they are stable)."""
    if fmt == "bibtex":
        return to_bibtex(papers, citation_keys(build.papers), vocab)
    iris = {p.id: str(namer.node(f"paper/{p.id}")) for p in papers}
    return to_csv(papers, iris, {d.id: d.label for d in build.datasets}, vocab)


def serialize(rdf: SliceRdf, fmt: str, build: Build, vocab: Vocabulary) -> str:
    """A mapped slice as a document of one of FORMATS (the app keeps mapped slices and calls this)."""
    if fmt in PAPER_FORMATS:
        return serialize_papers(rdf.papers, fmt, build, vocab, rdf.quads.namer)
    if fmt in RDF_FORMATS:
        return serialize_rdf(rdf.quads, fmt, rdf.quads.graph())
    raise ExportError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")


def run_export(build: Build, chosen: Slice, fmt: str, *, check: bool = False, vocab: Vocabulary | None = None,
               data_dir: Path | None = None, base: str | None = None,
               mapped: Callable[[Slice], SliceRdf] | None = None) -> ExportResult:
    """A slice of a build as a document of one of FORMATS, validated first against the SHACL shapes
    of data_dir (TFKG_DATA_DIR) when check is set: a non-conforming slice raises NonConforming.

    BibTeX and CSV of a node slice need no RDF, so none is made unless asked to validate. mapped gives a
    slice's RDF (`slice_rdf` of this build, vocabulary and base) where a caller keeps it, as the HTTP API does."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    data_dir = data_dir or settings.get_path("data_dir")
    vocab = vocab or Vocabulary.load(data_dir)
    namer = Namer(base_iri(base))
    if fmt in PAPER_FORMATS and not check and chosen.construct is None:
        papers = slice_papers(build, chosen)
        return ExportResult(fmt, serialize_papers(papers, fmt, build, vocab, namer), None, len(papers), None)
    rdf, graph, validation = checked_rdf(build, chosen, check=check, vocab=vocab, data_dir=data_dir, base=namer.base,
                                         mapped=mapped)
    if fmt in PAPER_FORMATS:
        text = serialize_papers(rdf.papers, fmt, build, vocab, namer)
    else:
        text = serialize_rdf(rdf.quads, fmt, graph)
    return ExportResult(fmt, text, len(graph), len(rdf.papers), validation)


def checked_rdf(build: Build, chosen: Slice, *, check: bool, vocab: Vocabulary, data_dir: Path,
                base: str | None = None,
                mapped: Callable[[Slice], SliceRdf] | None = None) -> tuple[SliceRdf, Graph, Validation | None]:
    """A slice's RDF (from mapped when given, else `slice_rdf`), its triples as one rdflib Graph, and when check
    is set its validation against the SHACL shapes of data_dir: a non-conforming slice raises NonConforming."""
    rdf = mapped(chosen) if mapped is not None else slice_rdf(build, chosen, vocab=vocab, base=base)
    graph = rdf.quads.graph()
    validation = validate(graph, load_shapes(data_dir)) if check else None
    if validation is not None and not validation.conforms:
        raise NonConforming(validation, data_dir)
    return rdf, graph, validation


def export_to_store(build: Build, chosen: Slice, store: str, *, graph: URIRef | None = None, replace: bool = False,
                    check: bool = False, data_dir: Path | None = None) -> tuple[Loaded, Validation | None]:
    """Load a slice into a triple store's Graph Store Protocol endpoint (kg/rdf/store_client.py), validated
    first when check is set (nothing is sent if it does not conform): into the named graph `graph`, or
    when None the knowledge into the default graph and provenance into its named graphs. replace: the
    graphs then hold only this slice; else it is added to what they hold."""
    data_dir = data_dir or settings.get_path("data_dir")
    rdf, _, validation = checked_rdf(build, chosen, check=check, vocab=Vocabulary.load(data_dir), data_dir=data_dir)
    return load(store, rdf.quads, graph=graph, replace=replace), validation


def export(build: Build, chosen: Slice, fmt: str, *, vocab: Vocabulary | None = None, base: str | None = None) -> str:
    """A slice of a build as a document of one of FORMATS (ttl, nt, jsonld, xml, trig, bibtex, csv)."""
    return run_export(build, chosen, fmt, vocab=vocab, base=base).text


class NonConforming(ExportError):
    """An export that breaks the SHACL shapes; the report lists each violation."""

    def __init__(self, validation: Validation, data_dir: Path) -> None:
        self.validation = validation
        super().__init__(f"the export does not conform to {data_dir / 'shapes.ttl'}: "
                         f"{validation.violations} violation(s), listed above; nothing was written")


