"""What the app loads once per server process and shares between all sessions (`st.cache_resource`):
the build, the vocabulary, the facet table, the searcher (model and index) and the curation report.

Reads: the build folder (setting `build`, env TFKG_BUILD) and the data folder. Each cached loader is
keyed by the build's folder and `built_at`, so a new `tfkg ingest` is picked up on the next rerun,
and keeps one entry only, so memory does not grow with rebuilds or sessions. The app never builds: with
no build, or one of an older format, `check_build` says which command to run.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from kg.core import settings
from kg.core.model import Entry, Ref
from kg.core.store import BUILD_FORMAT, Build, BuildMissing, load_build, read_manifest
from kg.core.vocab import Vocabulary
from kg.search.facets import FacetTable

SUGGESTIONS_SHOWN = 50
_SPARQL_LOCK = threading.Lock()
"""rdflib's SPARQL parser (pyparsing) is not thread-safe: parses in two sessions at once fail with
TypeErrors. So SPARQL is parsed and run one query at a time; a query takes milliseconds here."""

if TYPE_CHECKING:
    from pyoxigraph import Store

    from kg.curation.curate import CurationReport
    from kg.curation.suggest import Suggestion
    from kg.rdf.export import Slice, SliceRdf
    from kg.rdf.mapping import Namer
    from kg.rdf.sparql import SparqlResult
    from kg.search.search import Searcher


def build_folder() -> Path:
    return settings.get_path("build")


def build_stamp(folder: Path) -> str:
    """What identifies one build of a folder: its `built_at`. Raises BuildMissing without one."""
    manifest = read_manifest(folder)
    if manifest is None:
        raise BuildMissing(f"{folder}: no build here; run `tfkg ingest` first")
    return str(manifest.get("built_at", ""))


def check_build() -> None:
    """Raise BuildMissing, naming the folder and the command to run, when there is no build of the current
    format. The app only reads: `tfkg ingest` (or `scripts/run`) makes builds."""
    folder = build_folder()
    manifest = read_manifest(folder)
    if manifest is None:
        raise BuildMissing(f"{folder}: no build here; run `tfkg ingest` (or scripts/run) first")
    if manifest.get("format") != BUILD_FORMAT:
        raise BuildMissing(f"{folder}: build format {manifest.get('format')} is not {BUILD_FORMAT}; "
                           "run `tfkg ingest` to rebuild it")


@st.cache_resource(max_entries=1, show_spinner="Loading the knowledge graph…")
def _build(folder: str, stamp: str) -> Build:
    return load_build(Path(folder))


def current_build() -> Build:
    """The build in the build folder, loaded once per build. Raises BuildMissing when there is none."""
    folder = build_folder()
    return _build(str(folder), build_stamp(folder))


@st.cache_resource(max_entries=1, show_spinner=False)
def _vocabulary(data_dir: str) -> Vocabulary:
    return Vocabulary.load(Path(data_dir))


def vocabulary() -> Vocabulary:
    return _vocabulary(settings.get("data_dir"))


@st.cache_resource(max_entries=1, show_spinner=False)
def _facet_table(folder: str, stamp: str, data_dir: str) -> FacetTable:
    build = _build(folder, stamp)
    return FacetTable(build.papers, _vocabulary(data_dir))


def facet_table() -> FacetTable:
    """Every paper's facet values, for the filter options and their counts over the whole list."""
    folder = build_folder()
    return _facet_table(str(folder), build_stamp(folder), settings.get("data_dir"))


@st.cache_resource(max_entries=1, show_spinner=False)
def _entries_by_ref(folder: str, stamp: str) -> dict[str, Entry]:
    return {entry.ref: entry for entry in _build(folder, stamp).parsed.entries}


def entries_by_ref() -> dict[str, Entry]:
    """The list's paper entries by "file:line"."""
    folder = build_folder()
    return _entries_by_ref(str(folder), build_stamp(folder))


@st.cache_resource(max_entries=1, show_spinner="Loading the search index…")
def _searcher(folder: str, stamp: str) -> Searcher:
    from ingest.embed import Embedder
    from kg.search.search import Searcher

    searcher = Searcher.load(_build(folder, stamp), vocab=vocabulary())
    # the query encoder now, not on some session's first query: the build's ONNX export (it runs on one
    # thread), or the model itself for a build that has none
    if isinstance(searcher.embedder, Embedder):
        import torch

        # One torch thread for good: the sessions are the concurrency. ingest/embed.py drops to one thread
        # per query and then restores the count it found, which races between sessions; with two threads a
        # query on a busy 2-core machine took 500 ms instead of 10 ms.
        torch.set_num_threads(1)
    # The model, the index and the build live as long as the process: keeping them out of the garbage
    # collector's full collections keeps those from pausing every session (they walk every object).
    gc.freeze()
    return searcher


def searcher() -> Searcher:
    """The searcher of the current build: the embedding model and the index, loaded once."""
    folder = build_folder()
    return _searcher(str(folder), build_stamp(folder))


@st.cache_resource(max_entries=1, show_spinner="Checking the list…")
def _curation(folder: str, stamp: str) -> CurationReport:
    from kg.curation.curate import curate

    return curate(_build(folder, stamp), settings.get_path("data_dir"))


def curation_report() -> CurationReport:
    """The curation report of the current build (kg/curation/curate.py), made once per build."""
    folder = build_folder()
    return _curation(str(folder), build_stamp(folder))


