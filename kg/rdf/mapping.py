"""The knowledge graph in standard vocabularies: the one mapping from tfkg's records to RDF triples.

Reads: a `Build` (the graph's nodes and edges, and the Paper/Dataset/Metric records behind them) and
the keyword vocabulary. Writes nothing: `rdf_quads` returns the triples as `Quads`, whose default
graph holds the knowledge and whose named graph `<BASE>provenance/<list>` holds where each thing
came from; `.graph()` and `.dataset()` (or `graph_to_rdf`) make rdflib objects of them.

Every graph node becomes the IRI `<BASE><node id>` (TFKG_BASE_IRI), so two exports of the same paper
agree. The mapping (the README table is the long form):

  paper    schema:ScholarlyArticle  schema:name (@en), schema:datePublished (xsd:gYear, or xsd:date when
                                    enrichment gives a date in the paper's year), schema:url, schema:keywords
                                    (the list's keyword cells, @en), schema:abstract / schema:description
                                    (abstract / TL;DR, @en), owl:sameAs <https://arxiv.org/abs/ID> and
                                    <https://doi.org/DOI>
  venue    schema:CreativeWorkSeries (and schema:Periodical for journals), schema:name, schema:alternateName,
                                    schema:additionalType (conference, journal, workshop, preprint...)
  concept  skos:Concept             skos:prefLabel, skos:altLabel (@en), skos:inScheme / skos:topConceptOf
                                    <BASE>concepts, one skos:ConceptScheme
  dataset  schema:Dataset           schema:name, schema:url, schema:datePublished
  metric   schema:DefinedTerm       schema:termCode (abbreviation), schema:name (@en), schema:citation (the
                                    reference as written), schema:inDefinedTermSet <BASE>metrics
  code     schema:SoftwareSourceCode  schema:codeRepository, schema:name
  author   schema:Person            schema:name
  entry    prov:Entity              rdfs:label, tfkg:file, tfkg:line, tfkg:section, dcterms:isPartOf <BASE>list/<list>
Edges: published_in -> schema:isPartOf; about -> schema:about; broader -> skos:broader; uses_dataset ->
cito:usesDataFrom; introduces -> dataset schema:citation paper; has_code -> code schema:isBasedOn paper;
defined_in -> metric rdfs:isDefinedBy paper; authored_by -> schema:author; cites -> cito:cites;
listed_as -> prov:wasDerivedFrom (in the provenance graph). Edge types not in EDGES are not exported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlsplit

import networkx as nx
from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SDO, SKOS

from kg.core import settings
from kg.core.errors import UserError
from kg.core.model import Entry, Paper
from kg.core.store import Build
from kg.core.vocab import Vocabulary

LANG = "en"
"""Language tag of the list's prose (titles, keyword cells, headings, concept labels): the bundled list is English."""

CITO = Namespace("http://purl.org/spar/cito/")
TFKG = Namespace("https://tfkg.example.org/vocab#")
"""Our three terms for where an entry sits in its list (file, line, section). A fixed IRI: it names
terms, not data, so it does not move with TFKG_BASE_IRI (and data/shapes.ttl can name it)."""

PREFIXES: dict[str, Namespace] = {
    "schema": SDO, "skos": SKOS, "dcterms": DCTERMS, "prov": PROV, "owl": OWL, "xsd": XSD,
    "rdfs": RDFS, "cito": CITO, "tfkg": TFKG,
}
NODE_PREFIXES = ("paper", "concept", "dataset", "venue", "metric", "author")
"""Node types whose ids have no "/" after the type, so `paper:2301.03786` is a valid prefixed name."""

Triple = tuple[URIRef, URIRef, URIRef | Literal]
Quad = tuple[URIRef, URIRef, URIRef | Literal, URIRef | None]

# edge type -> (predicate, whether the triple runs from the edge's target to its source)
EDGES: dict[str, tuple[URIRef, bool]] = {
    "published_in": (SDO.isPartOf, False),
    "about": (SDO.about, False),
    "broader": (SKOS.broader, False),
    "uses_dataset": (CITO.usesDataFrom, False),
    "introduces": (SDO.citation, True),
    "has_code": (SDO.isBasedOn, True),
    "defined_in": (RDFS.isDefinedBy, False),
    "authored_by": (SDO.author, False),
    "cites": (CITO.cites, False),
    "listed_as": (PROV.wasDerivedFrom, False),
}
SATELLITES = {"listed_as", "has_code"}
"""Edges to nodes that belong to their source (its list entries, its code): a slice that holds a
paper, dataset or metric holds these too, so the thing keeps its provenance and its code."""

