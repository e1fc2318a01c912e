"""`tfkg sparql`: read-only SPARQL (SELECT, ASK, CONSTRUCT, DESCRIBE) over the whole graph.

Reads: a build, mapped to RDF by `kg/rdf/mapping.py` (the knowledge and the provenance graphs; a query's
default graph is their union, and GRAPH <...> reaches the provenance graph alone), and a query.
Writes nothing; returns a `SparqlResult` that `format_result` prints as a table, JSON or CSV.

The prefixes of the export (schema, skos, prov, cito, dcterms, owl, rdfs, xsd, tfkg, and paper,
concept, dataset, venue, metric, author for the nodes) are predefined; a query may redeclare them.
The query is first parsed with rdflib's SPARQL parser, which gives its form, refuses updates
(INSERT, DELETE, LOAD...) and federated SERVICE calls (they would reach the network), and locates
syntax errors. It then runs on pyoxigraph's engine over an in-memory store: on a graph 100 times
the bundled one, rdflib's own engine takes about a second per query where pyoxigraph takes
milliseconds (figures in docs/rdf.md, from benchmarks/rdf_bench.py).

When the setting sparql_endpoint (TFKG_SPARQL_ENDPOINT) names a triple store's SPARQL endpoint, `run_sparql`
asks that store instead (over the SPARQL 1.1 Protocol, kg/rdf/store_client.py), after the same checks, and
reads its answer into the same `SparqlResult`: `query_graph` is the one place where the two paths part.
"""

from __future__ import annotations

import csv
import faulthandler
import io
import json
import multiprocessing
import os
import re
import resource
import signal
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

import pyoxigraph as ox
from pyparsing import ParseException
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import XSD
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.query import Result
from rdflib.term import Node, Variable

from kg.core import settings
from kg.core.errors import UserError
from kg.core.store import Build
from kg.core.vocab import Vocabulary
from kg.rdf.mapping import Namer, Quads, base_iri, jsonld_context, rdf_quads
from kg.rdf.store_client import NTRIPLES, ask, redacted

QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
OutputFormat = Literal["table", "json", "csv"]
OUTPUT_FORMATS: tuple[OutputFormat, ...] = ("table", "json", "csv")
WAIT_SLICE = 0.25
"""Seconds between the checks a caller's on_wait makes while a bounded query runs."""
COUNT_EVERY = 0.2
"""Seconds between the counts a bounded query's child reports once past the row bound."""
RESULT_PARSERS = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml"}
"""The media types of SELECT and ASK answers asked of a store, most wanted first -> rdflib's result parsers."""
GRAPH_PARSERS = {NTRIPLES: "nt", "text/turtle": "turtle", "application/rdf+xml": "xml"}
"""The same for CONSTRUCT and DESCRIBE answers -> rdflib's RDF parsers."""
FORMS: dict[str, QueryForm] = {
    "SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE",
}


class SparqlError(UserError):
    """A query tfkg will not run: a syntax error, an update, a SERVICE call."""


class QueryStopped(SparqlError):
    """A query stopped at its time or memory bound: it may be fine, only too costly to run here (the HTTP API
    answers 503, not 400)."""


@dataclass(frozen=True)
class SparqlResult:
    """What a query returned. SELECT: variables and rows (a term or None per variable); ASK: boolean;
    CONSTRUCT and DESCRIBE: graph. namer names the export's IRIs, to print them short."""

    form: QueryForm
    namer: Namer
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Node | None, ...], ...] | None = None
    boolean: bool | None = None
    graph: Graph | None = None
    notes: tuple[str, ...] = ()
    """What the reader should know: a bound that cut the answer (and how big it was), an ignored FROM."""


