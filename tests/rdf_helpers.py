"""Helpers of the RDF tests: a small enriched build, and pyoxigraph's parse as rdflib triples."""

from __future__ import annotations

import dataclasses

import pyoxigraph as ox
from rdflib import BNode, Literal, Namespace, URIRef

from ingest.graph import build_graph
from ingest.papers import Corpus
from kg.core.model import Author
from kg.core.store import Build
from kg.core.vocab import Vocabulary

# Plain namespaces for schema.org and XSD: rdflib's closed ones warn when pytest inspects a test module's names.
SCHEMA = Namespace("https://schema.org/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

SADTALKER = "2211.12194"
DIFFTALK = "2301.03786"
CODETALKER = "2301.02379"


def enriched(build: Build, vocab: Vocabulary) -> Build:
    """The build with enrichment on three papers: authors (one shared), a DOI, dates (one in the
    paper's year, one a year before it), an abstract and TL;DR, and citations between them, with
    its graph rebuilt by ingest/graph.py as ingest would."""
    changes = {
        SADTALKER: {
            "authors": (Author("1", "Wenxuan Zhang"), Author("2", "Xiaodong Cun")),
            "doi": "10.1109/CVPR52729.2023.00836",
            "published": "2022-11-22",  # arXiv v1, a year before the CVPR 2023 paper
            "abstract": "Generating talking head videos through a face image & a piece of speech audio.",
            "tldr": "Realistic 3D motion coefficients for one-shot talking faces.",
            "cites": (CODETALKER,),
        },
        CODETALKER: {
            "authors": (Author("2", "Xiaodong Cun"), Author("codetalker-author", "Jinbo Xing")),
            "published": "2023-01-06",
        },
        DIFFTALK: {"cites": (SADTALKER, CODETALKER), "published": "2023-01-10T18:00:00Z"},
    }
    papers = tuple(dataclasses.replace(p, **changes.get(p.id, {})) for p in build.papers)
    corpus = Corpus(papers, build.datasets, build.metrics, {})
    graph = build_graph(corpus, build.parsed, vocab)
    return dataclasses.replace(build, papers=papers, graph=graph)


def oxigraph_triples(data: str, fmt: ox.RdfFormat) -> set[tuple]:
    """A document parsed by pyoxigraph (every graph merged), as rdflib triples."""
    return {tuple(_rdflib(term) for term in (q.subject, q.predicate, q.object)) for q in ox.parse(data.encode(), fmt)}


def oxigraph_quads(data: str, fmt: ox.RdfFormat) -> set[tuple]:
    """A TriG or N-Quads document parsed by pyoxigraph, as (s, p, o, graph name or None)."""
    return {
        (*(_rdflib(term) for term in (q.subject, q.predicate, q.object)),
         None if isinstance(q.graph_name, ox.DefaultGraph) else URIRef(q.graph_name.value))
        for q in ox.parse(data.encode(), fmt)
    }


def _rdflib(term: object) -> object:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    assert isinstance(term, ox.Literal)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))
