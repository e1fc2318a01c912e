"""The mapping of kg/rdf/mapping.py: IRIs, vocabularies, datatypes and language tags, provenance, slices."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

from kg.core.store import Build, load_build
from kg.core.vocab import Vocabulary
from kg.rdf.mapping import CITO, LANG, TFKG, IriError, Namer, base_iri, graph_to_rdf, rdf_quads, url_iri
from tests.rdf_helpers import CODETALKER, DIFFTALK, SADTALKER, XSD, enriched
from tests.rdf_helpers import SCHEMA as SDO

BASE = "https://tfkg.example.org/"
N = Namer(BASE)


@pytest.fixture(scope="module")
def build(bundled_build: Path) -> Build:
    return load_build(bundled_build)


@pytest.fixture(scope="module")
def whole(build: Build, vocab: Vocabulary) -> Graph:
    return rdf_quads(build, vocab=vocab, base=BASE).graph()


@pytest.fixture(scope="module")
def rich(build: Build, vocab: Vocabulary) -> Graph:
    return rdf_quads(enriched(build, vocab), vocab=vocab, base=BASE).graph()


def test_every_graph_node_is_a_typed_iri_under_the_base(build: Build, whole: Graph) -> None:
    for node in build.graph:
        assert (N.node(node), RDF.type, None) in whole, node
    typed = {s for s in whole.subjects(RDF.type) if str(s).startswith(BASE)}
    extra = typed - {N.node(n) for n in build.graph}
    assert extra == {N.scheme, N.metric_set, N.list_document("awesome-talking-face-generation")}


def test_iris_are_the_same_in_every_export_and_slice(build: Build, vocab: Vocabulary) -> None:
    node = f"paper/{SADTALKER}"
    sliced = rdf_quads(build, [node], vocab=vocab, base=BASE).graph()
    again = rdf_quads(build, [node], vocab=vocab, base=BASE).graph()
    assert set(sliced) == set(again)
    assert (URIRef(BASE + node), RDF.type, SDO.ScholarlyArticle) in sliced


def test_the_base_iri_setting_moves_every_node(
    build: Build, vocab: Vocabulary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TFKG_BASE_IRI", "http://kg.example.com/tf#")
    graph = rdf_quads(build, [f"paper/{DIFFTALK}"], vocab=vocab).graph()
    assert (URIRef(f"http://kg.example.com/tf#paper/{DIFFTALK}"), RDF.type, SDO.ScholarlyArticle) in graph
    assert not [s for s in graph.subjects() if str(s).startswith(BASE)]


@pytest.mark.parametrize("base", ["tfkg.example.org/", "https://tfkg.example.org/kg", "file:///tmp/", ""])
def test_a_base_iri_that_cannot_prefix_ids_is_refused(base: str) -> None:
    with pytest.raises(IriError, match="TFKG_BASE_IRI"):
        base_iri(base)


def test_a_paper_is_a_scholarly_article_with_typed_and_tagged_literals(whole: Graph) -> None:
    paper = N.node(f"paper/{DIFFTALK}")
    assert (paper, RDF.type, SDO.ScholarlyArticle) in whole
    assert whole.value(paper, SDO.name) == Literal(
        "DiffTalk: Crafting Diffusion Models for Generalized Talking Head Synthesis", lang=LANG)
    assert whole.value(paper, SDO.datePublished) == Literal("2023", datatype=XSD.gYear)
    assert set(whole.objects(paper, SDO.about)) == {N.node("concept/diffusion")}
    assert set(whole.objects(paper, SDO.keywords)) == {Literal("Diffusion", lang=LANG)}
    assert whole.value(paper, SDO.isPartOf) == N.node("venue/arXiv")
    assert set(whole.objects(paper, SDO.url)) == {URIRef("https://arxiv.org/pdf/2301.03786.pdf"),
                                                 URIRef("https://sstzal.github.io/DiffTalk/")}
    assert set(whole.objects(paper, OWL.sameAs)) == {URIRef("https://arxiv.org/abs/2301.03786")}


def test_a_paper_is_derived_from_its_list_entry_with_file_line_and_section(build: Build, vocab: Vocabulary) -> None:
    dataset = graph_to_rdf(build, [f"paper/{DIFFTALK}"], vocab=vocab, base=BASE)
    provenance = dataset.graph(N.provenance_graph("awesome-talking-face-generation"))
    entry = provenance.value(N.node(f"paper/{DIFFTALK}"), PROV.wasDerivedFrom)
    assert entry == N.node("entry/awesome-talking-face-generation/L26")
    assert provenance.value(entry, TFKG.line) == Literal(26)
    assert str(provenance.value(entry, TFKG.file)).endswith("awesome-talking-face-generation.md")
    assert provenance.value(entry, TFKG.section) == Literal("2023", lang=LANG)
    assert (entry, RDF.type, PROV.Entity) in provenance
    assert provenance.value(entry, DCTERMS.isPartOf) == N.list_document("awesome-talking-face-generation")
    knowledge = dataset.default_graph
    assert (N.node(f"paper/{DIFFTALK}"), PROV.wasDerivedFrom, None) not in knowledge


def test_a_paper_listed_twice_is_derived_from_both_entries(build: Build, whole: Graph) -> None:
    twice = next(p for p in build.papers if len(p.entries) > 1)
    entries = set(whole.objects(N.node(f"paper/{twice.id}"), PROV.wasDerivedFrom))
    assert len(entries) == len(twice.entries)


def test_code_is_a_software_source_code_node_based_on_its_paper(whole: Graph) -> None:
    code = N.node("code/github.com/winfredy/sadtalker")
    assert (code, RDF.type, SDO.SoftwareSourceCode) in whole
    assert whole.value(code, SDO.codeRepository) == URIRef("https://github.com/Winfredy/SadTalker")
    assert whole.value(code, SDO.isBasedOn) == N.node(f"paper/{SADTALKER}")
    assert URIRef("https://github.com/Winfredy/SadTalker") not in set(whole.objects(None, SDO.url))


def test_the_keyword_vocabulary_is_one_skos_concept_scheme(whole: Graph, vocab: Vocabulary) -> None:
    assert list(whole.subjects(RDF.type, SKOS.ConceptScheme)) == [N.scheme]
    concepts = set(whole.subjects(RDF.type, SKOS.Concept))
    assert concepts == {N.node(f"concept/{c}") for c in vocab.concepts}
    assert all(whole.value(c, SKOS.inScheme) == N.scheme for c in concepts)
    nerf = N.node("concept/nerf")
    assert whole.value(nerf, SKOS.broader) == N.node("concept/3d")
    assert whole.value(nerf, SKOS.prefLabel) == Literal("NeRF", lang=LANG)
    assert Literal("neural radiance field", lang=LANG) in set(whole.objects(nerf, SKOS.altLabel))
    tops = set(whole.objects(N.scheme, SKOS.hasTopConcept))
    assert N.node("concept/3d") in tops and nerf not in tops


def test_datasets_metrics_and_venues_use_schema_org(whole: Graph) -> None:
    hdtf = N.node("dataset/hdtf")
    assert (hdtf, RDF.type, SDO.Dataset) in whole
    assert whole.value(hdtf, SDO.name) == Literal("HDTF")
    assert whole.value(hdtf, SDO.datePublished) == Literal("2020", datatype=XSD.gYear)
    introducing = set(whole.objects(hdtf, SDO.citation))
    assert introducing and all((p, RDF.type, SDO.ScholarlyArticle) in whole for p in introducing)
    assert (None, CITO.usesDataFrom, None) in whole
    lra = N.node("metric/lra")
    assert (lra, RDF.type, SDO.DefinedTerm) in whole
    assert whole.value(lra, RDFS.isDefinedBy) == N.node("paper/1804.04786")
    assert whole.value(lra, SDO.inDefinedTermSet) == N.metric_set
    cvpr = N.node("venue/CVPR")
    assert (cvpr, RDF.type, SDO.CreativeWorkSeries) in whole
    assert whole.value(cvpr, SDO.alternateName) == Literal("CVPR")
    assert whole.value(cvpr, SDO.additionalType) == Literal("conference")
    assert (N.node("venue/TPAMI"), RDF.type, SDO.Periodical) in whole


def test_enrichment_adds_people_citations_dates_and_doi(rich: Graph) -> None:
    sadtalker, difftalk, codetalker = (N.node(f"paper/{i}") for i in (SADTALKER, DIFFTALK, CODETALKER))
    authors = set(rich.objects(sadtalker, SDO.author))
    assert authors == {N.node("author/1"), N.node("author/2")}
    assert all((a, RDF.type, SDO.Person) in rich for a in authors)
    assert rich.value(N.node("author/2"), SDO.name) == Literal("Xiaodong Cun")
    assert N.node("author/2") in set(rich.objects(codetalker, SDO.author))
    assert set(rich.objects(difftalk, CITO.cites)) == {sadtalker, codetalker}
    assert URIRef("https://doi.org/10.1109/CVPR52729.2023.00836") in set(rich.objects(sadtalker, OWL.sameAs))
    assert rich.value(difftalk, SDO.datePublished) == Literal("2023-01-10", datatype=XSD.date)
    # SadTalker's arXiv date is of 2022 while the list says CVPR 2023: the year wins
    assert rich.value(sadtalker, SDO.datePublished) == Literal("2023", datatype=XSD.gYear)
    assert rich.value(sadtalker, SDO.abstract).language == LANG
    assert rich.value(sadtalker, SDO.description).language == LANG


def test_prose_is_tagged_english_and_names_are_plain_strings(whole: Graph) -> None:
    for predicate in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel, SDO.keywords, TFKG.section):
        assert {o.language for o in whole.objects(None, predicate)} == {LANG}, predicate
    for predicate in (SDO.alternateName, SDO.termCode, TFKG.file):
        assert {(o.language, o.datatype) for o in whole.objects(None, predicate)} == {(None, None)}, predicate
    names = {s: o for s, o in whole.subject_objects(SDO.name)}
    assert names[N.node("dataset/hdtf")].language is None
    assert names[N.node(f"paper/{DIFFTALK}")].language == LANG


def test_unsafe_characters_are_encoded_and_non_web_links_dropped() -> None:
    assert url_iri("https://example.org/a b?q=<x>") == URIRef("https://example.org/a%20b?q=%3Cx%3E")
    assert url_iri("https://example.org/already%20encoded") == URIRef("https://example.org/already%20encoded")
    assert url_iri("mailto:someone@example.org") is None
    assert url_iri("docs/readme.md") is None
    assert N.node("dataset/a b\"c") == URIRef(BASE + "dataset/a%20b%22c")


def test_a_slice_describes_its_nodes_satellites_and_the_edges_between_them(build: Build, vocab: Vocabulary) -> None:
    sliced = rdf_quads(build, [f"paper/{SADTALKER}", "concept/3dmm"], vocab=vocab, base=BASE).graph()
    paper = N.node(f"paper/{SADTALKER}")
    assert set(sliced.objects(paper, SDO.about)) == {N.node("concept/3dmm")}  # edges to nodes outside are left out
    assert (N.node("code/github.com/winfredy/sadtalker"), SDO.isBasedOn, paper) in sliced
    assert (paper, PROV.wasDerivedFrom, None) in sliced
    assert sliced.value(N.node("concept/3dmm"), SKOS.inScheme) == N.scheme
    assert (N.scheme, RDF.type, SKOS.ConceptScheme) in sliced
    assert (None, SDO.isPartOf, None) not in sliced


def test_every_iri_a_slice_links_to_is_described_in_it(build: Build, vocab: Vocabulary) -> None:
    nodes = [n for n, kind in build.graph.nodes(data="type") if kind == "paper"][:20]
    sliced = rdf_quads(build, nodes, vocab=vocab, base=BASE).graph()
    linked = {o for _, p, o in sliced if isinstance(o, URIRef) and str(o).startswith(BASE) and p != RDF.type}
    assert linked
    assert all((o, RDF.type, None) in sliced for o in linked)