def query_form(query: str) -> QueryForm:
    """The form of a read-only query. Raises SparqlError for a syntax error (with its line and column),
    an update, or a SERVICE call."""
    try:
        parsed = parseQuery(query)
    except ParseException as error:
        try:
            parseUpdate(query)
        except ParseException:
            line = error.line.strip()
            raise SparqlError(
                f"SPARQL syntax error at line {error.lineno}, column {error.col}: {error.msg}"
                + (f" (in: {line[:80]!r})" if line else "")
            ) from None
        raise SparqlError(
            "this is a SPARQL update (INSERT/DELETE/LOAD/CLEAR...); tfkg sparql is read-only: "
            "the graph is rebuilt from the list by `tfkg ingest`, so edit the list instead"
        ) from None
    if "ServiceGraphPattern" in _names(parsed):
        raise SparqlError("SERVICE (a federated query) is not allowed: tfkg sparql queries the local graph only")
    return FORMS[parsed[1].name]


def _names(tree: Any) -> set[str]:
    """Names of every parse node in an rdflib SPARQL parse tree."""
    names: set[str] = set()
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            names.add(item.name)
            stack.extend(item.values())
        elif isinstance(item, list | tuple) or type(item).__name__ == "ParseResults":
            stack.extend(item)
    return names


def load_store(quads: Quads) -> ox.Store:
    """An in-memory pyoxigraph store holding the quads (provenance in its named graphs)."""
    store = ox.Store()
    named: dict[str, ox.NamedNode] = {}

    def node(iri: URIRef) -> ox.NamedNode:
        found = named.get(iri)
        if found is None:
            found = named[iri] = ox.NamedNode(str(iri))
        return found

    def term(value: URIRef | RdfLiteral) -> ox.NamedNode | ox.Literal:
        if isinstance(value, URIRef):
            return node(value)
        if value.language:
            return ox.Literal(str(value), language=value.language)
        return ox.Literal(str(value), datatype=node(value.datatype or XSD.string))

    store.bulk_extend(
        ox.Quad(node(s), node(p), term(o), ox.DefaultGraph() if g is None else node(g)) for s, p, o, g in quads.quads
    )
    return store


