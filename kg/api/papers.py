"""The JSON API: search, papers, similar papers, build figures, the curation report, and exports.

Each endpoint calls the service the CLI command of the same name calls (kg/search, kg/curation, kg/rdf)
and answers with its JSON (`tfkg search --json`, `tfkg stats --json`, `tfkg curate --json`) or, for an
export, its document. Reads: the loaded `Service`. Writes nothing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from ingest.stats import build_stats
from kg.api.negotiate import RDF_OFFERS, Offer, choose
from kg.api.service import Service, ServiceDep
from kg.core.errors import UserError
from kg.core.store import to_json
from kg.rdf.export import MAX_HOPS, SliceRequest, choose_slice, run_export
from kg.search.facets import FilterError, Filters, parse_years

MAX_LIMIT = 100
"""Most results in one page; page on with offset."""
EXPORT_OFFERS = (*RDF_OFFERS, Offer("bibtex", "application/x-bibtex"), Offer("csv", "text/csv"))
"""Every format of `tfkg export` (kg/rdf/export.py FORMATS), Turtle first."""

API_SLICE_NAMES = {"query or filters": "q or filters", "query": "q",
                   "type": "type", "hops": "hops", "around": "around", "top": "limit"}
"""How /api/export names the slice parameters in its messages."""

router = APIRouter()


def filters(
    year: Annotated[str | None, Query(description="A year or an inclusive range: 2022, 2020-2022.")] = None,
    venue: Annotated[list[str] | None, Query(description="Venue family (CVPR, ACM MM...); repeat for any of "
                                                         "several.")] = None,
    venue_kind: Annotated[list[str] | None, Query(description="conference, journal, preprint or workshop; repeat "
                                                              "for any of several.")] = None,
    keyword: Annotated[list[str] | None, Query(description="Concept id or label (a keyword includes its narrower "
                                                           "concepts); repeat for all of several.")] = None,
    dataset: Annotated[list[str] | None, Query(description="Dataset id or name (HDTF...); repeat for all of "
                                                           "several.")] = None,
    has_code: Annotated[bool | None, Query(description="true: papers with a code link; false: without.")] = None,
    author: Annotated[list[str] | None, Query(description="Author name (enriched builds); repeat for all of "
                                                          "several.")] = None,
    topic: Annotated[list[str] | None, Query(description="A topic heading of the list (\"Segmentation\"); "
                                                         "repeat for any of several.")] = None,
) -> Filters:
    """The filters of `tfkg search` as query parameters. A year that is not one is a 422 naming `year`."""
    try:
        years = parse_years(year) if year is not None else None
    except FilterError as error:
        raise RequestValidationError([{"type": "value_error", "loc": ("query", "year"), "msg": str(error),
                                       "input": year}]) from None
    return Filters(years=years, venues=tuple(venue or ()), venue_kinds=tuple(venue_kind or ()),
                   keywords=tuple(keyword or ()), datasets=tuple(dataset or ()), has_code=has_code,
                   authors=tuple(author or ()), topics=tuple(topic or ()))


FiltersDep = Annotated[Filters, Depends(filters)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="How many results in this page.")]


def paper_row(service: Service, paper_id: str) -> int:
    """The searcher's row of a paper id; a 404 with the nearest ids when there is none."""
    try:
        return service.searcher.row_of(paper_id)
    except UserError as error:
        raise HTTPException(404, str(error)) from None


@router.get("/api/search", tags=["papers"])
def search(service: ServiceDep, found_by: FiltersDep, limit: Limit = 10,
           offset: Annotated[int, Query(ge=0, description="How many results to skip (paging).")] = 0,
           q: Annotated[str, Query(description="Words, concepts, a venue and year, a dataset; empty with filters "
                                              "lists the papers passing them, newest first.")] = "") -> JSONResponse:
    """Papers by meaning, words and concepts, with why each matched, facet counts of every match and the
    total; the JSON of `tfkg search --json` (docs/search.md) plus `offset` and `limit`."""
    response = service.searcher.search(q, found_by, offset + limit)
    body: dict[str, Any] = replace(response, results=response.results[offset:]).to_json()
    return JSONResponse({**body, "offset": offset, "limit": limit})


@router.get("/api/papers/{paper_id}", tags=["papers"])
def paper(service: ServiceDep, paper_id: str) -> JSONResponse:
    """One paper's record (kg/core/model.py Paper) and its IRI; a 404 for an unknown id."""
    record = service.searcher.papers[paper_row(service, paper_id)]
    return JSONResponse({**to_json(record), "iri": str(service.namer.node(f"paper/{record.id}"))})


@router.get("/api/papers/{paper_id}/similar", tags=["papers"])
def similar(service: ServiceDep, paper_id: str, found_by: FiltersDep, limit: Limit = 10) -> JSONResponse:
    """The papers nearest to one paper by meaning, with the concepts of it each shares (`tfkg similar --json`)."""
    paper_row(service, paper_id)
    return JSONResponse(service.searcher.similar(paper_id, limit, found_by).to_json())


@router.get("/api/stats", tags=["build"])
def stats(service: ServiceDep) -> JSONResponse:
    """The figures of the build (`tfkg stats --json`)."""
    return JSONResponse(build_stats(service.build))


@router.get("/api/curation", tags=["build"])
def curation(service: ServiceDep) -> Response:
    """The curator's report on the list: duplicates, defects and gaps (`tfkg curate --json`, docs/curation.md)."""
    return Response(service.curation_json, media_type="application/json")


@router.get("/api/export", tags=["build"],
            responses={200: {"content": {offer.media_type: {} for offer in EXPORT_OFFERS}}})
def export(service: ServiceDep, found_by: FiltersDep,
           q: Annotated[str, Query(description="Export the best papers for this query.")] = "",
           limit: Annotated[int | None, Query(ge=1, le=MAX_LIMIT, description="With q: how many papers "
                                                                               "[default: 20].")] = None,
           around: Annotated[str | None, Query(description="Export the neighbourhood of a node: "
                                                           "paper/2301.03786, dataset/hdtf, or a bare id.")] = None,
           hops: Annotated[int | None, Query(ge=0, le=MAX_HOPS, description="With around: how many edges away "
                                                                            "[default: 1].")] = None,
           node_type: Annotated[str | None, Query(alias="type", description="Export every node of a type (paper, "
                                                                            "concept, dataset...).")] = None,
           fmt: Annotated[str | None, Query(alias="format", description="ttl, jsonld, nt, xml, trig, bibtex or csv "
                                                                        "(else chosen by Accept; Turtle by "
                                                                        "default).")] = None,
           accept: Annotated[str | None, Header(include_in_schema=False)] = None) -> Response:
    """A slice of the graph as RDF, or its papers as BibTeX or CSV, as `tfkg export` writes it. One slice at
    a time: papers passing the filters or the best for q, the neighbourhood of a node, a node type, or (with
    no slice parameter) the whole graph. Graphs a query builds are the SPARQL endpoint's: CONSTRUCT at /sparql."""
    offer = choose(EXPORT_OFFERS, accept, fmt)
    request = SliceRequest(q or "", found_by, limit, around, hops, node_type, names=API_SLICE_NAMES)
    build = service.build
    chosen = choose_slice(build, request, lambda: service.searcher, lambda: service.vocab)
    result = run_export(build, chosen, offer.name, vocab=service.vocab, data_dir=service.data_dir,
                        base=service.namer.base, mapped=service.cached_slice_rdf)
    return Response(result.text, media_type=offer.media_type)
