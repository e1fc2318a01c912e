"""A misspelt query word is read as the list's word it stands for, and says so; real words, acronyms and
the vocabulary's names are left as they are."""

from __future__ import annotations

import pytest

from kg.core.vocab import Vocabulary
from kg.search.query import understand
from kg.search.search import Searcher
from kg.search.spelling import Speller

WORDS = {"radiance": 12, "talking": 90, "sync": 30, "start": 5, "strap": 1, "segmentation": 8, "dpm": 2}


@pytest.mark.parametrize(("typed", "meant"), [
    ("radience", "radiance"),   # a letter replaced
    ("talkng", "talking"),      # a letter left out
    ("segmentaton", "segmentation"),
    ("snyc", "sync"),           # two letters swapped: the one change a short word may have
    ("strat", "start"),         # of two words one edit away, the more frequent
    ("Radience", "radiance"),
])
def test_a_typo_of_a_list_word_is_read_as_it(typed: str, meant: str) -> None:
    assert Speller(WORDS).correct(typed) == meant


@pytest.mark.parametrize("word", [
    "cartoon",   # an English word the list lacks is no typo
    "ddpm",      # a short word is not another one letter away ("dpm"): it is likely an acronym
    "radiance",  # a word of the list
    "zzzzzz",    # nothing near
    "wav2lip",   # not only letters
])
def test_words_that_are_no_typos_are_left_alone(word: str) -> None:
    assert Speller(WORDS).correct(word) is None


def test_understanding_a_query_reads_its_typos_and_notes_them(vocab: Vocabulary) -> None:
    intent = understand("neural radience fields", vocab, respell=Speller(WORDS).correct)
    assert intent.text == "neural radiance fields" and [c.id for c in intent.concepts] == ["nerf"]
    assert intent.notes == ("read 'radience' as 'radiance'",)
    assert understand("lipsync without radience", vocab, respell=Speller(WORDS).correct).notes == (
        "'without radience' was left out: tfkg does not search for what a query excludes",)  # excluded first


def test_a_search_with_a_typo_finds_what_the_word_would(searcher: Searcher) -> None:
    typo, right = searcher.search("neural radience fields", top=5), searcher.search("neural radiance fields", top=5)
    assert [r.paper.id for r in typo.results] == [r.paper.id for r in right.results]
    assert "read 'radience' as 'radiance'" in typo.notes


def test_a_misspelt_concept_label_is_respelt_and_names_its_concept(searcher: Searcher) -> None:
    intent = searcher.understand("difusion talking faces")
    assert [c.id for c in intent.concepts] == ["diffusion"] and "read 'difusion' as 'diffusion'" in intent.notes
    assert searcher.understand("motion").concepts == ()  # a word of the papers, not a typo of "emotion"
