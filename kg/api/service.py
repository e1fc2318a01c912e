"""What the HTTP API loads once at start-up and shares between requests: the build, its searcher and
vocabulary, the RDF of the whole graph indexed by node (for linked data) and in a SPARQL store (not loaded
while TFKG_SPARQL_ENDPOINT names a triple store to ask instead), the curation report (made on the first
request for it), and a cache of the RDF of the last slices exported.

Reads: one build folder, its link resolved once by `load_build`: a running server keeps serving the build
it started with (restart it after `tfkg ingest`). Writes nothing.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
from fastapi import Depends, Request
from rdflib import Graph, URIRef
from rdflib.namespace import NamespaceManager

from kg.core import settings
from kg.core.errors import UserError
from kg.core.store import Build, load_build
from kg.core.vocab import Vocabulary
from kg.rdf.export import LABEL_PREDICATES, Slice, SliceRdf, slice_rdf
from kg.rdf.mapping import Namer, Quads, Triple, base_iri, rdf_quads
from kg.rdf.sparql import Bounds, load_store
from kg.search.search import Searcher

EXPORT_CACHE_SLICES = 16
"""How many slices' RDF the service keeps for /api/export (the whole graph's is about 4,300 triples)."""


@dataclass(frozen=True)
class NodeIndex:
    """The triples of the whole graph by subject and by object, and one label triple per IRI."""

    subjects: dict[URIRef, list[Triple]]
    objects: dict[URIRef, list[Triple]]
    labels: dict[URIRef, Triple]

    @classmethod
    def of(cls, triples: list[Triple]) -> NodeIndex:
        subjects: dict[URIRef, list[Triple]] = defaultdict(list)
        objects: dict[URIRef, list[Triple]] = defaultdict(list)
        labels: dict[URIRef, Triple] = {}
        for triple in triples:
            subject, predicate, obj = triple
            subjects[subject].append(triple)
            if isinstance(obj, URIRef):
                objects[obj].append(triple)
            elif predicate in LABEL_PREDICATES:
                labels.setdefault(subject, triple)
        return cls(dict(subjects), dict(objects), labels)


@dataclass(frozen=True)
class Service:
    """A loaded build ready to answer requests. The graph is loaded into `store` once, when a query is to run in
    process; parsing a SPARQL query takes `sparql_lock` (rdflib's parser, pyparsing, is not thread-safe and
    request handlers run on a thread pool), and the query then runs outside it, in its own bounded process."""

    build: Build
    searcher: Searcher
    vocab: Vocabulary
    data_dir: Path
    namer: Namer
    bounds: Bounds
    quads: Quads
    """The RDF of the whole graph (kg/rdf/mapping.py)."""
    nodes: NodeIndex
    """The same RDF indexed for linked data."""
    sparql_lock: threading.Lock = field(default_factory=threading.Lock, compare=False)

    @classmethod
    def load(cls, build_dir: Path) -> Service:
        """Load a build and its search index; a missing or stale index is a UserError naming the fix."""
        from ingest.index import IndexStale

        vocab = Vocabulary.load(settings.get_path("data_dir"))
        try:
            return cls.of(Searcher.load(load_build(build_dir), vocab=vocab))
        except IndexStale as error:
            raise UserError(f"{error}; run `tfkg ingest --force` to rebuild it") from error

    @classmethod
    def of(cls, searcher: Searcher) -> Service:
        """The service of a loaded searcher, with the settings of the environment (data folder, base IRI,
        SPARQL bounds, SPARQL endpoint). The embedding model and the speller are made now, so no request waits
        for them, and so is the SPARQL store unless the queries go to a triple store (TFKG_SPARQL_ENDPOINT)."""
        searcher.embedder  # noqa: B018 (loads the model once, before two requests could load it at once)
        searcher.speller  # noqa: B018 (counts the list's words now, so no misspelt query waits for it)
        namer = Namer(base_iri())
        quads = rdf_quads(searcher.build, vocab=searcher.vocab, base=namer.base)
        service = cls(searcher.build, searcher, searcher.vocab, settings.get_path("data_dir"), namer,
                      Bounds.from_settings(), quads, NodeIndex.of([(s, p, o) for s, p, o, _ in quads.quads]))
        if not settings.get("sparql_endpoint"):
            service.store  # noqa: B018 (loads the store now, so no query waits for it)
        return service

    @cached_property
    def store(self) -> ox.Store:
        """The RDF of the whole graph in a pyoxigraph store, for SPARQL in process: loaded by `of`, unless
        TFKG_SPARQL_ENDPOINT was set then; else by the first query that runs in process (the setting is read
        per query)."""
        return load_store(self.quads)

    @cached_property
    def cached_slice_rdf(self) -> Callable[[Slice], SliceRdf]:
        """A cache of `slice_rdf` for /api/export: a slice's RDF, kept for the EXPORT_CACHE_SLICES slices last
        asked for. Safe, since the build, vocabulary and base IRI do not change while the service runs and a
        SliceRdf is immutable (each request makes its own rdflib Graph of it)."""

        @lru_cache(maxsize=EXPORT_CACHE_SLICES)
        def mapped(chosen: Slice) -> SliceRdf:
            return slice_rdf(self.build, chosen, vocab=self.vocab, base=self.namer.base)

        return mapped

    @cached_property
    def prefixes(self) -> NamespaceManager:
        """The export's prefixes, to write IRIs short (schema:name, paper:2301.03786)."""
        graph = Graph()
        self.namer.bind(graph)
        return graph.namespace_manager

    @cached_property
    def curation_json(self) -> str:
        """The curation report as `tfkg curate --json` prints it, made on first ask (it reads the list)."""
        from kg.curation.curate import curate, report_json_text

        return report_json_text(curate(self.build, self.data_dir))


def loaded_service(request: Request) -> Service:
    """The service the app was made with (a FastAPI dependency)."""
    return request.app.state.service


ServiceDep = Annotated[Service, Depends(loaded_service)]