def to_rdflib(term: Any) -> Node:
    """A pyoxigraph term as an rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return RdfLiteral(term.value, lang=term.language)
    datatype = term.datatype.value
    return RdfLiteral(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))


@dataclass(frozen=True)
class Bounds:
    """How far one query may go: seconds of wall time, rows (or triples) kept, megabytes of memory."""

    seconds: float
    rows: int
    memory_mb: int

    @classmethod
    def from_settings(cls) -> Bounds:
        """The bounds the settings give (sparql_timeout, sparql_max_rows, sparql_memory_mb)."""
        return cls(settings.get_number("sparql_timeout"), int(settings.get_number("sparql_max_rows")),
                   int(settings.get_number("sparql_memory_mb")))


def query_store(store: ox.Store, query: str, namer: Namer, bounds: Bounds | None = None,
                form: QueryForm | None = None, on_wait: Callable[[float], None] | None = None) -> SparqlResult:
    """Run a read-only query on a store (the default graph is the union of all graphs). With bounds the
    query runs in a child process that is stopped when it passes them; on_wait(seconds so far) is called
    while it runs, and whatever it raises stops the query (the app's session ending, a server shutting
    down). form skips parsing the query again (rdflib's parser is not thread-safe, so a caller may parse
    it under its own lock)."""
    form = form or query_form(query)
    notes = _notes(query)
    if bounds is None:
        variables, items, _, _ = _answer(store, query, namer, form)
        return _result(form, namer, variables, items, notes)
    variables, items, total, complete = _bounded(store, query, namer, form, bounds, on_wait)
    if not complete:
        notes.append(_cut_note(form, len(items), f"at least {total:,}") + f", counted for up to {bounds.seconds:g} s")
    return _result(form, namer, variables, items, notes)


def _notes(query: str) -> list[str]:
    """What a reader of the answer should know about how the query was run."""
    if re.search(r"\bFROM\s+(NAMED\s+)?<", query, re.IGNORECASE):
        return ["FROM and FROM NAMED are ignored: every query runs over the whole graph (knowledge and "
                "provenance together); use GRAPH <...> { } to reach one named graph"]
    return []


def _answer(store: ox.Store, query: str, namer: Namer, form: QueryForm,
            limit: int | None = None) -> tuple[tuple[str, ...], list[Any], int, bool]:
    """(variables, rows or triples or [boolean], how many the answer has, whether all were kept). Past
    the limit, rows are counted, not kept."""
    try:
        results = store.query(query, use_default_graph_as_union=True, prefixes=namer.prefixes())
    except SyntaxError as error:
        raise SparqlError(f"SPARQL syntax error: {error}") from None
    if form == "ASK":
        return (), [bool(results)], 1, True
    variables = _variable_order(query, tuple(v.value for v in results.variables)) if form == "SELECT" else ()
    kept: list[Any] = []
    total = 0
    for item in results:
        total += 1
        if limit is None or total <= limit:
            kept.append(_item(item, variables, form))
    return variables, kept, total, limit is None or total <= limit


def _item(item: Any, variables: tuple[str, ...], form: QueryForm) -> tuple[Node | None, ...]:
    """A solution as a row of rdflib terms, or a triple as one."""
    if form == "SELECT":
        return tuple(None if item[v] is None else to_rdflib(item[v]) for v in variables)
    return to_rdflib(item.subject), to_rdflib(item.predicate), to_rdflib(item.object)


def _variable_order(query: str, variables: tuple[str, ...]) -> tuple[str, ...]:
    """SELECT * columns in the order the query first names them (pyoxigraph gives them in its own)."""
    if not re.search(r"\bSELECT\s+(DISTINCT\s+|REDUCED\s+)?\*", query, re.IGNORECASE):
        return variables
    named = re.findall(r"[?$](\w+)", query)
    first = {name: named.index(name) for name in set(named)}
    return tuple(sorted(variables, key=lambda v: first.get(v, len(named))))


def _result(form: QueryForm, namer: Namer, variables: tuple[str, ...], items: list[Any],
            notes: list[str]) -> SparqlResult:
    if form == "SELECT":
        return SparqlResult(form, namer, variables=variables, rows=tuple(items), notes=tuple(notes))
    if form == "ASK":
        return SparqlResult(form, namer, boolean=bool(items and items[0]), notes=tuple(notes))
    graph = Graph()
    namer.bind(graph)
    for triple in items:
        graph.add(triple)
    return SparqlResult(form, namer, graph=graph, notes=tuple(notes))


def _memory_stop(bounds: Bounds) -> str:
    """The message of a query stopped at the memory bound, in the child (MemoryError) or here (it was killed)."""
    return f"the query was stopped: it needed more than {bounds.memory_mb:,} MB (setting sparql_memory_mb)"


def _bounded(store: ox.Store, query: str, namer: Namer, form: QueryForm, bounds: Bounds,
             on_wait: Callable[[float], None] | None = None) -> tuple[tuple[str, ...], list[Any], int, bool]:
    """Run a query in a forked child process (it shares the loaded store) and stop it at the bounds: the
    time bound kills it, the memory bound is its address-space limit, and past the row bound its rows
    are only counted, the count sent here as it grows."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, store, query, namer, form, bounds), daemon=True)
    child.start()
    sender.close()
    started = time.monotonic()
    deadline = started + bounds.seconds
    answer: tuple[tuple[str, ...], list[Any], int, bool] | None = None
    counted = 0
    try:
        while (left := deadline - time.monotonic()) > 0:
            if not receiver.poll(min(left, WAIT_SLICE)):
                if on_wait is not None:
                    on_wait(time.monotonic() - started)
                continue
            try:
                kind, payload = receiver.recv()
            except EOFError:
                break
            if kind == "stopped":
                raise QueryStopped(payload)
            if kind == "error":
                raise SparqlError(payload)
            if kind == "count":
                counted = payload
            else:
                answer = payload
                if kind == "done":
                    break
    finally:
        child.kill()
        child.join()
        receiver.close()
    if answer is None:
        if child.exitcode not in (None, 0, -signal.SIGKILL):
            raise QueryStopped(_memory_stop(bounds))
        raise QueryStopped(f"the query was stopped at the {bounds.seconds:g} s bound (--timeout) before it gave "
                           "its first results; narrow it down (a LIMIT, fewer unbound patterns)")
    variables, items, total, complete = answer
    return variables, items, max(total, counted), complete


