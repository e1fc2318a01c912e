"""`tfkg export --to-store` (kg/rdf/store_client.py) and TFKG_SPARQL_ENDPOINT (kg/rdf/sparql.py) against a real
triple store: the Oxigraph server of the PyPI package `oxigraph`, on a free port of 127.0.0.1.

The server makes a query's default graph the union of its graphs (--union-default-graph), as tfkg does in process,
so the same query gives the same answer on both sides.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient

from benchmarks.store_bench import oxigraph_binary, start_oxigraph
from kg.api.app import create_app
from kg.api.service import Service
from kg.cli.main import main
from kg.core.store import Build, load_build
from kg.core.vocab import Vocabulary
from kg.rdf.export import slice_rdf, type_slice, whole_graph
from kg.rdf.sparql import Bounds, SparqlError, SparqlResult, run_sparql
from kg.rdf.store_client import StoreError, redacted
from kg.search.search import Searcher
from tests.conftest import CLOSED_PORT_URL

SERVER_TIMEOUT_S = 5
"""The server's own limit on a query, so a query tfkg gave up on does not keep a core busy."""
GRAPH = "https://example.org/graphs/slice"
PROVENANCE = "https://tfkg.example.org/provenance/awesome-talking-face-generation"
QUERIES = {
    "papers per venue": """SELECT ?venue (COUNT(?paper) AS ?papers) WHERE {
        ?paper a schema:ScholarlyArticle ; schema:isPartOf/schema:alternateName ?venue } GROUP BY ?venue""",
    "titles and optional code": """SELECT ?paper ?title ?repo WHERE { ?paper a schema:ScholarlyArticle ;
        schema:name ?title . OPTIONAL { ?code schema:isBasedOn ?paper ; schema:codeRepository ?repo } }""",
    "entries in the provenance graph": f"""SELECT ?paper ?line WHERE {{ GRAPH <{PROVENANCE}> {{
        ?paper prov:wasDerivedFrom ?entry }} ?entry tfkg:line ?line }}""",
    "years as typed literals": "SELECT DISTINCT ?year WHERE { ?paper schema:datePublished ?year }",
    "a redeclared prefix": "PREFIX paper: <https://tfkg.example.org/concept/> SELECT ?p ?o WHERE { paper:nerf ?p ?o }",
    "an ASK that holds": 'ASK { ?c skos:prefLabel "NeRF"@en }',
    "an ASK that fails": 'ASK { ?c skos:prefLabel "NeRF" }',
    "a CONSTRUCT": """CONSTRUCT { ?c skos:broader ?b ; skos:prefLabel ?l }
        WHERE { ?c skos:broader ?b ; skos:prefLabel ?l }""",
    "a DESCRIBE": "DESCRIBE concept:nerf",
}



