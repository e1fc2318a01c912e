"""SHACL: every export of the bundled graph conforms to data/shapes.ttl, and broken graphs are reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import PROV

from ingest.graph import NODE_TYPES
from kg.core.store import Build, load_build
from kg.core.vocab import Vocabulary
from kg.rdf.export import (
    Slice,
    around_slice,
    construct_slice,
    filter_slice,
    papers_slice,
    slice_rdf,
    type_slice,
    whole_graph,
)
from kg.rdf.mapping import TFKG, Namer
from kg.rdf.shacl import load_shapes, validate
from kg.search.facets import Filters
from tests.conftest import ROOT
from tests.rdf_helpers import DIFFTALK, SADTALKER, enriched
from tests.rdf_helpers import SCHEMA as SDO

N = Namer("https://tfkg.example.org/")


@pytest.fixture(scope="module")
def build(bundled_build: Path) -> Build:
    return load_build(bundled_build)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(ROOT / "data")


@pytest.fixture(scope="module")
def whole(build: Build, vocab: Vocabulary) -> Graph:
    return slice_rdf(build, whole_graph(), vocab=vocab).quads.graph()


def slices(build: Build, vocab: Vocabulary) -> dict[str, Slice]:
    chosen = {
        "whole": whole_graph(),
        "filters": filter_slice(build, Filters(years=(2022, 2023), keywords=("3d",)), vocab),
        "papers": papers_slice(build, [SADTALKER, DIFFTALK], "two papers"),
        "construct": construct_slice(
            "PREFIX schema: <https://schema.org/> CONSTRUCT { ?p schema:about ?c } WHERE { ?p schema:about ?c }", "q"),
    }
    for node in (f"paper/{SADTALKER}", "dataset/hdtf", "concept/nerf", "venue/CVPR", "metric/lse-c"):
        for hops in (0, 1, 2):
            chosen[f"{hops} around {node}"] = around_slice(build, node, hops)
    chosen.update({f"type {kind}": type_slice(build, kind) for kind in NODE_TYPES})
    return chosen


def test_every_slice_of_the_bundled_graph_conforms(build: Build, vocab: Vocabulary, shapes: Graph) -> None:
    failures = {}
    for name, chosen in slices(build, vocab).items():
        report = validate(slice_rdf(build, chosen, vocab=vocab).quads.graph(), shapes)
        if not report.conforms:
            failures[name] = report.report
    assert not failures


def test_the_enriched_graph_conforms(build: Build, vocab: Vocabulary, shapes: Graph) -> None:
    graph = slice_rdf(enriched(build, vocab), whole_graph(), vocab=vocab).quads.graph()
    report = validate(graph, shapes)
    assert report.conforms, report.report


def test_the_whole_graph_conforms(whole: Graph, shapes: Graph) -> None:
    report = validate(whole, shapes)
    assert report.conforms and report.violations == 0


def broken(whole: Graph, remove: list[tuple], add: list[tuple]) -> Graph:
    graph = Graph()
    for triple in whole:
        graph.add(triple)
    for triple in remove:
        graph.remove(triple)
    for triple in add:
        graph.add(triple)
    return graph


@pytest.mark.parametrize("case", ["paper without a name", "about a literal", "link to an undescribed node",
                                  "entry on line 0", "untagged title", "two years"])
def test_a_non_conforming_graph_is_reported_with_its_focus_node(whole: Graph, shapes: Graph, case: str) -> None:
    paper = N.node(f"paper/{SADTALKER}")
    entry = whole.value(paper, PROV.wasDerivedFrom)
    changes = {
        "paper without a name": ([(paper, SDO.name, None)], []),
        "about a literal": ([], [(paper, SDO.about, Literal("3D"))]),
        "link to an undescribed node": ([], [(paper, SDO.author, URIRef("https://tfkg.example.org/author/nobody"))]),
        "entry on line 0": ([(entry, TFKG.line, None)], [(entry, TFKG.line, Literal(0))]),
        "untagged title": ([(paper, SDO.name, None)], [(paper, SDO.name, Literal("SadTalker"))]),
        "two years": ([], [(paper, SDO.datePublished, Literal("2022", datatype=URIRef(str(SDO.Date))))]),
    }[case]
    report = validate(broken(whole, *changes), shapes)
    assert not report.conforms
    assert report.violations >= 1
    focus = entry if case == "entry on line 0" else paper
    assert f"Focus Node: {focus.n3()}" in report.report or str(focus) in report.report


def test_shapes_hold_one_node_shape_per_class_of_the_mapping(shapes: Graph) -> None:
    targets = set(shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#targetClass")))
    assert {SDO.ScholarlyArticle, SDO.Dataset, SDO.DefinedTerm, SDO.SoftwareSourceCode, SDO.Person,
            SDO.CreativeWorkSeries} <= targets
    assert (None, RDF.type, URIRef("http://www.w3.org/ns/shacl#NodeShape")) in shapes
