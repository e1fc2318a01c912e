"""kg/rdf/sparql.py and `tfkg sparql`: read-only queries over the whole graph, and the queries it refuses."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Graph, Literal, URIRef

from kg.cli.main import main
from kg.core.store import Build, load_build
from kg.core.vocab import Vocabulary
from kg.rdf.sparql import Bounds, QueryStopped, SparqlError, format_result, query_form, run_sparql
from tests.rdf_helpers import CODETALKER, DIFFTALK, SADTALKER, enriched

PREFIXES = """PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX tfkg: <https://tfkg.example.org/vocab#>
PREFIX cito: <http://purl.org/spar/cito/>
"""
PER_VENUE = PREFIXES + """SELECT ?venue (COUNT(?paper) AS ?papers) WHERE {
  ?paper a schema:ScholarlyArticle ; schema:isPartOf/schema:alternateName ?venue }
GROUP BY ?venue ORDER BY DESC(?papers) ?venue LIMIT 3"""


@pytest.fixture(scope="module")
def build(bundled_build: Path) -> Build:
    return load_build(bundled_build)


def sparql(*args: str) -> Result:
    return CliRunner().invoke(main, ["sparql", *args])


def test_select_counts_papers_per_venue(build: Build, vocab: Vocabulary) -> None:
    result = run_sparql(build, PER_VENUE, vocab=vocab)
    assert result.form == "SELECT" and result.variables == ("venue", "papers")
    counted = {str(venue): int(count) for venue, count in result.rows}
    families = [p.venue.family for p in build.papers]
    assert counted == {"arXiv": families.count("arXiv"), "CVPR": families.count("CVPR"), "AAAI": families.count("AAAI")}


def test_the_default_graph_includes_provenance_and_graph_reaches_it_alone(build: Build, vocab: Vocabulary) -> None:
    query = PREFIXES + f"""SELECT ?line WHERE {{ <https://tfkg.example.org/paper/{DIFFTALK}> prov:wasDerivedFrom ?e .
        ?e tfkg:line ?line }}"""
    assert run_sparql(build, query, vocab=vocab).rows == ((Literal(26),),)
    in_named = PREFIXES + """SELECT (COUNT(*) AS ?n) WHERE {
        GRAPH <https://tfkg.example.org/provenance/awesome-talking-face-generation> { ?p prov:wasDerivedFrom ?e } }"""
    assert int(run_sparql(build, in_named, vocab=vocab).rows[0][0]) == build.graph.number_of_edges() - sum(
        1 for *_, kind in build.graph.edges(data="type") if kind != "listed_as")


def test_ask_and_construct_and_describe(build: Build, vocab: Vocabulary) -> None:
    assert run_sparql(build, PREFIXES + 'ASK { ?c skos:prefLabel "NeRF"@en }', vocab=vocab).boolean is True
    assert run_sparql(build, PREFIXES + 'ASK { ?c skos:prefLabel "NeRF" }', vocab=vocab).boolean is False
    built = run_sparql(build, PREFIXES + "CONSTRUCT { ?c skos:broader ?b } WHERE { ?c skos:broader ?b }", vocab=vocab)
    broader = sum(1 for _, _, data in build.graph.edges(data=True) if data.get("type") == "broader")
    assert built.form == "CONSTRUCT" and len(built.graph) == broader >= 6
    described = run_sparql(build, "DESCRIBE <https://tfkg.example.org/concept/nerf>", vocab=vocab)
    assert (URIRef("https://tfkg.example.org/concept/nerf"), None, None) in described.graph


def test_citations_from_enrichment_are_queryable(build: Build, vocab: Vocabulary) -> None:
    query = PREFIXES + "SELECT ?citing ?cited WHERE { ?citing cito:cites ?cited } ORDER BY ?citing ?cited"
    rows = run_sparql(enriched(build, vocab), query, vocab=vocab).rows
    base = "https://tfkg.example.org/paper/"
    assert rows == tuple((URIRef(base + a), URIRef(base + b)) for a, b in sorted(
        [(DIFFTALK, SADTALKER), (DIFFTALK, CODETALKER), (SADTALKER, CODETALKER)]))


def test_a_table_shows_short_iris_and_a_row_count(build: Build, vocab: Vocabulary) -> None:
    query = PREFIXES + "SELECT ?c ?label WHERE { ?c skos:broader ?b ; skos:prefLabel ?label } ORDER BY ?c LIMIT 2"
    table = format_result(run_sparql(build, query, vocab=vocab), "table")
    lines = table.splitlines()
    assert lines[0].split() == ["c", "label"]
    assert lines[2].startswith("concept:") and lines[-1] == "(2 rows)"


def test_json_and_csv_follow_the_sparql_results_formats(build: Build, vocab: Vocabulary) -> None:
    result = run_sparql(build, PER_VENUE, vocab=vocab)
    document = json.loads(format_result(result, "json"))
    assert document["head"]["vars"] == ["venue", "papers"]
    first = document["results"]["bindings"][0]
    assert first["venue"] == {"type": "literal", "value": "arXiv"}
    assert first["papers"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    rows = list(csv.reader(io.StringIO(format_result(result, "csv"))))
    assert rows[0] == ["venue", "papers"] and rows[1][0] == "arXiv" and len(rows) == 4
    ask = run_sparql(build, "ASK { ?s ?p ?o }", vocab=vocab)
    assert json.loads(format_result(ask, "json")) == {"head": {}, "boolean": True}


def test_a_constructed_graph_prints_as_turtle_json_ld_or_triples(build: Build, vocab: Vocabulary) -> None:
    result = run_sparql(build, PREFIXES + "CONSTRUCT { ?c skos:broader ?b } WHERE { ?c skos:broader ?b }", vocab=vocab)
    triples = len(result.graph)
    for fmt, parser in (("table", "turtle"), ("json", "json-ld")):
        assert len(Graph().parse(data=format_result(result, fmt), format=parser)) == triples >= 6
    assert len(list(csv.reader(io.StringIO(format_result(result, "csv"))))) == triples + 1  # and the header


@pytest.mark.parametrize("update", [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX x: <http://x/>\nCLEAR ALL",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "DROP GRAPH <https://tfkg.example.org/provenance/awesome-talking-face-generation>",
])
def test_updates_are_refused(update: str) -> None:
    with pytest.raises(SparqlError, match=r"SPARQL update .* read-only"):
        query_form(update)


def test_a_federated_service_call_is_refused() -> None:
    with pytest.raises(SparqlError, match="SERVICE"):
        query_form("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")


def test_a_syntax_error_names_its_line_and_column() -> None:
    with pytest.raises(SparqlError, match=r"SPARQL syntax error at line 3, column \d+") as raised:
        query_form("PREFIX schema: <https://schema.org/>\nSELECT ?t WHERE {\n  ?p schema:name }")
    assert "schema:name" in str(raised.value)
    assert not isinstance(raised.value, QueryStopped)  # a bad query, not one stopped at a bound


def test_the_command_runs_a_query_given_as_text_or_file(bundled_build: Path, tmp_path: Path) -> None:
    result = sparql(PER_VENUE, "--build", str(bundled_build))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2].split()[0] == "arXiv"
    query = tmp_path / "per-venue.rq"
    query.write_text(PER_VENUE)
    from_file = sparql(str(query), "--build", str(bundled_build), "--format", "csv")
    lines = from_file.stdout.splitlines()
    assert from_file.exit_code == 0 and lines[0] == "venue,papers" and lines[1].startswith("arXiv,")


def test_the_command_refuses_an_update_in_one_line(bundled_build: Path) -> None:
    result = sparql("DELETE WHERE { ?s ?p ?o }", "--build", str(bundled_build))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "read-only" in result.stderr


def test_the_command_shows_where_a_syntax_error_is(bundled_build: Path) -> None:
    result = sparql("SELECT ?x WHERE { ?x ?y }", "--build", str(bundled_build))
    assert result.exit_code == 1
    assert result.stderr.startswith("tfkg: error: SPARQL syntax error at line 1, column ")


def test_the_export_prefixes_are_predefined(build: Build, vocab: Vocabulary) -> None:
    assert run_sparql(build, f"ASK {{ paper:{SADTALKER} schema:about concept:3dmm }}", vocab=vocab).boolean is True
    redeclared = "PREFIX paper: <https://elsewhere.example/> ASK { paper:2211.12194 ?p ?o }"
    assert run_sparql(build, redeclared, vocab=vocab).boolean is False


def test_a_missing_query_file_is_named(bundled_build: Path, tmp_path: Path) -> None:
    result = sparql(str(tmp_path / "missing.rq"), "--build", str(bundled_build))
    assert result.exit_code == 1
    assert "missing.rq: no such query file" in result.stderr


# -- bounds ----------------------------------------------------------------------------------------

CROSS_PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_a_huge_answer_is_cut_at_the_row_bound_and_its_size_said(bundled_build: Path) -> None:
    result = run_sparql(load_build(bundled_build), CROSS_PRODUCT, bounds=Bounds(2.0, 5, 2048))
    assert result.rows is not None and len(result.rows) == 5
    assert result.variables == ("a", "b", "c", "d", "e", "f", "g", "h", "i")  # in the query's order
    assert "cut at 5 rows" in result.notes[0] and "at least" in result.notes[0]


def test_a_query_past_the_time_bound_is_stopped_with_a_clear_error(bundled_build: Path) -> None:
    counted = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with pytest.raises(QueryStopped, match="stopped at the 1 s bound"):
        run_sparql(load_build(bundled_build), counted, bounds=Bounds(1.0, 10, 2048))


def test_a_query_past_the_memory_bound_is_stopped_with_a_clear_error(bundled_build: Path) -> None:
    ordered = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"
    with pytest.raises(QueryStopped, match="needed more than 512 MB"):
        run_sparql(load_build(bundled_build), ordered, bounds=Bounds(30.0, 10, 512))


def test_the_cli_takes_timeout_and_max_rows_and_notes_an_ignored_from(bundled_build: Path) -> None:
    result = CliRunner().invoke(main, ["sparql", CROSS_PRODUCT, "--max-rows", "2", "--timeout", "1",
                                       "--build", str(bundled_build)])
    assert result.exit_code == 0 and "(2 rows)" in result.stdout and "cut at 2 rows" in result.stderr
    result = CliRunner().invoke(main, ["sparql", "SELECT ?s FROM <http://x> WHERE { ?s ?p ?o } LIMIT 1",
                                       "--build", str(bundled_build)])
    assert result.exit_code == 0 and "FROM and FROM NAMED are ignored" in result.stderr