@st.cache_resource(max_entries=1, show_spinner=False)
def _corrected(folder: str, stamp: str) -> tuple[str, str]:
    from kg.curation.fix import fix_list

    return fix_list(_build(folder, stamp), _curation(folder, stamp))


def corrected_list() -> tuple[str, str]:
    """The corrected list's text and its unified diff against the list (kg/curation/fix.py)."""
    folder = build_folder()
    return _corrected(str(folder), build_stamp(folder))


@st.cache_resource(max_entries=1, show_spinner=False)
def _list_lines(folder: str, stamp: str) -> tuple[tuple[str, ...], dict[int, str]]:
    from kg.curation.curate import read_list

    build = _build(folder, stamp)
    _, text = read_list(build)
    paper_of = {Ref.parse(ref).line: paper.id for paper in build.papers for ref in paper.entries}
    return tuple(text.splitlines()), paper_of


@st.cache_resource(max_entries=8, show_spinner="Comparing with the peer lists…")
def _suggestions(folder: str, stamp: str, peers: tuple[tuple[str, bytes], ...]) -> list[Suggestion]:
    import tempfile

    from kg.curation.suggest import ListProfile, from_citations, from_peers, suggest

    build = _build(folder, stamp)
    profile = ListProfile(build.parsed, _list_lines(folder, stamp)[0], vocabulary())
    with tempfile.TemporaryDirectory() as temp:
        paths = []
        for name, data in peers:
            path = Path(temp) / Path(name).name
            path.write_bytes(data)
            paths.append(path)
        candidates = from_peers(profile, paths, vocabulary()) + from_citations(profile, build.folder)
    return suggest(profile, candidates, SUGGESTIONS_SHOWN)


def suggestions(peers: tuple[tuple[str, bytes], ...]) -> list[Suggestion]:
    """What the list lacks, from uploaded peer lists (name, bytes) and cited works; made once per build
    and set of peers."""
    folder = build_folder()
    return _suggestions(str(folder), build_stamp(folder), peers)


def list_lines() -> tuple[str, ...]:
    """The lines of the build's list (a UserError when the list changed since the build)."""
    folder = build_folder()
    return _list_lines(str(folder), build_stamp(folder))[0]


def paper_of_line(line: int) -> str | None:
    """The id of the paper a list line describes, if it is a paper row."""
    folder = build_folder()
    return _list_lines(str(folder), build_stamp(folder))[1].get(line)


@dataclass(frozen=True)
class SliceDocument:
    """A slice mapped to RDF (kg/rdf/export.py) with its triple count, ready to serialize."""

    rdf: SliceRdf
    triples: int


@st.cache_resource(max_entries=8, show_spinner="Mapping the slice to RDF…")
def _slice(folder: str, stamp: str, chosen: Slice) -> SliceDocument:
    from kg.rdf.export import slice_rdf

    with _SPARQL_LOCK if chosen.construct is not None else nullcontext():
        rdf = slice_rdf(_build(folder, stamp), chosen, vocab=vocabulary())
    return SliceDocument(rdf, len(rdf.quads.graph()))


def slice_document(chosen: Slice) -> SliceDocument:
    """A slice's RDF, mapped once per build and slice (the last few slices are kept)."""
    folder = build_folder()
    return _slice(str(folder), build_stamp(folder), chosen)


@st.cache_resource(max_entries=16, show_spinner="Writing the document…")
def _document(folder: str, stamp: str, chosen: Slice, fmt: str) -> str:
    from kg.rdf.export import serialize

    return serialize(_slice(folder, stamp, chosen).rdf, fmt, _build(folder, stamp), vocabulary())


def document(chosen: Slice, fmt: str) -> str:
    """A slice as a document of one of kg.rdf.export.FORMATS, written once per build, slice and format."""
    folder = build_folder()
    return _document(str(folder), build_stamp(folder), chosen, fmt)


@st.cache_resource(max_entries=1, show_spinner="Loading the graph into the SPARQL store…")
def _sparql_store(folder: str, stamp: str) -> tuple[Store, Namer]:
    from kg.rdf.mapping import rdf_quads
    from kg.rdf.sparql import load_store

    quads = rdf_quads(_build(folder, stamp), vocab=vocabulary())
    return load_store(quads), quads.namer


def sparql(query: str, on_wait: Callable[[float], None] | None = None) -> SparqlResult:
    """Run a read-only SPARQL query over the whole graph (kg/rdf/sparql.py refuses updates) within the bounds
    of the settings. The store is loaded once per build and shared; only the parse takes the lock, and the
    query runs in its own process, so one user's query never makes another's wait past its bounds.
    on_wait is called while it runs: a Streamlit call there lets a closed session or a stopping server
    stop the query at once. With TFKG_SPARQL_ENDPOINT set, the triple store it names answers instead."""
    from kg.rdf.sparql import Bounds, query_form, query_graph

    folder = build_folder()
    with _SPARQL_LOCK:
        form = query_form(query)
    return query_graph(query, form, lambda: _sparql_store(str(folder), build_stamp(folder)), Bounds.from_settings(),
                       on_wait=on_wait)


def construct_slice(query: str) -> Slice:
    """The slice a CONSTRUCT query from the query box builds (kg/rdf/export.py), parsed under the SPARQL lock."""
    from kg.rdf.export import construct_slice as parse_construct

    with _SPARQL_LOCK:
        return parse_construct(query, "the query box")