# Characters kept as they are in an IRI path built from a node id; everything else is %-encoded.
NODE_ID_SAFE = "/:@!$&'()*+,;=-._~"
URL_SAFE = NODE_ID_SAFE + "?#[]%"


class IriError(UserError):
    """A base IRI that cannot prefix node ids."""


def base_iri(value: str | None = None) -> str:
    """The base IRI (TFKG_BASE_IRI unless given), checked: absolute http(s), ending in "/" or "#"."""
    base = settings.get("base_iri") if value is None else value
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc or not base.endswith(("/", "#")):
        raise IriError(
            f"base IRI {base!r} (TFKG_BASE_IRI) must be an absolute http(s) IRI ending in / or #, "
            "like https://tfkg.example.org/"
        )
    return base


def url_iri(url: str) -> URIRef | None:
    """A link as an IRI: unsafe characters %-encoded; None for anything but an absolute http(s) URL."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return URIRef(quote(url, safe=URL_SAFE))


@dataclass(frozen=True)
class Namer:
    """The IRIs of one export: every node id under the base, plus the few resources that are not nodes."""

    base: str

    def node(self, node_id: str) -> URIRef:
        return URIRef(self.base + quote(node_id, safe=NODE_ID_SAFE))

    @property
    def scheme(self) -> URIRef:
        """The skos:ConceptScheme of the keyword vocabulary."""
        return URIRef(self.base + "concepts")

    @property
    def metric_set(self) -> URIRef:
        """The schema:DefinedTermSet of the list's evaluation metrics."""
        return URIRef(self.base + "metrics")

    def list_document(self, stem: str) -> URIRef:
        return URIRef(self.base + "list/" + quote(stem, safe=NODE_ID_SAFE))

    def provenance_graph(self, stem: str) -> URIRef:
        """The named graph that holds a list's provenance triples."""
        return URIRef(self.base + "provenance/" + quote(stem, safe=NODE_ID_SAFE))

    def prefixes(self) -> dict[str, str]:
        """The vocabulary prefixes and one prefix per node type ("paper" -> "<BASE>paper/")."""
        return {**{prefix: str(ns) for prefix, ns in PREFIXES.items()},
                **{kind: f"{self.base}{kind}/" for kind in NODE_PREFIXES}}

    def bind(self, graph: Graph, stems: Iterable[str] = ()) -> None:
        """Bind `prefixes()` (so Turtle reads `paper:2301.03786`) and, per list, "entry" to its entries."""
        for prefix, namespace in self.prefixes().items():
            graph.bind(prefix, namespace, override=True, replace=True)
        for stem in stems:
            graph.bind("entry", self.node(f"entry/{stem}/"), override=True, replace=True)


# Properties whose values are always IRIs: JSON-LD writes them as plain strings ("about": "concept:nerf").
IRI_TERMS: dict[str, URIRef] = {
    "about": SDO.about, "author": SDO.author, "isPartOf": SDO.isPartOf, "url": SDO.url,
    "codeRepository": SDO.codeRepository, "isBasedOn": SDO.isBasedOn, "inDefinedTermSet": SDO.inDefinedTermSet,
    "inScheme": SKOS.inScheme, "broader": SKOS.broader, "topConceptOf": SKOS.topConceptOf,
    "hasTopConcept": SKOS.hasTopConcept, "cites": CITO.cites, "usesDataFrom": CITO.usesDataFrom,
    "wasDerivedFrom": PROV.wasDerivedFrom, "isDefinedBy": RDFS.isDefinedBy, "sameAs": OWL.sameAs,
}
VALUE_TERMS: dict[str, URIRef] = {
    "prefLabel": SKOS.prefLabel, "altLabel": SKOS.altLabel, "label": RDFS.label,
    "file": TFKG.file, "line": TFKG.line, "section": TFKG.section,
}


def jsonld_context(namer: Namer) -> dict[str, object]:
    """The JSON-LD context of an export: schema.org as the default vocabulary, a prefix per
    vocabulary and node type, and short terms for the SKOS, PROV, CiTO and tfkg properties used."""
    context: dict[str, object] = {"@vocab": str(SDO), **namer.prefixes()}
    context.update({term: {"@id": _prefixed(iri), "@type": "@id"} for term, iri in IRI_TERMS.items()})
    context.update({term: {"@id": _prefixed(iri)} for term, iri in VALUE_TERMS.items()})
    return context


