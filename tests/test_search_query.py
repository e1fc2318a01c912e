"""Query understanding: concepts, venues, years and datasets named in a query, in the spellings users
type, and queries with control characters, great length or negations."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.lexical import matched_words, tokenize
from kg.core.vocab import Vocabulary
from kg.search.query import EARLIEST_YEAR, LATEST_YEAR, MAX_QUERY_CHARS, list_venue_acronyms, understand

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("query", ["one shot", "oneshot", "One-Shot", "ONE_SHOT talking heads", "single image"])
def test_spelling_variants_of_a_concept_name_it(query: str, vocab: Vocabulary) -> None:
    assert [c.id for c in understand(query, vocab).concepts] == ["one-shot"]


def test_concepts_are_found_case_insensitively_in_order(vocab: Vocabulary) -> None:
    intent = understand("Nerf with diffusion and EMOTION", vocab)
    assert [c.id for c in intent.concepts] == ["nerf", "diffusion", "emotion"]
    assert intent.constraints == ("NeRF", "diffusion", "emotion")


@pytest.mark.parametrize("query", ["CVPR 2023 nerf", "cvpr2023 nerf", "CVPR'23 nerf", "nerf CVPR 2023"])
def test_a_venue_and_year_become_soft_constraints_and_leave_the_text(query: str, vocab: Vocabulary) -> None:
    intent = understand(query, vocab)
    assert intent.venues == ("CVPR",)
    assert intent.years == (2023, 2023)
    assert intent.text == "nerf"


def test_a_bare_year_and_a_year_range_are_understood(vocab: Vocabulary) -> None:
    assert understand("emotion 2021", vocab).years == (2021, 2021)
    intent = understand("lip sync from 2020-2022", vocab)
    assert intent.years == (2020, 2022)
    assert intent.text == "lip sync from"


@pytest.mark.parametrize(("query", "years", "text"), [
    ("emotion since 2022", (2022, LATEST_YEAR), "emotion"),
    ("nerf after 2021", (2022, LATEST_YEAR), "nerf"),
    ("from 2021 on nerf", (2021, LATEST_YEAR), "nerf"),
    ("2021+ diffusion", (2021, LATEST_YEAR), "diffusion"),
    ("lip sync before 2020", (EARLIEST_YEAR, 2019), "lip sync"),
    ("gan 2019 and earlier", (EARLIEST_YEAR, 2019), "gan"),
    ("talking faces from 2021", (2021, 2021), "talking faces from"),  # "from 2021" alone is that year
])
def test_an_open_year_range_is_understood(query: str, years: tuple[int, int], text: str, vocab: Vocabulary) -> None:
    intent = understand(query, vocab)
    assert (intent.years, intent.text) == (years, text)


@pytest.mark.parametrize(("query", "kinds", "has_code", "text"), [
    ("journal papers on lip sync", ("journal",), None, "on lip sync"),
    ("arxiv preprints on 3d avatars", ("preprint",), None, "on 3d avatars"),
    ("workshop papers about talking heads", ("workshop",), None, "about talking heads"),
    ("talking heads at a top conference", ("conference",), None, "talking heads"),
    ("video conferencing compression", (), None, "video conferencing compression"),  # a topic, not a kind
    ("nerf papers with code", (), True, "nerf papers"),
    ("open-source one-shot models", (), True, "one-shot models"),
    ("lip sync without code", (), False, "lip sync"),
    ("latent code editing", (), None, "latent code editing"),  # a latent code is a topic of the field
])
def test_kinds_of_venue_and_code_are_understood(query: str, kinds: tuple[str, ...], has_code: bool | None, text: str,
                                                vocab: Vocabulary) -> None:
    intent = understand(query, vocab)
    assert (intent.venue_kinds, intent.has_code, intent.text) == (kinds, has_code, text)


def test_facet_words_are_named_in_the_constraints(vocab: Vocabulary) -> None:
    assert understand("journal nerf with code since 2021", vocab).constraints == (
        "NeRF", "2021 or later", "journal", "code")
    assert understand("recent nerf", vocab).recent


def test_recent_in_a_concept_phrase_asks_for_no_years(tmp_path: Path) -> None:
    for name in ("venues.toml", "datasets.toml"):
        (tmp_path / name).write_text((ROOT / "data" / name).read_text())
    (tmp_path / "concepts.toml").write_text('[survey]\nlabel = "survey"\nhidden = ["recent advances"]\n')
    intent = understand("recent advances in talking heads", Vocabulary.load(tmp_path))
    assert [c.id for c in intent.concepts] == ["survey"] and not intent.recent
    assert intent.text == "recent advances in talking heads"


def test_a_hidden_label_names_a_concept_in_a_query_but_never_tags_a_paper(tmp_path: Path) -> None:
    for name in ("venues.toml", "datasets.toml"):
        (tmp_path / name).write_text((ROOT / "data" / name).read_text())
    (tmp_path / "concepts.toml").write_text('[one-shot]\nlabel = "one-shot"\nhidden = ["still picture"]\n')
    vocab = Vocabulary.load(tmp_path)
    assert [c.id for c in understand("make a still picture speak", vocab).concepts] == ["one-shot"]
    assert understand("talking heads without a still picture", vocab).text == "talking heads"
    assert vocab.concepts_in("Animating a Still Picture with Speech") == []


@pytest.mark.parametrize(("query", "kinds"), [
    ("surveys of lip sync", ("survey",)),
    ("is there a review of talking head generation?", ("survey",)),
    ("evaluation metrics for lip sync", ()),  # a hidden label of survey: too loose to ask for surveys
    ("lip sync with a transformer", ()),
])
def test_a_kind_of_work_named_by_its_label_is_asked_for(query: str, kinds: tuple[str, ...], vocab: Vocabulary) -> None:
    intent = understand(query, vocab)
    assert intent.work_kinds == kinds
    assert "survey" in [c.id for c in intent.concepts] or not kinds


def test_a_venue_acronym_of_the_list_that_the_vocabulary_lacks_is_understood(vocab: Vocabulary) -> None:
    venues = list_venue_acronyms(["ISBI", "MIDL", "Journal of Imaging", "CVPR", "Med"], vocab)
    assert venues == {"isbi": "ISBI", "midl": "MIDL"}  # known, long and one-capital names left out
    intent = understand("diffusion anomaly detection isbi 2023", vocab, list_venues=venues)
    assert (intent.venues, intent.years, intent.text) == (("ISBI",), (2023, 2023), "diffusion anomaly detection")
    assert understand("diffusion anomaly detection isbi", vocab).venues == ()


def test_a_lowercase_english_word_that_is_also_a_venue_alias_is_not_a_venue(vocab: Vocabulary) -> None:
    assert understand("a tip for audio driven heads", vocab).venues == ()
    assert understand("TIP 2022 emotion", vocab).venues == ("TIP",)
    assert understand("ACM MM dubbing", vocab).venues == ("ACMMM",)


def test_a_dataset_name_is_understood(vocab: Vocabulary) -> None:
    assert understand("results on HDTF", vocab).datasets == ("hdtf",)


def test_the_plural_of_a_one_word_concept_label_names_it(vocab: Vocabulary) -> None:
    assert [c.id for c in understand("what surveys exist on talking heads?", vocab).concepts] == ["survey"]
    assert [c.id for c in understand("landmarks", vocab, lambda word: True).concepts] == ["landmark"]


def test_what_a_query_excludes_is_left_out(vocab: Vocabulary) -> None:
    intent = understand("talking heads from text instead of audio", vocab)
    assert intent.text == "talking heads from text"
    assert any("'instead of audio' was left out" in note for note in intent.notes)
    assert [c.id for c in understand("nerf without lip sync", vocab).concepts] == ["nerf"]


@pytest.mark.parametrize(("query", "keywords"), [
    ("nerf lip sync 2023", True),  # venue and year words are not content words
    ("one-shot diffusion emotion", True),
    ("emotion talking faces", False),  # "talking faces" is no concept: the query asks for more than emotion
    ("which papers use a diffusion model?", True),  # question words are not content words
    ("controlling the emotion of a speaker in a generated video", False),
    ("faces that speak", False),  # no concept
])
def test_a_query_made_of_its_concepts_is_a_query_of_keywords(query: str, keywords: bool, vocab: Vocabulary) -> None:
    assert understand(query, vocab).is_keywords is keywords


def test_the_words_of_the_whole_lists_subject_do_not_count_against_a_query_of_keywords(vocab: Vocabulary) -> None:
    def subject(word: str) -> bool:
        return word in {"talking", "head", "faces"}

    assert not understand("emotion talking faces", vocab).is_keywords
    intent = understand("emotion talking faces", vocab, is_subject=subject)
    assert intent.subject_words == ("talking", "faces") and intent.is_keywords
    assert not understand("talking head", vocab, is_subject=subject).is_keywords  # it names no concept


def test_control_characters_are_ignored_with_a_note(vocab: Vocabulary) -> None:
    intent = understand("talking\x00 face\x1b[31m\tnerf\r\n", vocab)
    assert intent.raw == "talking face [31m nerf"
    assert intent.notes == ("control characters in the query were ignored",)


def test_a_very_long_query_is_cut_with_a_note(vocab: Vocabulary) -> None:
    intent = understand("talking face " * 800, vocab)
    assert len(intent.raw) <= MAX_QUERY_CHARS
    assert intent.notes and "cut from 10399 to" in intent.notes[0]


def test_a_query_of_spaces_and_control_characters_is_empty(vocab: Vocabulary) -> None:
    assert understand(" \x07\t ", vocab).is_empty


def test_bm25_tokens_are_stemmed_and_drop_question_words() -> None:
    assert tokenize("Which papers use emotional talking faces?") == ["emot", "talk", "face"]
    assert matched_words("emotional faces", "Emotion-aware face animation") == ["emotional", "faces"]


QUERY_WORDS = st.sampled_from(["since", "after", "before", "until", "from", "on", "2019", "2021", "2023+", "and",
                               "later", "journal", "papers", "with", "without", "code", "open", "source", "recent",
                               "latest", "conference", "at", "a", "nerf", "lip", "sync", "single", "photo", "CVPR",
                               "instead", "of", "audio", "surveys", "'23", "-", "github"])


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.one_of(QUERY_WORDS, st.text(max_size=8)), max_size=12))
def test_any_query_is_understood_into_well_formed_constraints(words: list[str], vocab: Vocabulary) -> None:
    intent = understand(" ".join(words), vocab)
    assert len(intent.text) <= len(intent.raw)  # understanding only takes words out
    if intent.years is not None:
        first, last = intent.years
        assert EARLIEST_YEAR <= first <= last <= LATEST_YEAR
    assert set(intent.venue_kinds) <= {"conference", "journal", "preprint", "workshop"}
