"""Lexical retrieval: BM25 (bm25s) over the same paper texts the dense index embeds.

Reads: paper texts (see `ingest/index.py`), or a saved index folder. Writes: `bm25_*.json` and
`bm25_*.npy` in a build folder, in bm25s's own format (JSON and .npy, no pickle). Tokens are
lowercased words with punctuation as spaces ("one-shot" -> "one", "shot"), English and query
stopwords removed, Snowball-stemmed, so "emotional" matches "emotion".
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

from kg.core.vocab import normalise_text

QUERY_STOPWORDS = frozenset({
    "about", "any", "approach", "approaches", "can", "do", "does", "find", "from", "give", "how", "i", "me",
    "method", "methods", "model", "models", "paper", "papers", "show", "some", "that", "use", "uses", "using",
    "want", "we", "what", "which", "who", "work", "works", "you",
})
"""Words of natural questions ("which papers ...") that say nothing about a paper's topic."""

STOPWORDS = frozenset(STOPWORDS_EN) | QUERY_STOPWORDS

FILE_NAMES = {
    "data_name": "bm25_data.npy", "indices_name": "bm25_indices.npy", "indptr_name": "bm25_indptr.npy",
    "vocab_name": "bm25_vocab.json", "params_name": "bm25_params.json", "nnoc_name": "bm25_nonoccurrence.npy",
}
"""bm25s's files, named so that they sit beside the other files of a build folder."""

logging.getLogger("bm25s").setLevel(logging.WARNING)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """The searchable words of a text, unstemmed, in order."""
    return [word for word in normalise_text(text).split() if word not in STOPWORDS and len(word) > 1]


def tokenize(text: str) -> list[str]:
    """The BM25 tokens of a text: searchable words, stemmed."""
    return _stemmer().stemWords(words(text))


class LexicalIndex:
    """A BM25 index with one document per paper, in the order of papers.jsonl."""

    def __init__(self, retriever: bm25s.BM25, count: int) -> None:
        self._retriever = retriever
        self.count = count
        self._shares: dict[str, float] = {}
        """A cache: the share of documents holding each token asked about (at most one entry per token of
        the index), as every query asks it of its words."""

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        retriever = bm25s.BM25()
        retriever.index([tokenize(text) or [""] for text in texts], show_progress=False)
        return cls(retriever, len(texts))

    def save(self, folder: Path) -> None:
        """Write the bm25_* files into folder (normally a build's staging folder, swapped in whole)."""
        self._retriever.save(str(folder), show_progress=False, **FILE_NAMES)

    @classmethod
    def load(cls, folder: Path, count: int) -> LexicalIndex:
        return cls(bm25s.BM25.load(str(folder), allow_pickle=False, show_progress=False, **FILE_NAMES), count)

    def knows(self, word: str) -> bool:
        """Whether a word (any inflection of it) occurs in the indexed texts."""
        return any(token in self._retriever.vocab_dict for token in tokenize(word))

    def document_share(self, word: str) -> float:
        """The share of documents holding the word (any inflection of it): near 1 for the subject of the
        whole list ("talking" in a list of talking-face papers)."""
        for token in tokenize(word):
            if token in self._retriever.vocab_dict and token not in self._shares:
                self._shares[token] = float((self._retriever.get_scores([token]) > 0).mean())
        return max((self._shares[token] for token in tokenize(word) if token in self._shares), default=0.0)

    def scores(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        """For every document: its BM25 score for the query (0 where no token matches), and the
        IDF-weighted share of the query's tokens it contains (0 to 1).

        A token no document contains counts as the rarest, so a query worded unlike the corpus (a
        paraphrase) gives every document a low share, and the hybrid ranker trusts BM25 less."""
        total = np.zeros(self.count, dtype=np.float32)
        covered = np.zeros(self.count, dtype=np.float32)
        weights = 0.0
        for token in dict.fromkeys(tokenize(query)):
            if token not in self._retriever.vocab_dict:
                weights += _idf(self.count, 0.5)
                continue
            # BM25 adds up over query tokens, so one pass per token gives the score and the share
            token_scores = self._retriever.get_scores([token])
            has = token_scores > 0
            weight = _idf(self.count, max(int(has.sum()), 1))
            total += token_scores
            covered += weight * has
            weights += weight
        return total, covered / weights if weights else covered


def _idf(count: int, document_frequency: float) -> float:
    return math.log(1 + count / document_frequency)


def matched_words(query: str, text: str) -> list[str]:
    """The query's words that occur in text (compared by stem), as the query wrote them."""
    stems = set(tokenize(text))
    query_words = list(dict.fromkeys(words(query)))
    return [word for word, stem in zip(query_words, _stemmer().stemWords(query_words), strict=True) if stem in stems]
