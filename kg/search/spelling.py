"""Misspelt query words: a word that neither the list's papers nor an English dictionary know
("radience") is read as the list's word one edit away ("radiance"); of several, the more frequent.

Reads: the word counts of the papers' texts (the searcher gives them). Writes nothing. pyspellchecker
does the work: its English dictionary tells a real word that the list lacks ("cartoon") from a typo, and
its candidates one edit away (a letter deleted, inserted, replaced, or two swapped) among the list's
words give the correction.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from spellchecker import SpellChecker

MIN_LETTERS = 5
"""A shorter word (often an acronym: "ddpm", "gan") is only read as two swapped letters of a list word
("snyc" -> "sync"), never as another word one letter away."""


@lru_cache(maxsize=1)
def _english() -> SpellChecker:
    """pyspellchecker's English dictionary, loaded once (a cache, as it takes a tenth of a second)."""
    return SpellChecker(language="en")


class Speller:
    """Corrections of query words against the words of one list's papers."""

    def __init__(self, word_counts: Mapping[str, int]) -> None:
        self._words = SpellChecker(language=None, distance=1, case_sensitive=False)
        self._words.word_frequency.load_json(dict(word_counts))

    def correct(self, word: str) -> str | None:
        """The list's word a misspelt word stands for, or None when it is no typo of one."""
        word = word.lower()
        if not word.isalpha() or len(word) < 4 or word in self._words or _english().known([word]):
            return None
        fixed = self._words.correction(word)
        if not fixed or fixed == word or (len(word) < MIN_LETTERS and sorted(fixed) != sorted(word)):
            return None
        return fixed
