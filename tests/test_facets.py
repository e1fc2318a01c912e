"""Facets and filters over the bundled build: values as users spell them, narrower concepts, counts
that agree with filters, and errors that name the values that exist."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.core.model import Paper
from kg.core.store import load_build
from kg.core.vocab import Vocabulary
from kg.search.facets import FacetTable, FilterError, Filters, facet_counts, filter_papers, parse_years


@pytest.fixture(scope="module")
def papers(bundled_build: Path) -> tuple[Paper, ...]:
    return load_build(bundled_build).papers


def ids(papers: list[Paper]) -> set[str]:
    return {paper.id for paper in papers}


def test_a_keyword_includes_its_narrower_concepts(papers: tuple[Paper, ...], vocab: Vocabulary) -> None:
    three_d = ids(filter_papers(papers, Filters(keywords=("3d",)), vocab))
    nerf = ids(filter_papers(papers, Filters(keywords=("nerf",)), vocab))
    assert nerf and nerf < three_d
    assert "2304.05097" in three_d  # a NeRF paper whose own concepts do not include 3d


def test_facet_counts_agree_with_filtering_on_every_value(papers: tuple[Paper, ...], vocab: Vocabulary) -> None:
    counts = facet_counts(papers, vocab)
    field_of = {"venue": "venues", "venue_kind": "venue_kinds", "keyword": "keywords", "dataset": "datasets"}
    for facet, field in field_of.items():
        for value, count in counts[facet].items():
            assert len(filter_papers(papers, Filters(**{field: (value,)}), vocab)) == count, (facet, value)
    for year, count in counts["year"].items():
        assert len(filter_papers(papers, Filters(years=(int(year), int(year))), vocab)) == count
    assert counts["has_code"]["true"] + counts["has_code"]["false"] == len(papers)


def test_values_are_matched_as_users_spell_them(papers: tuple[Paper, ...], vocab: Vocabulary) -> None:
    table = FacetTable(papers, vocab)
    resolved = table.resolve(Filters(venues=("cvpr", "acm mm"), keywords=("One Shot", "Nerf"), datasets=("HDTF",),
                                     venue_kinds=("Conference",)))
    assert resolved.venues == ("CVPR", "ACMMM")
    assert resolved.keywords == ("one-shot", "nerf")
    assert resolved.datasets == ("hdtf",)
    assert resolved.venue_kinds == ("conference",)


def test_venues_widen_and_keywords_narrow(papers: tuple[Paper, ...], vocab: Vocabulary) -> None:
    cvpr = ids(filter_papers(papers, Filters(venues=("CVPR",)), vocab))
    iccv = ids(filter_papers(papers, Filters(venues=("ICCV",)), vocab))
    assert ids(filter_papers(papers, Filters(venues=("CVPR", "ICCV")), vocab)) == cvpr | iccv
    one_shot = ids(filter_papers(papers, Filters(keywords=("one-shot",)), vocab))
    emotion = ids(filter_papers(papers, Filters(keywords=("emotion",)), vocab))
    both = ids(filter_papers(papers, Filters(keywords=("one-shot", "emotion")), vocab))
    assert both == one_shot & emotion and "2205.15278" in both


def test_filters_combine_across_facets(papers: tuple[Paper, ...], vocab: Vocabulary) -> None:
    kept = filter_papers(papers, Filters(years=(2021, 2022), venues=("CVPR",), has_code=True), vocab)
    assert kept
    assert all(p.venue.family == "CVPR" and 2021 <= (p.year or 0) <= 2022 and p.has_code for p in kept)
    without = filter_papers(papers, Filters(has_code=False), vocab)
    assert all(not p.has_code for p in without)


def test_the_dataset_facet_finds_the_paper_that_introduces_hdtf(papers: tuple[Paper, ...], vocab: Vocabulary) -> None:
    kept = filter_papers(papers, Filters(datasets=("hdtf",)), vocab)
    assert [p.title for p in kept] == [
        "Flow-guided One-shot Talking Face Generation with a High-resolution Audio-visual Dataset"
    ]


def test_a_known_concept_that_no_paper_has_gives_no_papers_not_an_error(papers: tuple[Paper, ...],
                                                                         vocab: Vocabulary) -> None:
    assert filter_papers(papers, Filters(keywords=("gaussian splatting",)), vocab) == []


def test_an_unknown_value_names_the_values_that_exist(papers: tuple[Paper, ...], vocab: Vocabulary) -> None:
    with pytest.raises(FilterError, match=r"unknown venue 'CPVR' \(did you mean CVPR\?\); values in this build: "):
        filter_papers(papers, Filters(venues=("CPVR",)), vocab)
    with pytest.raises(FilterError, match=r"unknown keyword 'nerff' \(did you mean nerf\?\)"):
        filter_papers(papers, Filters(keywords=("nerff",)), vocab)
    with pytest.raises(FilterError, match="unknown venue kind 'magazine'; values in this build: conference"):
        filter_papers(papers, Filters(venue_kinds=("magazine",)), vocab)


def test_an_author_filter_on_a_build_without_authors_says_they_come_from_enrichment(
    papers: tuple[Paper, ...], vocab: Vocabulary
) -> None:
    unenriched = [p for p in papers if not p.authors]
    with pytest.raises(FilterError, match="authors come from enrichment"):
        filter_papers(unenriched, Filters(authors=("Jane Doe",)), vocab)


@pytest.mark.parametrize(("text", "years"), [
    ("2022", (2022, 2022)), ("2020-2022", (2020, 2022)), (" 2020 - 2022 ", (2020, 2022)), ("2020..2022", (2020, 2022)),
])
def test_year_options_are_a_year_or_a_range(text: str, years: tuple[int, int]) -> None:
    assert parse_years(text) == years


@pytest.mark.parametrize("text", ["twenty", "22", "2020-", "2020-2022-2024"])
def test_a_malformed_year_option_says_how_to_write_one(text: str) -> None:
    with pytest.raises(FilterError, match="write 2022 or 2020-2022"):
        parse_years(text)


def test_a_backwards_year_range_is_refused_with_the_right_order() -> None:
    with pytest.raises(FilterError, match="year range 2023-2020 is backwards; write 2020-2023"):
        parse_years("2023-2020")
    with pytest.raises(FilterError, match="backwards"):
        Filters(years=(2023, 2020))


def test_filters_as_json_show_only_what_is_set() -> None:
    assert Filters().to_json() == {}
    assert Filters(years=(2020, 2022), keywords=("nerf",), has_code=False).to_json() == {
        "year": [2020, 2022], "keywords": ["nerf"], "has_code": False,
    }