@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of an Oxigraph server on a temporary folder, started once per session and stopped after."""
    if not Path(oxigraph_binary()).is_file():
        pytest.fail("the oxigraph server is missing: pip install -e '.[dev]' (the PyPI package oxigraph ships it)")
    server, base = start_oxigraph(str(tmp_path_factory.mktemp("oxigraph")), "--timeout-s", str(SERVER_TIMEOUT_S))
    try:
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def store(oxigraph: str) -> str:
    """The server, emptied: each test starts from a store with no triples."""
    requests.post(f"{oxigraph}/update", data="CLEAR ALL", headers={"Content-Type": "application/sparql-update"},
                  timeout=10).raise_for_status()
    return oxigraph


@pytest.fixture(scope="module")
def build(bundled_build: Path) -> Build:
    return load_build(bundled_build)


def tfkg(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def remote(monkeypatch: pytest.MonkeyPatch, store: str) -> None:
    monkeypatch.setenv("TFKG_SPARQL_ENDPOINT", f"{store}/query")


def answer_set(result: SparqlResult) -> object:
    """What a result says, with no order: the multiset of rows, the boolean, or the set of triples."""
    if result.graph is not None:
        return set(result.graph)
    if result.boolean is not None:
        return result.boolean
    return result.variables, Counter(result.rows)


def triples_in(graph: str, monkeypatch: pytest.MonkeyPatch, store: str, build: Build) -> int:
    remote(monkeypatch, store)
    result = run_sparql(build, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(result.rows[0][0])


def test_the_whole_graph_loaded_into_a_store_answers_as_in_process(
        store: str, build: Build, bundled_build: Path, vocab: Vocabulary, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = tfkg("export", "--to-store", f"{store}/store", "--replace", "--build", str(bundled_build))
    assert loaded.exit_code == 0, loaded.output
    triples = len(slice_rdf(build, whole_graph(), vocab=vocab).quads.graph())
    assert "replaced the default graph" in loaded.stderr and f"<{PROVENANCE}>" in loaded.stderr
    assert f"of {store}/store" in loaded.stderr
    local = {name: run_sparql(build, query, vocab=vocab) for name, query in QUERIES.items()}
    assert all(result.rows or result.graph for result in local.values() if result.form != "ASK")  # none is empty
    remote(monkeypatch, store)
    for name, query in QUERIES.items():
        asked = run_sparql(build, query, vocab=vocab)
        assert asked.form == local[name].form, name
        assert answer_set(asked) == answer_set(local[name]), name
        assert asked.notes == (f"answered by the triple store at {store}/query (TFKG_SPARQL_ENDPOINT)",)
    everything = run_sparql(build, "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert len(everything.rows) == triples


def test_tfkg_sparql_prints_the_same_answer_from_a_store_with_no_build_here(
        store: str, bundled_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert tfkg("export", "--to-store", f"{store}/store", "--build", str(bundled_build)).exit_code == 0
    query = QUERIES["papers per venue"] + " ORDER BY DESC(?papers) ?venue"
    local = tfkg("sparql", query, "--format", "json", "--build", str(bundled_build))
    remote(monkeypatch, store)
    asked = tfkg("sparql", query, "--format", "json", "--build", str(tmp_path / "no-build"))
    assert asked.exit_code == 0 and json.loads(asked.stdout) == json.loads(local.stdout)
    assert "answered by the triple store" in asked.stderr


def test_the_row_bound_cuts_a_store_answer_and_says_its_full_size(
        store: str, build: Build, vocab: Vocabulary, monkeypatch: pytest.MonkeyPatch) -> None:
    query = QUERIES["titles and optional code"]
    full = len(run_sparql(build, query, vocab=vocab).rows)
    assert tfkg("export", "--to-store", f"{store}/store", "--build", str(build.folder)).exit_code == 0
    remote(monkeypatch, store)
    result = run_sparql(build, query, bounds=Bounds(10.0, 5, 2048))
    assert len(result.rows) == 5
    assert result.notes[-1] == f"cut at 5 rows (the row bound); the full answer has {full:,} rows"


def test_a_slice_replaces_then_adds_to_a_named_graph(
        store: str, build: Build, bundled_build: Path, vocab: Vocabulary, monkeypatch: pytest.MonkeyPatch) -> None:
    concepts = slice_rdf(build, type_slice(build, "concept"), vocab=vocab).quads.graph()
    datasets = slice_rdf(build, type_slice(build, "dataset"), vocab=vocab).quads.graph()
    into_graph = ("--to-store", f"{store}/store", "--graph", GRAPH, "--build", str(bundled_build))

    replaced = tfkg("export", "--type", "concept", "--replace", *into_graph)
    assert replaced.exit_code == 0, replaced.output
    assert f"replaced <{GRAPH}> ({len(concepts):,} triples)" in replaced.stderr
    assert triples_in(GRAPH, monkeypatch, store, build) == len(concepts)

    added = tfkg("export", "--type", "dataset", "--add", *into_graph)
    assert added.exit_code == 0 and f"added to <{GRAPH}> ({len(datasets):,} triples)" in added.stderr
    assert triples_in(GRAPH, monkeypatch, store, build) == len(set(concepts) | set(datasets)) > len(concepts)

    assert tfkg("export", "--type", "dataset", "--replace", *into_graph).exit_code == 0
    assert triples_in(GRAPH, monkeypatch, store, build) == len(datasets)
    named = run_sparql(build, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert {str(g) for (g,) in named.rows} == {GRAPH}  # nothing went to the default or provenance graphs


def test_a_validated_slice_is_checked_before_it_is_loaded(
        store: str, build: Build, bundled_build: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = tfkg("export", "--around", "2211.12194", "--validate", "--to-store", f"{store}/store", "--graph", GRAPH,
                  "--build", str(bundled_build))
    assert loaded.exit_code == 0, loaded.output
    assert loaded.stderr.splitlines()[0] == "tfkg: 1 hop around paper/2211.12194 conforms to the SHACL shapes"
    assert triples_in(GRAPH, monkeypatch, store, build) > 0


def test_an_unreachable_store_is_a_clear_error(bundled_build: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = tfkg("export", "--to-store", f"{CLOSED_PORT_URL}/store", "--build", str(bundled_build))
    assert loaded.exit_code == 1
    assert loaded.stderr.startswith(f"tfkg: error: cannot reach the triple store at {CLOSED_PORT_URL}/store")
    assert "is it running?" in loaded.stderr and loaded.stderr.count("\n") == 1
    monkeypatch.setenv("TFKG_SPARQL_ENDPOINT", f"{CLOSED_PORT_URL}/query")
    asked = tfkg("sparql", "ASK { ?s ?p ?o }", "--build", str(bundled_build))
    assert asked.exit_code == 1 and "cannot reach the triple store" in asked.stderr


def test_a_password_in_the_store_url_is_never_printed(bundled_build: Path) -> None:
    assert redacted("http://me:secret@127.0.0.1:7878/store") == "http://me:***@127.0.0.1:7878/store"
    loaded = tfkg("export", "--to-store", "http://me:secret@127.0.0.1:9/store", "--build", str(bundled_build))
    assert loaded.exit_code == 1 and "me:***@" in loaded.stderr and "secret" not in loaded.stderr


def test_a_query_the_store_refuses_shows_the_stores_message(
        store: str, bundled_build: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    remote(monkeypatch, store)
    asked = tfkg("sparql", "SELECT ?o WHERE { ?s undeclared:p ?o }", "--build", str(bundled_build))
    assert asked.exit_code == 1
    assert asked.stderr.startswith(f"tfkg: error: the triple store at {store}/query refused the query: HTTP 400")
    assert "Prefix not found" in asked.stderr  # Oxigraph's own words


def test_updates_are_refused_before_reaching_the_store(store: str, build: Build,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    remote(monkeypatch, store)
    with pytest.raises(SparqlError, match="read-only"):
        run_sparql(build, "CLEAR ALL")


def test_loading_at_the_query_endpoint_names_the_right_one(store: str, bundled_build: Path) -> None:
    loaded = tfkg("export", "--type", "venue", "--to-store", f"{store}/query", "--build", str(bundled_build))
    assert loaded.exit_code == 1 and "refused loading the default graph: HTTP 415" in loaded.stderr
    assert "Oxigraph loads graphs at /store" in loaded.stderr


def test_a_query_past_the_time_bound_is_abandoned_with_a_clear_error(
        store: str, build: Build, bundled_build: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert tfkg("export", "--to-store", f"{store}/store", "--build", str(bundled_build)).exit_code == 0
    remote(monkeypatch, store)
    counted = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with pytest.raises(StoreError, match=r"gave no answer within 0\.5 s"):
        run_sparql(build, counted, bounds=Bounds(0.5, 10, 2048))


@pytest.mark.parametrize(("options", "message"), [
    (("--to-store", "http://127.0.0.1:9/store", "--format", "nt"), "it takes no --format or --output"),
    (("--graph", GRAPH), "go with --to-store URL"),
    (("--replace",), "go with --to-store URL"),
    (("--to-store", "ftp://127.0.0.1/store"), "is not an http(s) URL"),
    (("--to-store", "http://127.0.0.1:9/store", "--graph", "no iri"), "is not an absolute IRI"),
])
def test_store_options_are_checked(options: tuple[str, ...], message: str, bundled_build: Path) -> None:
    result = tfkg("export", *options, "--build", str(bundled_build))
    assert result.exit_code == 1 and message in result.stderr


def test_the_apps_sparql_box_asks_the_store(store: str, app_build: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.app_helpers import assert_no_traceback, open_page

    loaded = tfkg("export", "--type", "concept", "--to-store", f"{store}/store", "--graph", GRAPH,
                  "--build", str(app_build))
    assert loaded.exit_code == 0
    remote(monkeypatch, store)
    app = open_page("export")
    app.text_area(key="sparql_query").input(f"SELECT ?c WHERE {{ GRAPH <{GRAPH}> {{ ?c a skos:Concept }} }} LIMIT 5")
    next(b for b in app.get("form_submit_button") if b.form_id == "sparql").click().run()
    assert_no_traceback(app)
    assert len(app.dataframe[-1].value) == 5  # the build has no such graph: only the store can answer


@contextmanager
def busy_store(busy: int) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A Graph Store endpoint on 127.0.0.1 that answers its first `busy` requests with 503 (Retry-After: 0)
    and the rest with 204; (its URL, the headers of each request it got)."""
    seen: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_PUT(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(dict(self.headers))
            self.send_response(503 if len(seen) <= busy else 204)
            self.send_header("Retry-After", "0")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/store", seen
    finally:
        server.shutdown()
        server.server_close()


def test_a_busy_store_is_asked_again_and_never_sees_the_semantic_scholar_key(
        bundled_build: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("S2_API_KEY", "s2-secret-key")
    monkeypatch.setenv("TFKG_HTTP_RETRIES", "2")
    with busy_store(busy=2) as (url, seen):
        loaded = tfkg("export", "--type", "venue", "--to-store", url, "--graph", GRAPH, "--replace",
                      "--build", str(bundled_build))
    assert loaded.exit_code == 0, loaded.output
    assert len(seen) == 3 and seen[-1]["Content-Type"] == "application/n-triples; charset=utf-8"
    assert not any("s2-secret-key" in value for headers in seen for value in headers.values())
    with busy_store(busy=3) as (url, seen):
        loaded = tfkg("export", "--type", "venue", "--to-store", url, "--graph", GRAPH, "--replace",
                      "--build", str(bundled_build))
    assert loaded.exit_code == 1 and len(seen) == 3
    assert f"refused loading <{GRAPH}>: HTTP 503 Service Unavailable" in loaded.stderr


def test_the_http_apis_sparql_endpoint_asks_the_store(
        store: str, bundled_build: Path, searcher: Searcher, monkeypatch: pytest.MonkeyPatch) -> None:
    query = QUERIES["papers per venue"]
    with TestClient(create_app(Service.of(searcher))) as client:
        local = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
        assert tfkg("export", "--to-store", f"{store}/store", "--build", str(bundled_build)).exit_code == 0
        remote(monkeypatch, store)
        asked = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert local.status_code == asked.status_code == 200
    assert "answered by the triple store" in asked.headers["TFKG-Notes"]
    rows = [sorted(json.dumps(row, sort_keys=True) for row in answer.json()["results"]["bindings"])
            for answer in (local, asked)]
    assert rows[0] == rows[1] and rows[0]


def test_the_http_api_answers_a_failing_store_as_a_gateway(
        store: str, bundled_build: Path, searcher: Searcher, monkeypatch: pytest.MonkeyPatch) -> None:
    assert tfkg("export", "--to-store", f"{store}/store", "--build", str(bundled_build)).exit_code == 0
    monkeypatch.setenv("TFKG_SPARQL_TIMEOUT", "0.5")
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    json_results = {"Accept": "application/sparql-results+json"}
    with TestClient(create_app(Service.of(searcher))) as client:
        remote(monkeypatch, store)
        too_slow = client.get("/sparql", params={"query": heavy}, headers=json_results)
        refused = client.get("/sparql", params={"query": "SELECT ?o WHERE { ?s undeclared:p ?o }"},
                             headers=json_results)
        monkeypatch.setenv("TFKG_SPARQL_ENDPOINT", f"{CLOSED_PORT_URL}/query")
        unreachable = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers=json_results)
    assert too_slow.status_code == 504 and "gave no answer within 0.5 s" in too_slow.json()["detail"]
    assert refused.status_code == 400  # the query's fault, in the store's own words
    assert unreachable.status_code == 502 and "cannot reach the triple store" in unreachable.json()["detail"]
