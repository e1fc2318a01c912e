"""Entries become works and the graph links works to venues, concepts, datasets, metrics and code."""

from __future__ import annotations

import pytest

from ingest.graph import build_graph
from ingest.papers import build_corpus
from ingest.parse import parse_list

from .conftest import BUNDLED_LIST


@pytest.fixture(scope="module")
def corpus_and_graph(vocab):
    parsed = parse_list(BUNDLED_LIST, vocab)
    corpus = build_corpus(parsed, vocab)
    return parsed, corpus, build_graph(corpus, parsed, vocab)


def papers_by_id(corpus):
    return {p.id: p for p in corpus.papers}


def test_entries_with_the_same_arxiv_id_are_one_paper(corpus_and_graph) -> None:
    _, corpus, graph = corpus_and_graph
    styletalk = papers_by_id(corpus)["2301.01081"]
    assert len(styletalk.entries) == 2  # listed twice, identically, at AAAI2023
    bilayer = papers_by_id(corpus)["2008.10174"]  # once as .../pdf/2008.10174v1.pdf, once as /abs/
    assert len(bilayer.entries) == 2
    assert corpus.entry_to_paper[styletalk.entries[1]] == "2301.01081"
    listed = [target for _, target, kind in graph.out_edges("paper/2301.01081", data="type") if kind == "listed_as"]
    assert len(listed) == 2


def test_a_peer_reviewed_entry_speaks_for_the_work(corpus_and_graph) -> None:
    _, corpus, _ = corpus_and_graph
    makeittalk = papers_by_id(corpus)["2004.12992"]  # Arxiv2020 and SIGGRAPHASIA2020
    assert makeittalk.venue.family == "SIGGRAPHAsia"
    assert len(makeittalk.entries) == 2


def test_papers_without_arxiv_id_get_a_title_slug(corpus_and_graph) -> None:
    _, corpus, _ = corpus_and_graph
    assert "lipformer-high-fidelity-and-generalizable-talking-face-generation-with-a-pre-learned-facial-codebook" in (
        papers_by_id(corpus)
    )


def test_concepts_come_from_keywords_titles_and_sections_with_their_source(corpus_and_graph) -> None:
    _, corpus, graph = corpus_and_graph
    difftalk = papers_by_id(corpus)["2301.03786"]
    sources = {(a.concept, a.source) for a in difftalk.concepts}
    assert ("diffusion", "keywords") in sources
    survey = papers_by_id(corpus)["2205.10839"]
    assert ("survey", "section") in {(a.concept, a.source) for a in survey.concepts}
    assert graph.has_edge("concept/nerf", "concept/3d")
    assert graph.has_edge("concept/stylegan", "concept/gan")


def test_datasets_link_by_column_alias_and_shared_page(corpus_and_graph) -> None:
    _, corpus, graph = corpus_and_graph
    rhythmic = papers_by_id(corpus)["2007.08547"]
    assert set(rhythmic.dataset_ids) == {"crema-d", "grid", "voxceleb", "lrs3"}
    hdtf_paper = next(p for p in corpus.papers if p.title.startswith("Flow-guided One-shot Talking Face"))
    kinds = {kind for _, target, kind in graph.out_edges(f"paper/{hdtf_paper.id}", data="type")
             if target == "dataset/hdtf"}
    assert kinds == {"introduces"}


def test_datasets_list_repeats_share_one_dataset_node(corpus_and_graph) -> None:
    _, corpus, _ = corpus_and_graph
    crema = next(d for d in corpus.datasets if d.id == "crema-d")
    assert len(crema.entries) == 2  # "CREMA-D" and "CREMA-D 2014"


def test_metrics_link_to_the_listed_paper_that_defines_them(corpus_and_graph) -> None:
    _, corpus, graph = corpus_and_graph
    lra = next(m for m in corpus.metrics if m.abbreviation == "LRA")
    assert lra.defined_in == "1804.04786"
    assert graph.has_edge("metric/lra", "paper/1804.04786")


def test_code_repositories_are_nodes(corpus_and_graph) -> None:
    _, _, graph = corpus_and_graph
    assert graph.has_edge("paper/2211.12194", "code/github.com/winfredy/sadtalker")
    assert graph.nodes["code/github.com/winfredy/sadtalker"]["type"] == "code"
