"""Every RDF format of an export parses back, with rdflib and with pyoxigraph, into what was exported."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.core.store import Build, load_build
from kg.core.vocab import Vocabulary
from kg.rdf.export import Slice, export, slice_rdf, whole_graph
from tests.rdf_helpers import SADTALKER, enriched, oxigraph_quads, oxigraph_triples

BASE = "https://tfkg.example.org/"
RDFLIB = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml"}
OXIGRAPH = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
            "xml": ox.RdfFormat.RDF_XML}


@pytest.fixture(scope="module", params=["bundled", "enriched"])
def build(request: pytest.FixtureRequest, bundled_build: Path, vocab: Vocabulary) -> Build:
    loaded = load_build(bundled_build)
    return loaded if request.param == "bundled" else enriched(loaded, vocab)


SLICES = {
    "whole": lambda build: whole_graph(),
    "one paper": lambda build: Slice("one paper", frozenset({f"paper/{SADTALKER}"})),
}


@pytest.mark.parametrize("fmt", list(RDFLIB))
@pytest.mark.parametrize("slice_name", list(SLICES))
def test_a_triple_format_parses_back_isomorphic_with_rdflib_and_pyoxigraph(
    build: Build, vocab: Vocabulary, fmt: str, slice_name: str
) -> None:
    chosen = SLICES[slice_name](build)
    expected = slice_rdf(build, chosen, vocab=vocab, base=BASE).quads.graph()
    text = export(build, chosen, fmt, vocab=vocab, base=BASE)
    parsed = Graph().parse(data=text, format=RDFLIB[fmt])
    assert len(parsed) == len(expected) > 0
    assert isomorphic(parsed, expected)
    assert oxigraph_triples(text, OXIGRAPH[fmt]) == set(expected)


def test_trig_keeps_provenance_in_its_own_named_graph(build: Build, vocab: Vocabulary) -> None:
    quads = slice_rdf(build, whole_graph(), vocab=vocab, base=BASE).quads
    expected = quads.dataset()
    text = export(build, whole_graph(), "trig", vocab=vocab, base=BASE)
    parsed = Dataset().parse(data=text, format="trig")
    provenance = quads.namer.provenance_graph("awesome-talking-face-generation")
    assert isomorphic(parsed.graph(provenance), expected.graph(provenance))
    assert isomorphic(parsed.default_graph, expected.default_graph)
    assert len(parsed.graph(provenance)) > 0 and len(parsed.default_graph) > 0
    assert oxigraph_quads(text, ox.RdfFormat.TRIG) == set(quads.quads)


def test_jsonld_uses_a_readable_context(build: Build, vocab: Vocabulary) -> None:
    chosen = Slice("a paper and a concept", frozenset({f"paper/{SADTALKER}", "concept/3dmm"}))
    text = export(build, chosen, "jsonld", vocab=vocab, base=BASE)
    assert '"@vocab": "https://schema.org/"' in text
    assert f'"@id": "paper:{SADTALKER}"' in text
    assert '"@type": "ScholarlyArticle"' in text
    assert '"about": "concept:3dmm"' in text
    assert '"wasDerivedFrom":' in text
