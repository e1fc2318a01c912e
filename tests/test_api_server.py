"""The HTTP API served by a real uvicorn on a free loopback port: the SPARQL 1.1 Protocol (GET, POST form,
POST query body) for each query form and each result format, the bodies parsed to show they are real; and
`tfkg serve` itself, started as a user starts it."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from rdflib import Graph, URIRef
from rdflib.namespace import SDO

from benchmarks.measure import wait_until_up
from kg.api.app import create_app
from kg.api.service import Service
from kg.search.search import Searcher
from tests.conftest import free_port

PAPER_IRI = URIRef("https://tfkg.example.org/paper/2211.12194")
SELECT = "SELECT ?paper ?title WHERE { ?paper a schema:ScholarlyArticle ; schema:name ?title } ORDER BY ?paper LIMIT 4"
ASK = "ASK { paper:2211.12194 a schema:ScholarlyArticle }"
CONSTRUCT = "CONSTRUCT { ?paper schema:name ?title } WHERE { ?paper a schema:ScholarlyArticle ; schema:name ?title }"
DESCRIBE = "DESCRIBE paper:2211.12194"
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def server(searcher: Searcher) -> Iterator[str]:
    """The app over the bundled build, served by uvicorn in a thread; its base URL."""
    port = free_port()
    config = uvicorn.Config(create_app(Service.of(searcher)), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


def ask(base: str, query: str, accept: str, how: str) -> httpx.Response:
    """Send a query the way the SPARQL 1.1 Protocol allows: GET, POST form, or POST query body."""
    headers = {"Accept": accept}
    if how == "get":
        return httpx.get(f"{base}/sparql", params={"query": query}, headers=headers)
    if how == "form":
        return httpx.post(f"{base}/sparql", data={"query": query}, headers=headers)
    return httpx.post(f"{base}/sparql", content=query.encode(),
                      headers={**headers, "Content-Type": "application/sparql-query"})


HOW = ("get", "form", "body")


@pytest.mark.parametrize("how", HOW)
def test_select_answers_in_sparql_json(server: str, how: str) -> None:
    answer = ask(server, SELECT, "application/sparql-results+json", how)
    assert answer.headers["content-type"].startswith("application/sparql-results+json")
    body = answer.json()
    rows = body["results"]["bindings"]
    assert body["head"]["vars"] == ["paper", "title"] and len(rows) == 4
    assert all(row["paper"]["type"] == "uri" and row["title"]["xml:lang"] == "en" for row in rows)


@pytest.mark.parametrize("how", HOW)
def test_select_answers_in_sparql_xml(server: str, how: str) -> None:
    answer = ask(server, SELECT, "application/sparql-results+xml", how)
    root = ET.fromstring(answer.content)
    assert [v.get("name") for v in root.iter(f"{RESULTS_NS}variable")] == ["paper", "title"]
    results = list(root.iter(f"{RESULTS_NS}result"))
    assert len(results) == 4 and all(r.find(f"{RESULTS_NS}binding/{RESULTS_NS}uri") is not None for r in results)


@pytest.mark.parametrize("how", HOW)
def test_select_answers_in_csv_and_tsv(server: str, how: str) -> None:
    rows = list(csv.DictReader(io.StringIO(ask(server, SELECT, "text/csv", how).text)))
    assert len(rows) == 4 and all(row["paper"].startswith("https://tfkg.example.org/paper/") for row in rows)
    tsv = ask(server, SELECT, "text/tab-separated-values", how)
    assert tsv.headers["content-type"].startswith("text/tab-separated-values")
    lines = [line.split("\t") for line in tsv.text.splitlines()]
    assert lines[0] == ["?paper", "?title"] and len(lines) == 5
    assert all(paper.startswith("<https://") and title.endswith('"@en') for paper, title in lines[1:])
    assert [row["paper"] for row in rows] == [paper.strip("<>") for paper, _ in lines[1:]]


@pytest.mark.parametrize("how", HOW)
def test_ask_answers_in_every_results_format(server: str, how: str) -> None:
    assert ask(server, ASK, "application/sparql-results+json", how).json() == {"head": {}, "boolean": True}
    root = ET.fromstring(ask(server, ASK, "application/sparql-results+xml", how).content)
    assert root.find(f"{RESULTS_NS}boolean").text == "true"
    assert ask(server, ASK, "text/csv", how).text.strip() == "true"
    assert ask(server, ASK, "text/tab-separated-values", how).text.strip() == "true"
    negative = ask(server, "ASK { paper:2211.12194 a schema:Dataset }", "application/sparql-results+json", how)
    assert negative.json()["boolean"] is False


RDF_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
             "application/rdf+xml": "xml"}


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize(("media_type", "parser"), RDF_TYPES.items())
def test_construct_answers_in_rdf(server: str, how: str, media_type: str, parser: str) -> None:
    answer = ask(server, CONSTRUCT, media_type, how)
    assert answer.headers["content-type"].startswith(media_type)
    graph = Graph().parse(data=answer.text, format=parser)
    assert len(graph) > 100 and set(graph.predicates()) == {SDO.name}
    assert "SadTalker" in str(graph.value(PAPER_IRI, SDO.name))


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize(("media_type", "parser"), RDF_TYPES.items())
def test_describe_answers_in_rdf(server: str, how: str, media_type: str, parser: str) -> None:
    graph = Graph().parse(data=ask(server, DESCRIBE, media_type, how).text, format=parser)
    assert (PAPER_IRI, SDO.name, None) in graph and (PAPER_IRI, SDO.isPartOf, None) in graph


def test_any_accept_gets_json_results_or_turtle(server: str) -> None:
    assert ask(server, SELECT, "*/*", "get").headers["content-type"].startswith("application/sparql-results+json")
    assert ask(server, DESCRIBE, "*/*", "get").headers["content-type"].startswith("text/turtle")


def test_a_malformed_query_is_a_400_with_the_parsers_message(server: str) -> None:
    answer = ask(server, "SELECT ?x WHERE { ?x ?y", "application/sparql-results+json", "body")
    assert answer.status_code == 400 and "SPARQL syntax error" in answer.json()["detail"]


def test_search_paper_and_linked_data_over_http(server: str) -> None:
    found = httpx.get(f"{server}/api/search", params={"q": "emotion", "limit": 2}).json()
    assert len(found["results"]) == 2
    paper = httpx.get(f"{server}/api/papers/{found['results'][0]['id']}").json()
    page = httpx.get(paper["iri"].replace("https://tfkg.example.org", server), headers={"Accept": "text/html"})
    assert page.status_code == 200 and paper["title"] in page.text


def test_tfkg_serve_serves_the_build_until_stopped(bundled_build: Path, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "TFKG_BUILD": str(bundled_build), "HF_HUB_OFFLINE": "1"}
    tfkg = str(Path(sys.executable).with_name("tfkg"))
    with (tmp_path / "serve.log").open("w") as log:
        server = subprocess.Popen([tfkg, "serve", "--port", str(port)], cwd=tmp_path, env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            stats = wait_for(f"http://127.0.0.1:{port}/api/stats", server)
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert stats["papers"] == json.loads((bundled_build / "manifest.json").read_text())["counts"]["papers"]
    assert "Uvicorn running on http://127.0.0.1:" in (tmp_path / "serve.log").read_text()


def test_tfkg_serve_without_a_build_says_what_to_run(tmp_path: Path) -> None:
    tfkg = str(Path(sys.executable).with_name("tfkg"))
    result = subprocess.run([tfkg, "serve", "--build", str(tmp_path / "none")], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1 and "no build here; run `tfkg ingest` first" in result.stderr


def wait_for(url: str, server: subprocess.Popen) -> dict:
    """The JSON at url once the server answers (it loads the build and the model first)."""
    wait_until_up(url, server, "tfkg serve", seconds=120)
    return httpx.get(url, timeout=5).json()
