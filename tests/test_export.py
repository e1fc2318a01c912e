"""kg/rdf/export.py and `tfkg export`: slices, BibTeX and CSV, and every bad input named in the issue."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import RDF, Graph, URIRef

from ingest.graph import NODE_TYPES
from kg.cli.main import main
from kg.core.store import Build, load_build
from kg.core.vocab import Vocabulary
from kg.rdf.export import (
    FORMATS,
    MAX_HOPS,
    ExportError,
    around_slice,
    construct_slice,
    export,
    filter_slice,
    papers_slice,
    serialize,
    slice_rdf,
    type_slice,
)
from kg.rdf.mapping import Namer
from kg.search.facets import Filters
from tests.conftest import ROOT
from tests.rdf_helpers import DIFFTALK, SADTALKER, enriched
from tests.rdf_helpers import SCHEMA as SDO

N = Namer("https://tfkg.example.org/")
RDFLIB = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml", "trig": "trig"}


@pytest.fixture(scope="module")
def build(bundled_build: Path) -> Build:
    return load_build(bundled_build)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["export", *args])


def papers_in(graph: Graph) -> set[str]:
    return {str(s).rsplit("/", 1)[1] for s in graph.subjects(RDF.type, SDO.ScholarlyArticle)}


# -- slices --------------------------------------------------------------------------------


def test_a_filter_slice_holds_the_matching_papers_and_what_they_link_to(build: Build, vocab: Vocabulary) -> None:
    chosen = filter_slice(build, Filters(years=(2023, 2023), keywords=("nerf",)), vocab)
    rdf = slice_rdf(build, chosen, vocab=vocab)
    graph = rdf.quads.graph()
    expected = {p.id for p in build.papers if p.year == 2023 and "nerf" in p.concept_ids}
    assert {p.id for p in rdf.papers} == expected and len(expected) == 2
    assert papers_in(graph) == expected
    for paper_id in expected:
        venue = graph.value(N.node(f"paper/{paper_id}"), SDO.isPartOf)
        assert graph.value(venue, SDO.name) is not None
    assert chosen.description == "papers matching year 2023, keyword nerf"


def test_a_topic_filter_is_named_in_the_slice_description(build: Build, vocab: Vocabulary) -> None:
    chosen = filter_slice(build, Filters(topics=("Survey",)), vocab)
    assert chosen.description == "papers matching topic Survey"


def test_a_papers_slice_keeps_links_to_cited_papers_and_metrics_they_define(build: Build, vocab: Vocabulary) -> None:
    rich = enriched(build, vocab)
    graph = slice_rdf(rich, papers_slice(rich, [DIFFTALK], "difftalk"), vocab=vocab).quads.graph()
    cited = set(graph.objects(N.node(f"paper/{DIFFTALK}"), URIRef("http://purl.org/spar/cito/cites")))
    assert cited == {N.node(f"paper/{SADTALKER}"), N.node("paper/2301.02379")}
    assert all(graph.value(p, SDO.name) is not None for p in cited)
    defining = slice_rdf(build, papers_slice(build, ["1804.04786"], "lra"), vocab=vocab).quads.graph()
    assert (N.node("metric/lra"), URIRef("http://www.w3.org/2000/01/rdf-schema#isDefinedBy"),
            N.node("paper/1804.04786")) in defining


def test_around_a_node_grows_with_the_hops(build: Build) -> None:
    sizes = [len(around_slice(build, "hdtf", hops).nodes or ()) for hops in range(4)]
    assert sizes[0] == 1 and sizes == sorted(sizes) and sizes[1] < sizes[3]
    one = around_slice(build, "dataset/hdtf", 1).nodes or frozenset()
    users = {s for s, t in build.graph.in_edges("dataset/hdtf")}
    assert users <= one


def test_around_accepts_bare_paper_and_dataset_ids(build: Build) -> None:
    assert around_slice(build, SADTALKER, 0).nodes == {f"paper/{SADTALKER}"}
    assert around_slice(build, "hdtf", 0).nodes == {"dataset/hdtf"}
    assert around_slice(build, "concept/nerf", 0).nodes == {"concept/nerf"}


def test_a_type_slice_holds_every_node_of_the_type(build: Build, vocab: Vocabulary) -> None:
    graph = slice_rdf(build, type_slice(build, "concept"), vocab=vocab).quads.graph()
    concepts = set(graph.subjects(RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#Concept")))
    assert len(concepts) == len(vocab.concepts)
    assert not papers_in(graph)
    papers = slice_rdf(build, type_slice(build, "paper"), vocab=vocab)
    assert len(papers.papers) == len(build.papers)


def test_a_construct_slice_adds_the_labels_of_every_node_it_mentions(build: Build, vocab: Vocabulary) -> None:
    query = """PREFIX schema: <https://schema.org/>
        CONSTRUCT { ?code schema:isBasedOn ?paper } WHERE { ?code schema:isBasedOn ?paper }"""
    rdf = slice_rdf(build, construct_slice(query, "code.rq"), vocab=vocab)
    graph = rdf.quads.graph()
    links = list(graph.subject_objects(SDO.isBasedOn))
    assert len(links) == sum(1 for *_, kind in build.graph.edges(data="type") if kind == "has_code")
    for code, paper in links:
        assert graph.value(code, SDO.name) is not None and graph.value(paper, SDO.name) is not None
    assert {p.id for p in rdf.papers} == {p.id for p in build.papers if p.code_repos}


def test_a_construct_slice_needs_a_construct_query() -> None:
    with pytest.raises(ExportError, match=r"q\.rq: is a SELECT query"):
        construct_slice("SELECT * WHERE { ?s ?p ?o }", "q.rq")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_mapped_slice_serializes_as_export_writes_it(build: Build, vocab: Vocabulary, fmt: str) -> None:
    chosen = around_slice(build, SADTALKER, 1)
    mapped = slice_rdf(build, chosen, vocab=vocab)
    assert serialize(mapped, fmt, build, vocab) == export(build, chosen, fmt, vocab=vocab)


# -- BibTeX and CSV -----------------------------------------------------------------------------


def bibtex_entries(text: str) -> dict[str, tuple[str, dict[str, str]]]:
    """key -> (entry type, fields), read with a brace-counting parser (values are brace-delimited)."""
    entries = {}
    for match in re.finditer(r"@(\w+)\{([^,\s]+),\n(.*?)\n\}\n", text, re.S):
        fields = dict(re.findall(r"^  (\w+) = \{(.*)\},?$", match.group(3), re.M))
        entries[match.group(2)] = (match.group(1), fields)
    return entries


def test_bibtex_has_one_entry_per_paper_with_unique_keys(build: Build, vocab: Vocabulary) -> None:
    text = export(build, type_slice(build, "paper"), "bibtex", vocab=vocab)
    entries = bibtex_entries(text)
    assert len(entries) == len(build.papers) == text.count("\n@")  + 1
    unescaped = {brace: text.count(brace) - text.count("\\" + brace) for brace in "{}"}
    assert unescaped["{"] == unescaped["}"]


def test_bibtex_entry_types_and_fields_follow_the_venue(build: Build, vocab: Vocabulary) -> None:
    ids = [SADTALKER, "critical-review-of-human-face-reenactment-methods", DIFFTALK,
           "ip-lap-identity-preserving-talking-face-generation-with-landmark-and-appearance-priors"]
    entries = bibtex_entries(export(build, papers_slice(build, ids, "four"), "bibtex", vocab=vocab))
    kind, fields = entries["2023sadtalker"]
    assert kind == "inproceedings"
    assert fields["booktitle"] == "IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)"
    assert fields["title"].startswith("{SadTalker:") and fields["year"] == "2023"
    assert (fields["eprint"], fields["archivePrefix"]) == (SADTALKER, "arXiv")
    assert fields["url"] == f"https://arxiv.org/abs/{SADTALKER}"
    assert entries["2022critical"][0] == "article"
    assert entries["2022critical"][1]["journal"] == "Journal of Image and Graphics (JIG)"
    assert entries["2023difftalk"][0] == "misc"
    assert entries["2023iplap"][1]["title"] == r"{IP\_LAP: Identity-Preserving Talking Face Generation with " \
        "Landmark and Appearance Priors}"
    assert list(entries) == ["2023sadtalker", "2022critical", "2023difftalk", "2023iplap"]  # the slice's order


def test_bibtex_lists_enriched_authors_and_doi_and_escapes_latex(build: Build, vocab: Vocabulary) -> None:
    rich = enriched(build, vocab)
    entries = bibtex_entries(export(rich, papers_slice(rich, [SADTALKER], "one"), "bibtex", vocab=vocab))
    fields = entries["zhang2023sadtalker"][1]
    assert fields["author"] == "Wenxuan Zhang and Xiaodong Cun"
    assert fields["doi"] == "10.1109/CVPR52729.2023.00836"


def test_citation_keys_do_not_change_with_the_slice(build: Build, vocab: Vocabulary) -> None:
    whole = bibtex_entries(export(build, type_slice(build, "paper"), "bibtex", vocab=vocab))
    alone = bibtex_entries(export(build, papers_slice(build, [SADTALKER], "one"), "bibtex", vocab=vocab))
    assert set(alone) <= set(whole)


def test_csv_has_a_row_per_paper_with_its_links_concepts_and_entries(build: Build, vocab: Vocabulary) -> None:
    text = export(build, filter_slice(build, Filters(keywords=("nerf",)), vocab), "csv", vocab=vocab)
    rows = list(csv.DictReader(io.StringIO(text)))
    nerf = [p for p in build.papers if "nerf" in p.concept_ids]
    assert [row["id"] for row in rows] == [p.id for p in nerf]
    by_id = {row["id"]: row for row in rows}
    row = by_id["2201.07786"]
    assert row["iri"] == "https://tfkg.example.org/paper/2201.07786"
    assert row["venue"] == "ECCV" and row["venue_kind"] == "conference" and row["year"] == "2022"
    assert "NeRF" in row["keywords"].split("; ")
    assert row["url"] == "https://arxiv.org/abs/2201.07786"
    assert row["code"].startswith("https://github.com/")
    assert row["entries"].endswith(".md:" + row["entries"].rsplit(":", 1)[1])


# -- the command and its bad input -----------------------------------------------------------------


def test_export_writes_the_whole_graph_atomically_and_says_what_it_wrote(bundled_build: Path, tmp_path: Path) -> None:
    target = tmp_path / "graph.ttl"
    result = run("--build", str(bundled_build), "-o", str(target))
    assert result.exit_code == 0, result.output
    graph = Graph().parse(target, format="turtle")
    assert f"{len(graph)} triples" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]  # no temporary file left beside it


def test_export_validate_reports_conformance(bundled_build: Path) -> None:
    result = run("--build", str(bundled_build), "--around", SADTALKER, "--validate", "--format", "nt")
    assert result.exit_code == 0, result.output
    assert "conforms to the SHACL shapes" in result.stderr
    assert Graph().parse(data=result.stdout, format="nt")


def test_export_validate_refuses_a_non_conforming_slice_and_writes_nothing(
    bundled_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("venues.toml", "concepts.toml", "datasets.toml"):
        (data / name).write_text((ROOT / "data" / name).read_text())
    (data / "shapes.ttl").write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix schema: <https://schema.org/> .
<https://example.org/PaperHasAuthor> a sh:NodeShape ; sh:targetClass schema:ScholarlyArticle ;
    sh:property [ sh:path schema:author ; sh:minCount 1 ] .
""")
    monkeypatch.setenv("TFKG_DATA_DIR", str(data))
    target = tmp_path / "out.ttl"
    result = run("--build", str(bundled_build), "--around", SADTALKER, "--validate", "-o", str(target))
    assert result.exit_code == 1
    assert "does not conform" in result.stderr and "nothing was written" in result.stderr
    assert "Result Path: schema:author" in result.stderr  # pyshacl's report names the failing property
    assert not target.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_slice_says_so_and_writes_a_valid_empty_document(
    bundled_build: Path, tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / f"empty.{fmt}"
    result = run("--build", str(bundled_build), "--year", "1990", "--format", fmt, "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "the slice is empty (papers matching year 1990)" in result.stderr
    text = target.read_text()
    if fmt in RDFLIB:
        assert len(Graph().parse(data=text, format=RDFLIB[fmt])) == 0
    elif fmt == "csv":
        assert list(csv.reader(io.StringIO(text))) == [["id", "iri", "title", "year", "venue", "venue_kind",
                                                       "arxiv_id", "doi", "url", "code", "keywords", "datasets",
                                                       "authors", "entries"]]
    else:
        assert not bibtex_entries(text) and text.startswith("%")


def test_an_unknown_format_is_refused_with_the_formats(bundled_build: Path) -> None:
    result = run("--build", str(bundled_build), "--format", "rdfa")
    assert result.exit_code == 2
    assert "'rdfa' is not one of 'ttl', 'nt', 'jsonld', 'xml', 'trig', 'bibtex', 'csv'" in result.output


def test_the_command_offers_the_library_formats_and_node_types() -> None:
    params = {p.name: p for p in main.commands["export"].params}
    assert tuple(params["fmt"].type.choices) == FORMATS
    assert tuple(params["node_type"].type.choices) == NODE_TYPES


def test_an_unknown_node_id_suggests_close_ids(bundled_build: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    target.write_text("previous export\n")
    result = run("--build", str(bundled_build), "--around", "2211.1219", "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr.startswith("tfkg: error: unknown node '2211.1219'; did you mean paper/2211.12194 (SadTalker")
    assert target.read_text() == "previous export\n"  # a failed export leaves the file as it was


def test_an_output_path_in_a_missing_folder_is_refused(bundled_build: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "out.ttl"
    result = run("--build", str(bundled_build), "-o", str(target))
    assert result.exit_code == 1
    assert f"folder {target.parent} does not exist" in result.stderr
    assert not target.parent.exists()


def test_a_folder_as_output_is_refused(bundled_build: Path, tmp_path: Path) -> None:
    result = run("--build", str(bundled_build), "-o", str(tmp_path))
    assert result.exit_code == 1 and "is a folder" in result.stderr


@pytest.mark.parametrize("hops", [str(MAX_HOPS + 1), "1000000", "-1"])
def test_a_huge_or_negative_hops_is_refused(bundled_build: Path, tmp_path: Path, hops: str) -> None:
    target = tmp_path / "out.ttl"
    result = run("--build", str(bundled_build), "--around", "hdtf", "--hops", hops, "-o", str(target))
    assert result.exit_code == 1
    assert f"--hops {hops} is out of range: give 0 to {MAX_HOPS}" in result.stderr
    assert not target.exists()


@pytest.mark.parametrize("args, message", [
    (["--around", "hdtf", "--type", "paper"], "give one slice at a time, not --around and --type"),
    (["--keyword", "nerf", "--construct", "q.rq"], "not QUERY or filters and --construct"),
    (["--hops", "2"], "--hops goes with --around"),
    (["--top", "3"], "--top goes with a QUERY"),
])
def test_conflicting_slice_options_are_refused(bundled_build: Path, args: list[str], message: str) -> None:
    result = run("--build", str(bundled_build), *args)
    assert result.exit_code == 1 and message in result.stderr


def test_an_unknown_filter_value_lists_the_values(bundled_build: Path) -> None:
    result = run("--build", str(bundled_build), "--venue", "CVRP")
    assert result.exit_code == 1 and "unknown venue 'CVRP'" in result.stderr


def test_a_construct_file_with_a_syntax_error_shows_the_position(bundled_build: Path, tmp_path: Path) -> None:
    query = tmp_path / "broken.rq"
    query.write_text("CONSTRUCT { ?s ?p ?o }\nWHERE { ?s ?p }\n")
    result = run("--build", str(bundled_build), "--construct", str(query))
    assert result.exit_code == 1
    assert "SPARQL syntax error at line 2, column" in result.stderr


def test_a_construct_file_exports_its_graph(bundled_build: Path, tmp_path: Path) -> None:
    query = tmp_path / "venues.rq"
    query.write_text("PREFIX schema: <https://schema.org/>\n"
                     "CONSTRUCT { ?p schema:isPartOf ?v } WHERE { ?p schema:isPartOf ?v ; schema:name ?t }")
    result = run("--build", str(bundled_build), "--construct", str(query), "--format", "jsonld")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    with_venue = [paper for paper in load_build(bundled_build).papers if paper.venue.family]
    assert len([n for n in document["@graph"] if "isPartOf" in n]) == len(with_venue) > 150


@pytest.mark.slow
def test_a_query_slice_exports_the_top_papers_in_rank_order(bundled_build: Path) -> None:
    result = run("--build", str(bundled_build), "radiance field portraits", "--top", "3", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 3
    assert any("NeRF" in row["keywords"] for row in rows)
