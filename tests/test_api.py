"""The HTTP API (kg/api) through FastAPI's TestClient: search, papers, stats, curation and exports answer
as the CLI does; bad input is a 4xx that says what is wrong; the export's IRIs resolve as linked data."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, SDO

from ingest.stats import build_stats
from kg.api.app import create_app
from kg.api.service import Service
from kg.search.search import Searcher

PAPER = "2211.12194"  # SadTalker, in the bundled list


def client_for(searcher: Searcher) -> TestClient:
    return TestClient(create_app(Service.of(searcher)))


@pytest.fixture(scope="module")
def client(searcher: Searcher) -> Iterator[TestClient]:
    with client_for(searcher) as test_client:
        yield test_client


def test_search_answers_the_json_of_tfkg_search_with_paging(client: TestClient) -> None:
    whole = client.get("/api/search", params={"q": "one-shot talking head", "limit": 6}).json()
    second_page = client.get("/api/search", params={"q": "one-shot talking head", "limit": 3, "offset": 3}).json()
    assert {"query", "understood", "filters", "total", "results", "facets", "notes"} <= set(whole)
    assert second_page["total"] == whole["total"] > 6
    assert [r["id"] for r in second_page["results"]] == [r["id"] for r in whole["results"][3:6]]
    assert (second_page["offset"], second_page["limit"]) == (3, 3)


def test_search_filters_are_the_cli_filters(client: TestClient) -> None:
    found = client.get("/api/search", params={"year": "2022-2023", "has_code": "true", "venue": ["CVPR", "ICCV"],
                                              "limit": 100}).json()
    assert found["total"] > 0 and found["filters"] == {"year": [2022, 2023], "venues": ["CVPR", "ICCV"],
                                                       "has_code": True}
    for result in found["results"]:
        assert 2022 <= result["year"] <= 2023 and result["has_code"] and result["venue"].split()[0] in ("CVPR", "ICCV")
    nerf = client.get("/api/search", params={"keyword": "nerf", "limit": 100}).json()
    assert nerf["total"] == nerf["facets"]["keyword"]["nerf"] > 0
    surveys = client.get("/api/search", params={"topic": "Survey", "limit": 100}).json()
    assert surveys["total"] == surveys["facets"]["topic"]["Survey"] == 9


def test_a_bad_year_is_a_422_naming_the_parameter(client: TestClient) -> None:
    answer = client.get("/api/search", params={"q": "nerf", "year": "2023-2020"})
    assert answer.status_code == 422
    error = answer.json()["detail"][0]
    assert error["loc"] == ["query", "year"] and "backwards" in error["msg"]


@pytest.mark.parametrize(("params", "status", "words"), [
    ({"q": "nerf", "venue": "NoSuchVenue"}, 400, "unknown venue 'NoSuchVenue'"),
    ({"q": ""}, 400, "empty query"),
    ({"q": "nerf", "limit": 0}, 422, "limit"),
    ({"q": "nerf", "limit": 1000}, 422, "limit"),
    ({"q": "nerf", "offset": -1}, 422, "offset"),
    ({"q": "nerf", "has_code": "maybe"}, 422, "has_code"),
])
def test_bad_search_input_is_a_4xx_that_says_what_is_wrong(client: TestClient, params: dict, status: int,
                                                             words: str) -> None:
    answer = client.get("/api/search", params=params)
    assert answer.status_code == status and words in answer.text


def test_a_paper_answers_its_record_and_iri_and_an_unknown_one_is_a_404(client: TestClient) -> None:
    paper = client.get(f"/api/papers/{PAPER}").json()
    assert paper["id"] == PAPER and "SadTalker" in paper["title"]
    assert paper["iri"] == f"https://tfkg.example.org/paper/{PAPER}"
    missing = client.get("/api/papers/2211.1219")
    assert missing.status_code == 404 and f"did you mean {PAPER}" in missing.json()["detail"]
    assert client.get("/api/papers/2211.1219/similar").status_code == 404


def test_similar_papers_exclude_the_paper_and_honour_limit_and_filters(client: TestClient) -> None:
    found = client.get(f"/api/papers/{PAPER}/similar", params={"limit": 4, "year": "2023"}).json()
    assert found["query"] == PAPER and len(found["results"]) == 4
    assert all(r["id"] != PAPER and r["year"] == 2023 for r in found["results"])


def test_stats_and_curation_are_the_cli_reports(client: TestClient, searcher: Searcher) -> None:
    assert client.get("/api/stats").json() == json.loads(json.dumps(build_stats(searcher.build)))
    report = client.get("/api/curation").json()
    assert set(report) == {"list", "summary", "duplicates", "defects", "gaps", "notes"}


RDF_PARSERS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml"}


@pytest.mark.parametrize(("fmt", "media_type"), [
    ("ttl", "text/turtle"), ("nt", "application/n-triples"), ("jsonld", "application/ld+json"),
    ("xml", "application/rdf+xml"), ("trig", "application/trig"), ("bibtex", "application/x-bibtex"),
    ("csv", "text/csv"),
])
def test_an_export_comes_in_every_format_by_name_or_by_accept(client: TestClient, fmt: str, media_type: str) -> None:
    by_name = client.get("/api/export", params={"keyword": "nerf", "format": fmt})
    by_accept = client.get("/api/export", params={"keyword": "nerf"}, headers={"Accept": media_type})
    assert by_name.status_code == by_accept.status_code == 200
    assert by_name.headers["content-type"].startswith(media_type) and by_name.text == by_accept.text
    if fmt in RDF_PARSERS:
        graph = Graph().parse(data=by_name.text, format=RDF_PARSERS[fmt])
        assert len(list(graph.subjects(RDF.type, SDO.ScholarlyArticle))) > 0
    elif fmt == "trig":
        assert len(Dataset().parse(data=by_name.text, format="trig")) > 0
    elif fmt == "bibtex":
        assert by_name.text.count("@") > 0 and "title = {" in by_name.text
    else:
        rows = list(csv.DictReader(io.StringIO(by_name.text)))
        assert rows and all(row["iri"].startswith("https://tfkg.example.org/paper/") for row in rows)


def test_export_slices_are_the_cli_slices(client: TestClient) -> None:
    around = Graph().parse(data=client.get("/api/export", params={"around": PAPER, "hops": 1}).text, format="turtle")
    assert (URIRef(f"https://tfkg.example.org/paper/{PAPER}"), RDF.type, SDO.ScholarlyArticle) in around
    best = client.get("/api/export", params={"q": "emotion", "limit": 2, "format": "bibtex"}).text
    assert best.count("\n@") + best.startswith("@") == 2
    concepts = client.get("/api/export", params={"type": "concept", "format": "nt"})
    assert concepts.status_code == 200 and "skos/core#Concept" in concepts.text


def test_an_exported_slice_is_mapped_to_rdf_once_and_served_from_the_cache_after(searcher: Searcher) -> None:
    service = Service.of(searcher)
    with TestClient(create_app(service)) as cached:
        first, again, as_nt, bibtex = (cached.get("/api/export", params={"around": PAPER, "format": fmt})
                                       for fmt in ("ttl", "ttl", "nt", "bibtex"))
    assert first.status_code == again.status_code == as_nt.status_code == bibtex.status_code == 200
    assert again.text == first.text
    assert set(Graph().parse(data=as_nt.text, format="nt")) == set(Graph().parse(data=first.text, format="turtle"))
    info = service.cached_slice_rdf.cache_info()  # BibTeX of a node slice needs no RDF
    assert (info.misses, info.hits) == (1, 2)


def test_a_service_that_asks_a_triple_store_loads_a_store_of_its_own_only_for_a_query_run_here(
        searcher: Searcher, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = Searcher(searcher.build, searcher.vocab, searcher.embedder, searcher.dense, searcher.lexical)
    assert "store" in vars(Service.of(fresh))  # loaded at start-up, so no query waits for it
    assert "speller" in vars(fresh)  # and so is the speller
    monkeypatch.setenv("TFKG_SPARQL_ENDPOINT", "http://127.0.0.1:9/query")
    remote = Service.of(searcher)
    assert "store" not in vars(remote)
    monkeypatch.delenv("TFKG_SPARQL_ENDPOINT")
    with TestClient(create_app(remote)) as here:
        answer = here.get("/sparql", params={"query": "ASK { ?s ?p ?o }"},
                          headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200 and answer.json()["boolean"] is True
    assert "store" in vars(remote)


@pytest.mark.parametrize(("params", "headers", "status", "words"), [
    ({"format": "pdf"}, {}, 400, "unknown format 'pdf'; formats: ttl"),
    ({}, {"Accept": "application/pdf"}, 406, "no format here matches Accept"),
    ({"around": PAPER, "type": "concept"}, {}, 400, "one slice at a time"),
    ({"hops": 2}, {}, 400, "hops goes with around"),
    ({"around": PAPER, "hops": 9}, {}, 422, "hops"),
    ({"type": "planet"}, {}, 400, "unknown node type 'planet'"),
    ({"around": "no-such-node"}, {}, 400, "unknown node"),
])
def test_a_bad_export_is_a_4xx_that_says_what_is_wrong(client: TestClient, params: dict, headers: dict,
                                                       status: int, words: str) -> None:
    answer = client.get("/api/export", params=params, headers=headers)
    assert answer.status_code == status and words in answer.text


def test_the_openapi_docs_list_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/search", "/api/papers/{paper_id}", "/api/papers/{paper_id}/similar", "/api/stats",
            "/api/curation", "/api/export", "/sparql"} <= set(paths)
    assert client.get("/docs").status_code == 200


def test_any_web_page_may_read_the_api(client: TestClient) -> None:
    answer = client.get("/api/stats", headers={"Origin": "https://elsewhere.example"})
    assert answer.headers["access-control-allow-origin"] == "*"


def test_no_endpoint_writes(client: TestClient, bundled_build: Path) -> None:
    before = {path: path.stat().st_mtime_ns for path in Path(os.path.realpath(bundled_build)).rglob("*")}
    for path in ("/api/search", f"/api/papers/{PAPER}", "/api/export", "/api/stats"):
        assert client.post(path).status_code == 405 and client.delete(path).status_code == 405
    client.get("/api/curation")
    client.get("/api/export", params={"format": "trig"})
    after = {path: path.stat().st_mtime_ns for path in Path(os.path.realpath(bundled_build)).rglob("*")}
    assert after == before


def test_every_node_type_an_export_mints_resolves_as_linked_data(client: TestClient) -> None:
    whole = Graph().parse(data=client.get("/api/export", params={"format": "nt"}).text, format="nt")
    base = "https://tfkg.example.org/"
    by_type: dict[str, list[str]] = {}
    for subject in sorted(set(whole.subjects())):
        kind = str(subject).removeprefix(base).split("/")[0]
        by_type.setdefault(kind, []).append(str(subject))
    assert {"paper", "concept", "dataset", "venue", "metric", "code", "entry"} <= set(by_type)
    for iris in by_type.values():
        for iri in iris[:3]:
            answer = client.get("/" + iri.removeprefix(base), headers={"Accept": "text/turtle"})
            assert answer.status_code == 200, iri
            described = Graph().parse(data=answer.text, format="turtle")
            assert set(described.predicate_objects(URIRef(iri))) == set(whole.predicate_objects(URIRef(iri)))


def test_a_node_is_described_with_the_labels_of_its_neighbours(client: TestClient) -> None:
    iri = URIRef(f"https://tfkg.example.org/paper/{PAPER}")
    answer = client.get(f"/paper/{PAPER}", headers={"Accept": "application/ld+json"})
    assert answer.headers["content-type"].startswith("application/ld+json") and "Accept" in answer.headers["vary"]
    graph = Graph().parse(data=answer.text, format="json-ld")
    venue = graph.value(iri, SDO.isPartOf)
    assert venue is not None and graph.value(venue, SDO.name) is not None
    concepts = set(graph.objects(iri, SDO.about))
    assert concepts and all(set(graph.predicate_objects(c)) for c in concepts)  # a label each, nothing more needed


def test_a_browser_gets_a_page_that_links_to_the_neighbours(client: TestClient) -> None:
    page = client.get("/concept/nerf", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>NeRF</h1>" in page.text and 'href="/concept/3d"' in page.text  # its broader concept
    assert "Links here" in page.text and 'href="/paper/' in page.text  # the papers about it


def test_an_unknown_node_is_a_404(client: TestClient) -> None:
    answer = client.get("/paper/0000.00000")
    assert answer.status_code == 404 and "no node <https://tfkg.example.org/paper/0000.00000>" in answer.text
    assert client.get("/planet/mars").status_code == 404


def test_a_base_iri_with_a_path_is_served_under_that_path(searcher: Searcher,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFKG_BASE_IRI", "http://127.0.0.1:8000/id/")
    with client_for(searcher) as moved:
        answer = moved.get(f"/id/paper/{PAPER}", headers={"Accept": "application/n-triples"})
        assert answer.status_code == 200 and f"<http://127.0.0.1:8000/id/paper/{PAPER}>" in answer.text
        assert moved.get(f"/paper/{PAPER}").status_code == 404
        assert moved.get(f"/api/papers/{PAPER}").json()["iri"] == f"http://127.0.0.1:8000/id/paper/{PAPER}"


def test_sparql_errors_are_4xx_with_the_parsers_message(client: TestClient) -> None:
    syntax = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert syntax.status_code == 400 and "SPARQL syntax error at line 1" in syntax.json()["detail"]
    update = client.post("/sparql", data={"query": "INSERT DATA { <http://a> <http://b> <http://c> }"})
    assert update.status_code == 400 and "read-only" in update.json()["detail"]
    assert client.post("/sparql", data={"update": "CLEAR ALL"}).status_code == 400
    assert client.post("/sparql", content="ASK {}", headers={"Content-Type": "text/plain"}).status_code == 415
    assert client.get("/sparql").status_code == 422
    dataset = client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "http://x"})
    assert dataset.status_code == 400 and "default-graph-uri" in dataset.text
    wrong_kind = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "text/turtle"})
    assert wrong_kind.status_code == 406


def test_a_sparql_query_past_the_time_bound_is_a_503(searcher: Searcher, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFKG_SPARQL_TIMEOUT", "0.5")
    with client_for(searcher) as bounded:
        answer = bounded.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . "
                                                         "?g ?h ?i }"})
    assert answer.status_code == 503 and "stopped at the 0.5 s bound" in answer.json()["detail"]


def test_a_sparql_query_past_the_memory_bound_is_a_503(searcher: Searcher, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFKG_SPARQL_MEMORY_MB", "512")
    monkeypatch.setenv("TFKG_SPARQL_TIMEOUT", "30")
    with client_for(searcher) as bounded:
        answer = bounded.get("/sparql", params={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } "
                                                         "ORDER BY ?a ?d ?g"})
    assert answer.status_code == 503 and "needed more than 512 MB" in answer.json()["detail"]


def test_a_sparql_answer_cut_at_the_row_bound_says_so(searcher: Searcher, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFKG_SPARQL_MAX_ROWS", "3")
    with client_for(searcher) as bounded:
        answer = bounded.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert len(answer.json()["results"]["bindings"]) == 3 and "cut at 3 rows" in answer.headers["tfkg-notes"]
