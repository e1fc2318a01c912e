"""The Export page: slices previewed and downloaded in every format, and the read-only SPARQL box."""

from __future__ import annotations

import csv
import io

import pytest
from rdflib import Dataset, Graph

from tests.app_helpers import PAGES, assert_no_traceback, downloads, open_page, texts

pytestmark = pytest.mark.usefixtures("app_build")
RDF_PARSERS = {"ttl": "turtle", "nt": "nt", "xml": "xml", "jsonld": "json-ld"}
SUFFIXES = {"ttl": "ttl", "nt": "nt", "xml": "rdf", "jsonld": "jsonld", "trig": "trig", "bibtex": "bib", "csv": "csv"}


def summary(app) -> str:
    return next(m.value for m in app.markdown if " triples, " in m.value)


@pytest.mark.parametrize("fmt", ["ttl", "nt", "xml", "jsonld"])
def test_a_neighbourhood_downloads_as_valid_rdf_with_the_triples_announced(fmt: str, monkeypatch):
    with downloads(monkeypatch) as served:
        app = open_page("export", {"around": "paper/2301.03786"})
        app.button_group(key="export_format").set_value(fmt).run()
    assert_no_traceback(app)
    graph = Graph().parse(data=served[f"tfkg-slice.{SUFFIXES[fmt]}"], format=RDF_PARSERS[fmt])
    assert f"{len(graph)} triples" in summary(app)
    assert any("2301.03786" in str(s) for s in graph.subjects())


def test_trig_keeps_the_provenance_in_a_named_graph(monkeypatch):
    with downloads(monkeypatch) as served:
        app = open_page("export", {"around": "paper/2301.03786"})
        app.button_group(key="export_format").set_value("trig").run()
    dataset = Dataset().parse(data=served["tfkg-slice.trig"], format="trig")
    assert any("provenance" in str(g.identifier) for g in dataset.graphs())


def test_the_current_search_exports_its_papers_as_csv_and_bibtex_in_rank_order(monkeypatch):
    with downloads(monkeypatch) as served:
        app = open_page("search", {"q": "one-shot diffusion emotion", "kind": "conference"})
        ranked = [link.proto.query_string.removeprefix("id=") for link in app.get("page_link")
                  if link.proto.page == "paper"]
        app.query_params.clear()
        app.switch_page(PAGES["export"]).run()
        assert_no_traceback(app)
        assert "one\\-shot diffusion emotion" in summary(app)
        app.button_group(key="export_format").set_value("csv").run()
        app.button_group(key="export_format").set_value("bibtex").run()
    rows = list(csv.DictReader(io.StringIO(served["tfkg-slice.csv"].decode())))
    assert [row["id"] for row in rows] == ranked
    assert served["tfkg-slice.bib"].decode().count("\n@") + 1 == len(ranked)


def test_without_a_search_the_search_slice_says_what_to_do():
    app = open_page("export")
    assert_no_traceback(app)
    assert "search first" in app.info[0].value


def test_a_construct_query_builds_a_slice():
    app = open_page("export")
    app.button_group(key="export_source").set_value("construct").run()
    app.get("form_submit_button")[0].click().run()
    assert_no_traceback(app)
    assert "query box" in summary(app)


def test_an_unknown_node_shows_the_close_ids():
    app = open_page("export", {"around": "paper/2301.0378"})
    assert_no_traceback(app)
    assert "unknown node" in app.error[0].value and "2301\\.03786" in app.error[0].value


def run_sparql(query: str):
    app = open_page("export")
    app.text_area(key="sparql_query").input(query)
    next(b for b in app.get("form_submit_button") if b.form_id == "sparql").click().run()
    return app


def test_a_sparql_select_gives_a_table():
    app = run_sparql("PREFIX schema: <https://schema.org/>\n"
                     "SELECT ?paper WHERE { ?paper a schema:ScholarlyArticle } LIMIT 5")
    assert_no_traceback(app)
    table = app.dataframe[-1].value
    assert list(table.columns) == ["paper"] and len(table) == 5
    assert table["paper"].str.startswith("paper:").all()


@pytest.mark.parametrize("query, words", [
    ("INSERT DATA { <http://a> <http://b> <http://c> }", "update"),
    ("SELECT ?x WHERE { ?x ", "syntax"),
])
def test_sparql_updates_and_syntax_errors_show_a_message(query: str, words: str):
    app = run_sparql(query)
    assert_no_traceback(app)
    assert words in app.error[0].value.lower()
    assert not any("sparql" in f.key for f in app.dataframe if f.key)
    assert "Traceback" not in texts(app)