def _prefixed(iri: URIRef) -> str:
    """"http://www.w3.org/2004/02/skos/core#broader" -> "skos:broader"."""
    prefix, namespace = next((p, n) for p, n in PREFIXES.items() if iri.startswith(n))
    return f"{prefix}:{iri.removeprefix(str(namespace))}"


def paper_date(paper: Paper) -> Literal | None:
    """schema:datePublished: the enrichment's date when it falls in the paper's year (an arXiv date
    of a later conference paper would contradict its venue), else the year as xsd:gYear."""
    if paper.published:
        try:
            published = date.fromisoformat(paper.published[:10])
        except ValueError:
            published = None
        if published and paper.year in (None, published.year):
            return Literal(published.isoformat(), datatype=XSD.date)
    return Literal(str(paper.year), datatype=XSD.gYear) if paper.year else None


def node_stem(node_id: str) -> str:
    """The list stem of an entry node: "entry/<stem>/L42" -> "<stem>"."""
    return node_id.split("/")[1]


class Mapper:
    """Triples for the nodes and edges of one build."""

    def __init__(self, build: Build, vocab: Vocabulary, namer: Namer) -> None:
        self.graph: nx.MultiDiGraph = build.graph
        self.vocab = vocab
        self.namer = namer
        self.papers = {f"paper/{p.id}": p for p in build.papers}
        self.datasets = {f"dataset/{d.id}": d for d in build.datasets}
        self.metrics = {f"metric/{m.id}": m for m in build.metrics}
        self.entries: dict[str, Entry] = {e.ref: e for e in build.parsed.entries}

    def describe(self, node_id: str) -> list[Triple]:
        """The type, labels and literal properties of one node (its links to other nodes are edges)."""
        attrs = self.graph.nodes[node_id]
        iri = self.namer.node(node_id)
        kind = attrs["type"]
        if kind == "paper":
            return self._paper(iri, node_id)
        if kind == "entry":
            return self._entry(iri, attrs)
        if kind == "venue":
            return self._venue(iri, node_id, attrs)
        if kind == "concept":
            return self._concept(iri, node_id, attrs)
        if kind == "dataset":
            return self._dataset(iri, node_id)
        if kind == "metric":
            return self._metric(iri, node_id)
        if kind == "code":
            return [(iri, RDF.type, SDO.SoftwareSourceCode), *self._code(iri, attrs)]
        if kind == "author":
            return [(iri, RDF.type, SDO.Person), (iri, SDO.name, Literal(attrs["label"]))]
        raise ValueError(f"node {node_id}: no RDF mapping for node type {kind!r}")

    def edge(self, source: str, target: str, kind: str) -> Triple | None:
        """The triple of one edge, or None for an edge type that has no mapping."""
        if kind not in EDGES:
            return None
        predicate, reverse = EDGES[kind]
        subject, obj = (target, source) if reverse else (source, target)
        return (self.namer.node(subject), predicate, self.namer.node(obj))

    def _paper(self, iri: URIRef, node_id: str) -> list[Triple]:
        paper = self.papers[node_id]
        title = paper.title or node_id  # a row with no title still names its paper
        triples: list[Triple] = [(iri, RDF.type, SDO.ScholarlyArticle), (iri, SDO.name, Literal(title, lang=LANG))]
        published = paper_date(paper)
        if published is not None:
            triples.append((iri, SDO.datePublished, published))
        code = {repo.url for repo in paper.code_repos}  # described by the paper's code nodes
        triples += [(iri, SDO.url, url) for link in paper.links if link.url not in code if (url := url_iri(link.url))]
        if paper.arxiv_id:
            triples.append((iri, OWL.sameAs, URIRef(f"https://arxiv.org/abs/{paper.arxiv_id}")))
        if paper.doi:
            triples.append((iri, OWL.sameAs, URIRef("https://doi.org/" + quote(paper.doi, safe=NODE_ID_SAFE))))
        keywords = dict.fromkeys(k.strip() for ref in paper.entries for k in self.entries[ref].keywords)
        triples += [(iri, SDO.keywords, Literal(k, lang=LANG)) for k in keywords if k]
        if paper.abstract:
            triples.append((iri, SDO.abstract, Literal(paper.abstract, lang=LANG)))
        if paper.tldr:
            triples.append((iri, SDO.description, Literal(paper.tldr, lang=LANG)))
        return triples

    def _entry(self, iri: URIRef, attrs: dict) -> list[Triple]:
        file, line = attrs["file"], attrs["line"]
        triples: list[Triple] = [
            (iri, RDF.type, PROV.Entity),
            (iri, RDFS.label, Literal(f"{Path(file).name}:{line}")),
            (iri, TFKG.file, Literal(file)),
            (iri, TFKG.line, Literal(int(line))),
            (iri, DCTERMS.isPartOf, self.namer.list_document(Path(file).stem)),
        ]
        if attrs.get("section"):
            triples.append((iri, TFKG.section, Literal(attrs["section"], lang=LANG)))
        return triples

    def _venue(self, iri: URIRef, node_id: str, attrs: dict) -> list[Triple]:
        short = node_id.removeprefix("venue/")
        label = attrs.get("label") or short
        triples: list[Triple] = [(iri, RDF.type, SDO.CreativeWorkSeries), (iri, SDO.name, Literal(label, lang=LANG))]
        if attrs.get("kind") == "journal":
            triples.append((iri, RDF.type, SDO.Periodical))
        if short != label:
            triples.append((iri, SDO.alternateName, Literal(short)))
        if attrs.get("kind"):
            triples.append((iri, SDO.additionalType, Literal(attrs["kind"])))
        return triples

    def _concept(self, iri: URIRef, node_id: str, attrs: dict) -> list[Triple]:
        concept = self.vocab.concepts.get(node_id.removeprefix("concept/"))
        scheme = self.namer.scheme
        triples: list[Triple] = [
            (iri, RDF.type, SKOS.Concept),
            (iri, SKOS.prefLabel, Literal(attrs.get("label") or node_id, lang=LANG)),
            (iri, SKOS.inScheme, scheme),
        ]
        if concept is not None:
            triples += [(iri, SKOS.altLabel, Literal(alt, lang=LANG)) for alt in concept.alt_labels]
            triples += [(iri, SKOS.hiddenLabel, Literal(hidden, lang=LANG)) for hidden in concept.hidden_labels]
            if concept.broader is None:
                triples += [(iri, SKOS.topConceptOf, scheme), (scheme, SKOS.hasTopConcept, iri)]
        return triples

    def _dataset(self, iri: URIRef, node_id: str) -> list[Triple]:
        record = self.datasets[node_id]
        triples: list[Triple] = [(iri, RDF.type, SDO.Dataset), (iri, SDO.name, Literal(record.label or node_id))]
        if record.year:
            triples.append((iri, SDO.datePublished, Literal(str(record.year), datatype=XSD.gYear)))
        return triples + [(iri, SDO.url, url) for link in record.links if (url := url_iri(link.url))]

    def _metric(self, iri: URIRef, node_id: str) -> list[Triple]:
        record = self.metrics[node_id]
        triples: list[Triple] = [
            (iri, RDF.type, SDO.DefinedTerm),
            (iri, SDO.termCode, Literal(record.abbreviation or node_id)),
            (iri, SDO.inDefinedTermSet, self.namer.metric_set),
        ]
        if record.name:
            triples.append((iri, SDO.name, Literal(record.name, lang=LANG)))
        if record.reference:
            triples.append((iri, SDO.citation, Literal(record.reference, lang=LANG)))
        return triples + [(iri, SDO.url, url) for link in record.links if (url := url_iri(link.url))]

    @staticmethod
    def _code(iri: URIRef, attrs: dict) -> list[Triple]:
        triples: list[Triple] = [(iri, SDO.name, Literal(attrs["label"]))]
        repository = url_iri(attrs.get("url") or "")
        return triples + ([(iri, SDO.codeRepository, repository)] if repository else [])

    def scheme(self) -> list[Triple]:
        """The keyword vocabulary's skos:ConceptScheme."""
        scheme = self.namer.scheme
        return [
            (scheme, RDF.type, SKOS.ConceptScheme),
            (scheme, SKOS.prefLabel, Literal("tfkg keywords", lang=LANG)),
            (scheme, DCTERMS.title, Literal("Keyword vocabulary of the list (data/concepts.toml)", lang=LANG)),
        ]

    def list_document(self, stem: str) -> list[Triple]:
        """The list file whose rows the entries are (one per list stem)."""
        document = self.namer.list_document(stem)
        files = sorted({self.graph.nodes[n]["file"] for n in self.graph if n.startswith(f"entry/{stem}/")})
        return [(document, RDF.type, PROV.Entity), (document, RDFS.label, Literal(Path(files[0]).name))] + [
            (document, TFKG.file, Literal(file)) for file in files
        ]

    def metric_set(self) -> list[Triple]:
        """The schema:DefinedTermSet that holds the metrics."""
        terms = self.namer.metric_set
        return [
            (terms, RDF.type, SDO.DefinedTermSet),
            (terms, SDO.name, Literal("evaluation metrics of the list", lang=LANG)),
        ]


