"""The SPARQL 1.1 Protocol endpoint at /sparql: read-only queries over the whole graph.

A query comes as GET `?query=`, as POST `query=` (application/x-www-form-urlencoded), or as a POST body of
type application/sparql-query. It runs through `query_graph` (kg/rdf/sparql.py) on the graph the service
loaded once, or at the triple store TFKG_SPARQL_ENDPOINT names, within the bounds of the settings
(sparql_timeout, sparql_max_rows, sparql_memory_mb), as `tfkg sparql` runs it. SELECT and ASK
answer in the SPARQL results formats (JSON, XML, CSV, TSV), CONSTRUCT and DESCRIBE in RDF (Turtle,
JSON-LD, N-Triples, RDF/XML, TriG), chosen by Accept (or `?format=`). A syntax error or an update is a 400
with the parser's message; a query stopped at a bound is a 503. Reads: the loaded `Service`. Writes nothing.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kg.api.negotiate import RDF_OFFERS, Offer, choose
from kg.api.service import Service, ServiceDep
from kg.rdf.export import serialize_rdf
from kg.rdf.mapping import Quads
from kg.rdf.sparql import QueryStopped, SparqlError, SparqlResult, format_result, query_form, query_graph

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
}
RESULT_OFFERS = (
    Offer("json", "application/sparql-results+json"),
    Offer("xml", "application/sparql-results+xml"),
    Offer("csv", "text/csv"),
    Offer("tsv", "text/tab-separated-values"),
)
"""SELECT and ASK answers, JSON when any will do."""
DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")
QUERY_HELP = "A SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE); the export's prefixes are predefined."

router = APIRouter(tags=["sparql"])


@router.get("/sparql", responses={200: {"content": {o.media_type: {} for o in (*RESULT_OFFERS, *RDF_OFFERS)}}})
def sparql_get(request: Request, service: ServiceDep, query: Annotated[str, Query(description=QUERY_HELP)],
               fmt: Annotated[str | None, Query(alias="format", description="json, xml, csv or tsv for SELECT "
                                                                           "and ASK; ttl, jsonld, nt, xml or "
                                                                           "trig for CONSTRUCT and DESCRIBE "
                                                                           "(else chosen by Accept).")] = None,
               accept: Annotated[str | None, Header(include_in_schema=False)] = None) -> Response:
    """Run a read-only SPARQL query given as `?query=` (the SPARQL 1.1 Protocol's query via GET)."""
    refuse_dataset(list(request.query_params))
    return answer(service, query, accept, fmt)


@router.post("/sparql", openapi_extra={"requestBody": {"required": True, "content": {
    "application/x-www-form-urlencoded": {"schema": {"type": "object", "required": ["query"],
                                                     "properties": {"query": {"type": "string"}}}},
    "application/sparql-query": {"schema": {"type": "string"}}}}})
async def sparql_post(request: Request, service: ServiceDep,
                      fmt: Annotated[str | None, Query(alias="format", description="As for GET.")] = None,
                      accept: Annotated[str | None, Header(include_in_schema=False)] = None) -> Response:
    """Run a read-only SPARQL query sent as a form field `query` or as an application/sparql-query body."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "the request body is not UTF-8 text") from None
    if media_type == "application/sparql-query":
        query = text
    elif media_type == "application/x-www-form-urlencoded":
        fields = parse_qs(text, keep_blank_values=True)
        if "update" in fields:
            raise HTTPException(400, "SPARQL updates are refused: the graph is read-only (edit the list and run "
                                     "`tfkg ingest`)")
        refuse_dataset(list(fields))
        if len(fields.get("query", [])) != 1:
            raise HTTPException(400, "give the query as one form field `query`")
        query = fields["query"][0]
    else:
        raise HTTPException(415, f"a SPARQL query is sent as application/x-www-form-urlencoded (query=...) or "
                                 f"as application/sparql-query, not {media_type or 'a body with no type'}")
    return await run_in_threadpool(answer, service, query, accept, fmt)


def refuse_dataset(parameters: list[str]) -> None:
    """A 400 for the protocol's dataset parameters: every query runs over the whole graph."""
    given = [name for name in DATASET_PARAMETERS if name in parameters]
    if given:
        raise HTTPException(400, f"{', '.join(given)} is not supported: every query runs over the whole graph "
                                 "(use GRAPH <...> { } to reach the provenance graph)")


def answer(service: Service, query: str, accept: str | None, fmt: str | None) -> Response:
    """Run a query and write its answer as negotiated. Only the parse is one at a time (rdflib's parser is
    not thread-safe); queries run side by side on the service's store, each in its own bounded process."""
    if not query.strip():
        raise HTTPException(400, "the query is empty")
    if fmt is None:
        choose((*RESULT_OFFERS, *RDF_OFFERS), accept)  # a 406 before the query runs when no answer could do
    try:
        with service.sparql_lock:
            form = query_form(query)
        result = query_graph(query, form, lambda: (service.store, service.namer), service.bounds,
                             base=service.namer.base)
    except SparqlError as error:
        raise HTTPException(503 if isinstance(error, QueryStopped) else 400, str(error)) from None
    offer = choose(RDF_OFFERS if result.graph is not None else RESULT_OFFERS, accept, fmt)
    headers = {"Vary": "Accept"}
    if result.notes:
        headers["TFKG-Notes"] = " | ".join(result.notes)
    return Response(write(result, offer), media_type=offer.media_type, headers=headers)


def write(result: SparqlResult, offer: Offer) -> str:
    """A graph through the export's RDF writers; solutions or a boolean as SPARQL JSON results
    (kg/rdf/sparql.py), which pyoxigraph's writers turn into XML, CSV or TSV."""
    if result.graph is not None:
        quads = Quads(tuple((s, p, o, None) for s, p, o in result.graph), result.namer)
        return serialize_rdf(quads, offer.name, result.graph)
    text = format_result(result, "json")
    if offer.name == "json":
        return text
    parsed = ox.parse_query_results(text.encode("utf-8"), format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=RESULT_FORMATS[offer.name]).decode("utf-8")