def _child(sender: Any, store: ox.Store, query: str, namer: Namer, form: QueryForm, bounds: Bounds) -> None:
    """In the child process: cap memory, answer up to the row bound and send it, then keep counting."""
    limit = bounds.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)  # an engine aborting at the memory bound says so here
    faulthandler.disable()  # and the abort is expected, not a crash to report
    try:
        results = store.query(query, use_default_graph_as_union=True, prefixes=namer.prefixes())
        if form == "ASK":
            sender.send(("done", ((), [bool(results)], 1, True)))
            return
        variables = _variable_order(query, tuple(v.value for v in results.variables)) if form == "SELECT" else ()
        items: list[Any] = []
        total = 0
        last_sent = time.monotonic()
        for item in results:
            total += 1
            if total <= bounds.rows:
                items.append(_item(item, variables, form))
                if total == bounds.rows:
                    sender.send(("rows", (variables, items, total, False)))
            elif time.monotonic() - last_sent > COUNT_EVERY:
                sender.send(("count", total))
                last_sent = time.monotonic()
        sender.send(("done", (variables, items, total, total <= bounds.rows)))
    except MemoryError:
        sender.send(("stopped", _memory_stop(bounds)))
    except SyntaxError as error:
        sender.send(("error", f"SPARQL syntax error: {error}"))


def run_sparql(build: Build | None, query: str, *, vocab: Vocabulary | None = None, base: str | None = None,
               bounds: Bounds | None = None) -> SparqlResult:
    """Run a read-only SPARQL query over the whole graph of a build, within bounds when given; or, when the
    setting sparql_endpoint (TFKG_SPARQL_ENDPOINT) names a triple store, over the graph loaded there
    (`tfkg export --to-store`), which needs no build (None)."""
    form = query_form(query)  # refuse updates, SERVICE calls and syntax errors before mapping or sending

    def loaded() -> tuple[ox.Store, Namer]:
        if build is None:
            raise SparqlError("no build to query and no triple store set (TFKG_SPARQL_ENDPOINT)")
        quads = rdf_quads(build, vocab=vocab, base=base)
        return load_store(quads), quads.namer

    return query_graph(query, form, loaded, bounds, base=base)


def query_graph(query: str, form: QueryForm, local: Callable[[], tuple[ox.Store, Namer]], bounds: Bounds | None = None,
                *, base: str | None = None, on_wait: Callable[[float], None] | None = None) -> SparqlResult:
    """Run a checked query (`query_form` gave its form) over the whole graph: at the triple store the setting
    sparql_endpoint names when it is set, else in process over the store local() gives (the build's graph
    loaded by `load_store`, and its namer). This is the one place where the two paths part; on_wait is only
    called in process (a store's answer is bounded by the HTTP wait)."""
    endpoint = settings.get("sparql_endpoint")
    if endpoint:
        return query_endpoint(endpoint, query, Namer(base_iri(base)), form, bounds)
    store, namer = local()
    return query_store(store, query, namer, bounds, form, on_wait)


def query_endpoint(endpoint: str, query: str, namer: Namer, form: QueryForm,
                   bounds: Bounds | None = None) -> SparqlResult:
    """Ask a triple store's SPARQL 1.1 Protocol endpoint, with the export's prefixes declared (those the query
    does not declare itself), and read its answer as a `SparqlResult`. Of the bounds, the time bound is the
    HTTP wait (the answer must be in within it) and the row bound cuts the answer as in process; the memory
    bound is the store's to keep, as is which graphs make a query's default graph."""
    bounds = bounds or Bounds.from_settings()
    parsers = RESULT_PARSERS if form in ("SELECT", "ASK") else GRAPH_PARSERS
    accept = ", ".join(f"{media};q={1 - rank / 10:g}" for rank, media in enumerate(parsers))  # in order of preference
    media, body = ask(endpoint, _with_prefixes(query, namer), accept, bounds.seconds)
    if media not in parsers:
        raise SparqlError(f"the SPARQL endpoint {redacted(endpoint)} answered in {media or 'an unnamed format'}, "
                          f"not one of those asked for ({', '.join(parsers)})")
    notes = [f"answered by the triple store at {redacted(endpoint)} (TFKG_SPARQL_ENDPOINT)"]
    if form in ("CONSTRUCT", "DESCRIBE"):
        items: list[Any] = list(_parsed(lambda: Graph().parse(data=body, format=parsers[media]), endpoint))
        variables: tuple[str, ...] = ()
    else:
        answer = _parsed(lambda: Result.parse(io.BytesIO(body), format=parsers[media]), endpoint)
        if form == "ASK":
            return _result(form, namer, (), [answer.askAnswer], notes)
        variables = _variable_order(query, tuple(str(v) for v in answer.vars or ()))
        items = [tuple(binding.get(Variable(v)) for v in variables) for binding in answer.bindings]
    if len(items) > bounds.rows:
        notes.append(_cut_note(form, bounds.rows, f"{len(items):,}"))
        items = items[: bounds.rows]
    return _result(form, namer, variables, items, notes)


