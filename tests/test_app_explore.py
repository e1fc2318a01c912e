"""The Explore page and the figures it draws."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.core.store import load_build
from kg.core.vocab import Vocabulary
from kg.search.facets import FacetTable
from tests.app_helpers import assert_no_traceback, open_page
from webapp import figures


@pytest.fixture(scope="module")
def table(bundled_build: Path, vocab: Vocabulary) -> FacetTable:
    return FacetTable(load_build(bundled_build).papers, vocab)


def test_the_explore_page_shows_the_graph_figures(app_build: Path):
    app = open_page("explore")
    assert_no_traceback(app)
    build = load_build(app_build)
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Papers"] == str(len(build.papers))
    assert metrics["Edges"] == str(build.graph.number_of_edges())
    datasets, concepts = (frame.value for frame in app.dataframe)
    assert concepts["label"].iloc[0] == "audio-driven"
    assert datasets["papers"].is_monotonic_decreasing


def test_keyword_year_counts_every_year_with_zeros(table: FacetTable):
    frame = figures.keyword_year(table, ["nerf", "diffusion"])
    years = sorted(int(y) for y in table.counts(None)["year"])
    assert len(frame) == 2 * len(years)
    per_keyword = frame.groupby("keyword")["papers"].sum().to_dict()
    overall = table.counts(None)["keyword"]
    assert per_keyword == {"nerf": overall["nerf"], "diffusion": overall["diffusion"]}
    assert (frame["papers"] == 0).any()


def test_a_keyword_counts_the_papers_of_its_narrower_keywords(table: FacetTable):
    frame = figures.keyword_year(table, ["3d", "nerf"])
    totals = frame.groupby("keyword")["papers"].sum()
    assert totals["3d"] >= totals["nerf"] > 0


def test_most_connected_ranks_nodes_by_distinct_papers(bundled_build: Path):
    graph = load_build(bundled_build).graph
    top = figures.most_connected(graph, "dataset", top=5)
    assert len(top) == 5
    assert list(top["papers"]) == sorted(top["papers"], reverse=True)
    first = top.iloc[0]["node"]
    papers = {n for n in (*graph.successors(first), *graph.predecessors(first)) if n.startswith("paper/")}
    assert top.iloc[0]["papers"] == len(papers)


def test_venues_lists_each_family_with_its_kind(table: FacetTable):
    frame = figures.venues(table)
    kinds = dict(zip(frame["venue"], frame["kind"], strict=True))
    assert kinds["CVPR"] == "conference" and kinds["arXiv"] == "preprint"
    assert frame["papers"].sum() == sum(1 for p in table.papers if p.venue.family)