def with_satellites(graph: nx.MultiDiGraph, node_ids: Iterable[str]) -> set[str]:
    """The nodes plus what belongs to them: the list entries of papers, datasets and metrics, and
    the code of papers (see SATELLITES)."""
    nodes = set(node_ids)
    for node in list(nodes):
        nodes.update(target for _, target, kind in graph.out_edges(node, data="type") if kind in SATELLITES)
    return nodes


@dataclass(frozen=True)
class Quads:
    """The RDF of (part of) a graph: each triple with its graph (None: the default graph, which holds
    the knowledge; `Namer.provenance_graph(list)`: where things came from), and the prefixes to print
    them with. Turned into rdflib objects only when asked, since a large rdflib store is slow to fill."""

    quads: tuple[Quad, ...]
    namer: Namer
    stems: tuple[str, ...] = ()

    def graph(self) -> Graph:
        """Every triple in one rdflib Graph (for Turtle, N-Triples, JSON-LD, RDF/XML and SHACL)."""
        merged = Graph()
        self.namer.bind(merged, self.stems)
        merged.addN((s, p, o, merged) for s, p, o, _ in self.quads)
        return merged

    def dataset(self) -> Dataset:
        """An rdflib Dataset with the default graph and one named provenance graph per list (for TriG)."""
        dataset = Dataset()
        self.namer.bind(dataset, self.stems)
        graphs = {name: dataset.graph(name) for name in {g for *_, g in self.quads if g is not None}}
        dataset.addN((s, p, o, dataset.default_graph if g is None else graphs[g]) for s, p, o, g in self.quads)
        return dataset


