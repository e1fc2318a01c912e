"""A triple store over HTTP: graphs loaded by the SPARQL 1.1 Graph Store HTTP Protocol, queries asked by the
SPARQL 1.1 Protocol. Any store that speaks them will do (Oxigraph, Fuseki, GraphDB, Virtuoso...).

Reads: the quads of a slice (kg/rdf/mapping.py) to load; a query's text to ask. Writes: into the store's graphs,
over HTTP (`tfkg export --to-store`); a query's answer comes back as the bytes the store sent, which
kg/rdf/sparql.py reads. How to ask is decided here: timeouts, retries of 429 and 5xx answers with backoff
(kg/core/http.py's session, honouring Retry-After), and one clear `StoreError` for a store that cannot be
reached or refuses a request, with the store's own message. The store is the user's own, so plain http is
allowed; the session carries no credentials of tfkg's (the Semantic Scholar key is only ever sent to Semantic
Scholar), and credentials in the store's URL are never printed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

import requests
from rdflib import Graph, URIRef
from urllib3.exceptions import ReadTimeoutError

from kg.core import settings
from kg.core.errors import UserError
from kg.core.http import CONNECT_TIMEOUT, RetryingAdapter, RetryPolicy, reason, retrying_session
from kg.rdf.mapping import Quads

NTRIPLES = "application/n-triples"
MESSAGE_CHARS = 600
"""How much of a store's error message is shown."""


class StoreError(UserError):
    """A store that cannot be reached, gave no answer in time, or refused a request."""


class StoreUnavailable(StoreError):
    """The store, not the request, failed: it cannot be reached, broke off, or answered with a 5xx. The API
    answers 502 for it: the request may well work later."""


class StoreTooSlow(StoreUnavailable):
    """The store gave no answer within the time allowed (the API answers 504)."""


@dataclass(frozen=True)
class Loaded:
    """What one load sent to a store: the triples of each graph (None: the default graph), and whether the
    graphs were replaced (PUT) or added to (POST)."""

    store: str
    graphs: dict[URIRef | None, int]
    replaced: bool

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())

    def describe(self) -> str:
        """One line for the user: "replaced the default graph (2,430 triples) and <...> (1,569) of http://..."."""
        parts = [f"{'the default graph' if g is None else f'<{g}>'} ({n:,} triples)" for g, n in self.graphs.items()]
        return (f"{'replaced' if self.replaced else 'added to'} {' and '.join(parts)} of {self.store}: "
                f"{self.triples:,} triples")


def redacted(url: str) -> str:
    """A URL without the password it may carry (http://user:secret@host/ -> http://user:***@host/)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{parts.hostname}"
                                     + (f":{parts.port}" if parts.port else "")))


def check_url(url: str, what: str) -> str:
    """An absolute http(s) URL, else a StoreError naming `what` it was for."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"{what} {redacted(url)!r} is not an http(s) URL, like http://127.0.0.1:7878/store "
                         "(or /query for TFKG_SPARQL_ENDPOINT)")
    return url


def check_graph_iri(iri: str) -> URIRef:
    """A graph name: an absolute IRI (a scheme and no spaces or angle brackets)."""
    parts = urlsplit(iri)
    if not parts.scheme or any(c in iri for c in ' <>"{}|\\^`') or not (parts.netloc or parts.path):
        raise StoreError(f"--graph {iri!r} is not an absolute IRI, like https://tfkg.example.org/graph")
    return URIRef(iri)


def session(read_retries: int) -> requests.Session:
    """A session that retries 429 and 5xx answers (and read_retries broken reads) with doubling waits, at most
    `http_retries` times; a store that refuses the connection is reported at once. PUT and POST are retried
    too: a graph PUT twice is the same graph, adding the same triples twice adds nothing (RDF graphs are
    sets), and a query changes nothing."""
    retries = int(settings.get_number("http_retries"))
    return retrying_session(RetryingAdapter(RetryPolicy(retries=retries, backoff=0.5, read_retries=read_retries)))


def graph_url(store: str, graph: URIRef | None) -> str:
    """The Graph Store Protocol address of one graph: `?graph=IRI` (indirect identification), or `?default`."""
    joiner = "&" if urlsplit(store).query else "?"
    return store + joiner + ("default" if graph is None else urlencode({"graph": str(graph)}))


def by_graph(quads: Quads, graph: URIRef | None) -> dict[URIRef | None, Graph]:
    """The triples each store graph receives: all of them in `graph` when given, else each in its own graph
    (the knowledge in the default graph, provenance in its named graphs, as a TriG export has them). The
    target graph is always there, even empty, so that replacing it with an empty slice empties it."""
    groups: dict[URIRef | None, Graph] = {graph: Graph()}
    for s, p, o, g in quads.quads:
        target = graph if graph is not None else g
        groups.setdefault(target, Graph()).add((s, p, o))
    return groups