def _with_prefixes(query: str, namer: Namer) -> str:
    """The query with a PREFIX for each of the export's prefixes it does not declare (a store knows none), put
    before its first line so that the line numbers of the store's syntax errors are the query's own."""
    declared = set(re.findall(r"\bPREFIX\s+([^\s:]*):", query, re.IGNORECASE))  # prefix names are case-sensitive
    missing = [f"PREFIX {name}: <{iri}>" for name, iri in namer.prefixes().items() if name not in declared]
    return " ".join([*missing, query])


def _parsed(parse: Callable[[], Any], endpoint: str) -> Any:
    """What parse() makes of a store's answer; an answer it cannot read is a SparqlError."""
    try:
        return parse()
    except Exception as error:  # the parsers raise many kinds (ValueError, KeyError, json and syntax errors)
        raise SparqlError(f"the answer of the SPARQL endpoint {redacted(endpoint)} cannot be read: {error}") from None


def _cut_note(form: QueryForm, kept: int, total: str) -> str:
    what = "rows" if form == "SELECT" else "triples"
    return f"cut at {kept:,} {what} (the row bound); the full answer has {total} {what}"


def format_result(result: SparqlResult, fmt: OutputFormat) -> str:
    """A result as text: "table" (aligned columns, short IRIs; a graph as Turtle), "json" (the SPARQL
    1.1 JSON results format; a graph as JSON-LD) or "csv" (the SPARQL 1.1 CSV format; a graph as
    subject,predicate,object rows)."""
    if result.graph is not None:
        if fmt == "table":
            return result.graph.serialize(format="turtle")
        if fmt == "json":
            return result.graph.serialize(format="json-ld", context=jsonld_context(result.namer), auto_compact=True)
        return _csv(("subject", "predicate", "object"), result.graph)
    if result.boolean is not None:
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.boolean}) + "\n"
        return ("boolean\n" if fmt == "csv" else "") + ("true" if result.boolean else "false") + "\n"
    rows = result.rows or ()
    if fmt == "json":
        bindings = [{v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
                    for row in rows]
        return json.dumps({"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}},
                          ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        return _csv(result.variables, rows)
    return _table(result.variables, rows, result.namer)


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    data = {"type": "literal", "value": str(term)}
    if isinstance(term, RdfLiteral) and term.language:
        data["xml:lang"] = term.language
    elif isinstance(term, RdfLiteral) and term.datatype:
        data["datatype"] = str(term.datatype)
    return data


def _csv(header: Iterable[str], rows: Iterable[Iterable[Node | None]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # the SPARQL CSV format uses CRLF, as RFC 4180
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if t is None else f"_:{t}" if isinstance(t, BNode) else str(t) for t in row])
    return out.getvalue()


def _table(variables: tuple[str, ...], rows: tuple[tuple[Node | None, ...], ...], namer: Namer) -> str:
    prefixed = Graph()
    namer.bind(prefixed)
    manager = prefixed.namespace_manager

    def cell(term: Node | None) -> str:
        if term is None:
            return ""
        if isinstance(term, URIRef):
            short = term.n3(manager)
            return short[1:-1] if short.startswith("<") else short
        return str(term)

    cells = [[cell(t) for t in row] for row in rows]
    widths = [max([len(v), *(len(r[i]) for r in cells)]) for i, v in enumerate(variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