def rdf_quads(build: Build, node_ids: Iterable[str] | None = None, *, vocab: Vocabulary | None = None,
              base: str | None = None) -> Quads:
    """The RDF of the whole graph (node_ids None) or of some of its nodes.

    For a set of nodes: their descriptions, their satellites (entries, code), and every edge between
    two of them; so every node a triple mentions is described (typed and labelled) in the result.
    vocab defaults to the vocabularies of the data folder (TFKG_DATA_DIR); base to TFKG_BASE_IRI.
    """
    graph: nx.MultiDiGraph = build.graph
    namer = Namer(base_iri(base))
    mapper = Mapper(build, vocab or Vocabulary.load(settings.get_path("data_dir")), namer)
    nodes = set(graph) if node_ids is None else with_satellites(graph, node_ids)
    missing = sorted(nodes - set(graph))
    if missing:
        raise ValueError(f"nodes not in the graph: {', '.join(missing[:5])}")
    ordered = sorted(nodes)
    kinds = {graph.nodes[n]["type"] for n in ordered}
    entry_graph = {n: namer.provenance_graph(node_stem(n)) for n in ordered if graph.nodes[n]["type"] == "entry"}
    stems = sorted({node_stem(n) for n in entry_graph})
    quads: list[Quad] = []
    if "concept" in kinds:
        quads += [(*t, None) for t in mapper.scheme()]
    if "metric" in kinds:
        quads += [(*t, None) for t in mapper.metric_set()]
    for stem in stems:
        quads += [(*t, namer.provenance_graph(stem)) for t in mapper.list_document(stem)]
    for node in ordered:
        quads += [(*t, entry_graph.get(node)) for t in mapper.describe(node)]
    for source, target, kind in graph.out_edges(ordered, data="type"):
        triple = mapper.edge(source, target, kind) if target in nodes else None
        if triple is not None:
            quads.append((*triple, entry_graph[target] if kind == "listed_as" else None))
    return Quads(tuple(quads), namer, tuple(stems))


def graph_to_rdf(build: Build, node_ids: Iterable[str] | None = None, *, vocab: Vocabulary | None = None,
                 base: str | None = None) -> Dataset:
    """`rdf_quads` as an rdflib Dataset: the knowledge in the default graph, provenance in named graphs."""
    return rdf_quads(build, node_ids, vocab=vocab, base=base).dataset()