def load(store: str, quads: Quads, *, graph: URIRef | None = None, replace: bool = False) -> Loaded:
    """Load quads into a Graph Store Protocol endpoint (Oxigraph: http://HOST:7878/store), one request per
    graph (see `by_graph`) as N-Triples: PUT replaces each graph, POST adds to it."""
    check_url(store, "the store URL")
    client = session(read_retries=int(settings.get_number("http_retries")))
    timeout = (CONNECT_TIMEOUT, settings.get_number("http_timeout"))
    sent: dict[URIRef | None, int] = {}
    for target, triples in by_graph(quads, graph).items():
        body = triples.serialize(format="nt", encoding="utf-8")
        url = graph_url(store, target)
        response = _send(client, "PUT" if replace else "POST", url, store, timeout, data=body,
                         headers={"Content-Type": NTRIPLES + "; charset=utf-8"})
        if response.status_code not in (200, 201, 204):
            raise _refused(response, store, f"loading {'the default graph' if target is None else f'<{target}>'}")
        sent[target] = len(triples)
    return Loaded(redacted(store), sent, replace)


def ask(endpoint: str, query: str, accept: str, seconds: float) -> tuple[str, bytes]:
    """POST a query to a SPARQL 1.1 Protocol endpoint (Oxigraph: http://HOST:7878/query) with `accept` as its
    Accept header; (the answer's media type, its body), read within `seconds` of wall time. A query that
    takes longer is abandoned (the store may go on working on it until its own timeout)."""
    check_url(endpoint, "TFKG_SPARQL_ENDPOINT")
    client = session(read_retries=0)  # a read timeout is the time bound, not a fault to retry
    deadline = time.monotonic() + seconds
    response = _send(client, "POST", endpoint, endpoint, (CONNECT_TIMEOUT, seconds), data=query.encode("utf-8"),
                     headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept},
                     stream=True)
    with response:
        if response.status_code != 200:
            raise _refused(response, endpoint, "the query")
        chunks = []
        try:
            for chunk in response.iter_content(chunk_size=1 << 16):
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise _too_slow(endpoint, seconds)
        except requests.RequestException as error:
            if _timed_out(error):
                raise _too_slow(endpoint, seconds) from None
            raise StoreUnavailable(f"the SPARQL endpoint {redacted(endpoint)} broke off its answer: "
                                   f"{reason(error)}") from None
    return response.headers.get("Content-Type", "").split(";")[0].strip(), b"".join(chunks)


def _send(client: requests.Session, method: str, url: str, store: str, timeout: tuple[float, float],
          **kwargs: object) -> requests.Response:
    """One request, with unreachable stores and timeouts turned into StoreErrors that say what to do."""
    try:
        return client.request(method, url, timeout=timeout, **kwargs)  # type: ignore[arg-type]
    except requests.ConnectionError as error:
        if _timed_out(error):
            raise _too_slow(store, timeout[1]) from None
        raise StoreUnavailable(f"cannot reach the triple store at {redacted(store)} ({reason(error)}); is it "
                               "running? (start one with `oxigraph serve --location DIR`)") from None
    except requests.Timeout:
        raise _too_slow(store, timeout[1]) from None


def _timed_out(error: requests.RequestException) -> bool:
    """Whether a requests error is a read timeout (requests reports one as a ConnectionError while a body is
    read)."""
    cause = error.args[0] if error.args else None
    return isinstance(error, requests.Timeout) or isinstance(getattr(cause, "reason", cause), ReadTimeoutError)


def _too_slow(store: str, seconds: float) -> StoreTooSlow:
    return StoreTooSlow(f"the triple store at {redacted(store)} gave no answer within {seconds:g} s "
                      "(the query's --timeout, or TFKG_HTTP_TIMEOUT for a load)")


def _refused(response: requests.Response, store: str, what: str) -> StoreError:
    """A StoreError with the store's status and its own message (whitespace folded, cut if long); a 5xx is
    the store's failure (StoreUnavailable), a 4xx its refusal of this request."""
    message = " ".join(response.text.split())
    if len(message) > MESSAGE_CHARS:
        message = message[: MESSAGE_CHARS - 1] + "…"
    hint = ""
    if response.status_code in (404, 405, 415):
        hint = (" (is this the right endpoint? Oxigraph loads graphs at /store and answers queries at /query)")
    failure = StoreUnavailable if response.status_code >= 500 else StoreError
    return failure(f"the triple store at {redacted(store)} refused {what}: HTTP {response.status_code} "
                   f"{response.reason}" + (f": {message}" if message else "") + hint)
