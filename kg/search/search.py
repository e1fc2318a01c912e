"""Hybrid paper search over a build: dense + BM25 + query concepts, with filters, facets and explanations.

Reads: a build folder (papers and the index written by `ingest/index.py`), the vocabulary, and the
query encoder (`ingest/query_encoder.py`; loaded on the first query with words, never to re-embed
papers). Writes nothing.

Ranking (measured on the judged set by benchmarks/eval_judged.py, see docs/search.md): a weighted sum of
the BM25 score (as a share of the best one, weighted by how much of the query's wording the best-matching
paper holds: a paraphrase worded unlike the corpus leans on the dense side), the dense similarity (spread
over the dense candidates) and the share of the query's soft constraints (concepts, venue, year,
dataset: see `kg/search/query.py`) a paper meets. Papers that meet every venue, year and dataset the query
names come first, and when the query is made of concepts ("nerf lip sync 2023"; `QueryIntent.is_keywords`)
papers meeting more of them come before those meeting fewer (`Searcher.tiers`).

The result set (its size is `total`, its facet counts `facets`) is every paper that passes the filters and
matches the query: a BM25 hit, a soft constraint met, or one of the DENSE_MATCHES nearest papers with a
similarity of at least DENSE_MIN_SIMILARITY.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from ingest.embed import Embedder
from ingest.index import DenseIndex, check_index, load_dense, load_lexical, paper_text
from ingest.lexical import LexicalIndex, matched_words, words
from ingest.query_encoder import QueryEncoder, load_query_encoder
from kg.core import settings
from kg.core.errors import UserError
from kg.core.model import Paper, Ref
from kg.core.store import Build, load_build
from kg.core.vocab import Vocabulary
from kg.search.facets import FacetTable, Filters
from kg.search.query import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    SUBJECT_SHARE,
    QueryIntent,
    list_venue_acronyms,
    understand,
)
from kg.search.spelling import Speller

DENSE_WEIGHT = 0.5
LEXICAL_WEIGHT = 0.5
COVERAGE_WEIGHT = 0.3
"""Weights of the score's parts, each between 0 and 1 (tuned on the judged dev queries; docs/search.md)."""
DENSE_MIN_SIMILARITY = 0.2
"""Cosine similarity from which one of the DENSE_MATCHES nearest papers is in the result set with
no other match (a nonsense query stays below it; paraphrases of relevant titles score 0.25 to 0.5)."""
DENSE_MATCHES = 50
DENSE_CANDIDATES = 200
FACET_SIZE = 30
SNIPPET_CHARS = 240
NO_FILTERS = Filters()
QUERY_VECTORS_CACHED = 256
RECENT_YEARS = 2
"""The newest years of a build that "recent" or "latest" in a query asks for."""


@dataclass(frozen=True)
class SearchResult:
    """One paper in a response, with why it is there.

    score: the fused score (cosine similarity for `similar`, None in a listing with no query);
    matched: each soft constraint of the query (or each concept of the paper asked about, for
    `similar`) -> whether this paper meets it; words: the query words found in the paper's text;
    scores: the parts of the score.
    """

    paper: Paper
    score: float | None
    matched: dict[str, bool]
    words: tuple[str, ...]
    snippet: str
    scores: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        paper = self.paper
        return {
            "id": paper.id,
            "title": paper.title,
            "year": paper.year,
            "venue": paper.venue.label or None,
            "venue_kind": paper.venue.kind,
            "score": None if self.score is None else round(self.score, 6),
            "entries": [_entry_ref(ref) for ref in paper.entries],
            "matched": self.matched,
            "words": list(self.words),
            "snippet": self.snippet,
            "links": [{"url": link.url, "kind": link.kind, "label": link.label} for link in paper.links],
            "has_code": paper.has_code,
            "scores": {key: round(value, 6) for key, value in self.scores.items()},
        }


def _entry_ref(ref: str) -> dict[str, Any]:
    try:
        where = Ref.parse(ref)
    except ValueError:
        return {"file": ref, "line": None}
    return {"file": where.file, "line": where.line}


@dataclass(frozen=True)
class SearchResponse:
    """Results of one query: the best `top` results of `total` matches, and facet counts of all matches."""

    query: str
    intent: QueryIntent | None
    filters: Filters
    results: tuple[SearchResult, ...]
    total: int
    facets: dict[str, dict[str, int]]
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The documented JSON object: {"query", "understood", "filters", "total", "results", "facets", "notes"}."""
        understood = None
        if self.intent is not None:
            intent = self.intent
            understood = {
                "text": intent.text,
                "concepts": [{"id": c.id, "label": c.label, "words": c.words} for c in intent.concepts],
                "venues": list(intent.venues),
                "years": [None if year in (EARLIEST_YEAR, LATEST_YEAR) else year for year in intent.years]
                if intent.years else None,
                "datasets": list(intent.datasets),
                "venue_kinds": list(intent.venue_kinds),
                "has_code": intent.has_code,
                "work_kinds": list(intent.work_kinds),
            }
        return {
            "query": self.query,
            "understood": understood,
            "filters": self.filters.to_json(),
            "total": self.total,
            "results": [result.to_json() for result in self.results],
            "facets": self.facets,
            "notes": list(self.notes),
        }


class Searcher:
    """A loaded build ready to answer queries; load it once and reuse it (the model loads on first use)."""

    def __init__(self, build: Build, vocab: Vocabulary, model: str | Embedder, dense: DenseIndex,
                 lexical: LexicalIndex) -> None:
        self.build = build
        self.vocab = vocab
        self.papers = build.papers
        self.dense = dense
        self.lexical = lexical
        self.table = FacetTable(self.papers, vocab)
        self._row = {paper.id: row for row, paper in enumerate(self.papers)}
        self._embedder: QueryEncoder | None = model if isinstance(model, Embedder) else None
        self.model_name = model.name if isinstance(model, Embedder) else model
        self.query_vector = lru_cache(maxsize=QUERY_VECTORS_CACHED)(self._encode_query)
        """The normalised vector of a query text; the last QUERY_VECTORS_CACHED are kept, since an app
        reruns the same query on every interaction (`query_vector.cache_clear()` forgets them)."""

    @classmethod
    def load(cls, build: Build | Path, model: str | Embedder | None = None,
             vocab: Vocabulary | None = None) -> Searcher:
        """Load the index of a build (a loaded Build or its folder). model: a model name (default: the
        TFKG_MODEL setting) or a loaded Embedder; an index made with another model raises IndexStale
        saying what to run. Nothing is re-embedded."""
        build = build if isinstance(build, Build) else load_build(build)
        vocab = vocab or Vocabulary.load(settings.get_path("data_dir"))
        wanted = model.name if isinstance(model, Embedder) else (model or settings.get("model"))
        entry = check_index(build.folder, build.manifest, len(build.papers), wanted)
        dense = load_dense(build.folder, entry)
        lexical = load_lexical(build.folder, len(build.papers))
        return cls(build, vocab, model if isinstance(model, Embedder) else wanted, dense, lexical)

    @property
    def embedder(self) -> QueryEncoder:
        """The query encoder, loaded on first use: the build's ONNX export of the model when it has one
        (no torch), else the model itself (see ingest/query_encoder.py)."""
        if self._embedder is None:
            self._embedder = load_query_encoder(self.build.folder, self.build.manifest, self.model_name)
        return self._embedder

    def _encode_query(self, text: str) -> np.ndarray:
        return self.embedder.encode([text])[0]

    def search(self, query: str, filters: Filters = NO_FILTERS, top: int = 20) -> SearchResponse:
        """The best `top` papers for a query among those passing the filters (see the module docstring).

        An empty query lists the papers passing the filters, newest first; an empty query with no
        filters is a UserError, as is a filter value that names nothing in the build."""
        if top < 1:
            raise UserError(f"--top must be at least 1, not {top}")
        intent = self.understand(query)
        if intent.is_empty and filters.is_empty:
            raise UserError("empty query: give words to search for, or a filter such as --year 2022 or --keyword nerf")
        filters = self.table.resolve(filters)
        allowed = self.table.mask(filters)
        if intent.is_empty:
            return self._listing(intent, filters, allowed, top)
        return self._ranked(intent, filters, allowed, top)

    def understand(self, query: str) -> QueryIntent:
        """What a query asks for (kg/search/query.py), with "recent" read as the build's RECENT_YEARS
        newest years."""
        intent = understand(query, self.vocab, self.lexical.knows, self._list_venues,
                            lambda word: self.speller.correct(word),
                            lambda word: self.lexical.document_share(word) >= SUBJECT_SHARE)
        if intent.recent and intent.years is None and self._newest_year is not None:
            intent = replace(intent, years=(self._newest_year - RECENT_YEARS + 1, self._newest_year))
        return intent

    @cached_property
    def _list_venues(self) -> dict[str, str]:
        """The venue acronyms of the build's list that the vocabulary does not know (query.py)."""
        return list_venue_acronyms({paper.venue.family for paper in self.papers if paper.venue.family}, self.vocab)

    @cached_property
    def speller(self) -> Speller:
        """Corrections of misspelt query words against the words of the papers' texts and the concepts'
        one-word labels, made on the first query that has a word no paper has (at 100,000 papers that takes
        a few seconds; the HTTP service makes it when it starts)."""
        counts = Counter(word for paper in self.papers for word in words(paper_text(paper, self.vocab)))
        counts.update(iter(self.vocab.one_word_concepts))  # a concept's label is a word to respell to ("difusion")
        return Speller(counts)

    @cached_property
    def _newest_year(self) -> int | None:
        return max((paper.year for paper in self.papers if paper.year), default=None)

    def _listing(self, intent: QueryIntent, filters: Filters, allowed: np.ndarray, top: int) -> SearchResponse:
        rows = self._newest_first[allowed[self._newest_first]]
        results = tuple(SearchResult(self.papers[r], None, {}, (), self._snippet(r, ())) for r in rows[:top])
        return SearchResponse(intent.raw, intent, filters, results, len(rows),
                              self.table.counts(allowed, FACET_SIZE), intent.notes)

    @cached_property
    def _newest_first(self) -> np.ndarray:
        """Every row, newest paper first, then by title: the order of a listing with no query."""
        titles = sorted(range(len(self.papers)), key=lambda row: self.papers[row].title.lower())
        title_rank = np.empty(len(self.papers), dtype=np.int64)
        title_rank[titles] = np.arange(len(self.papers))
        years = np.array([paper.year or 0 for paper in self.papers], dtype=np.int64)
        return np.lexsort((title_rank, -years))

    @cached_property
    def _listing_position(self) -> np.ndarray:
        """Each row's place in _newest_first: the last tie-break of a ranking."""
        position = np.empty(len(self.papers), dtype=np.int64)
        position[self._newest_first] = np.arange(len(self.papers))
        return position

    def _constraint_masks(self, intent: QueryIntent) -> list[tuple[str, np.ndarray]]:
        """(name, papers meeting it) for each soft constraint of the query, named as intent.constraints."""
        masks = [self.table.mask(Filters(keywords=(c.id,))) for c in intent.concepts]
        masks += [self.table.mask(Filters(venues=(v,))) for v in intent.venues]
        if intent.years:
            masks.append(self.table.mask(Filters(years=intent.years)))
        masks += [self.table.mask(Filters(datasets=(d,))) for d in intent.datasets]
        masks += [self.table.mask(Filters(venue_kinds=(kind,))) for kind in intent.venue_kinds]
        if intent.has_code is not None:
            masks.append(self.table.mask(Filters(has_code=intent.has_code)))
        return list(zip(intent.constraints, masks, strict=True))

    def coverage(self, intent: QueryIntent) -> tuple[np.ndarray, np.ndarray, list[tuple[str, np.ndarray]]]:
        """Per paper: how much of the query's soft constraints it meets, and how many it meets; and the
        constraints, each with the papers meeting it.

        Each constraint met adds its rarity (`_rarity`, as a share of the greatest, log(N + 1)), averaged
        over the query's constraints: as BM25 weighs words, meeting "NeRF" (8 papers of 172) says more than
        meeting "audio-driven" (53), so a broad concept read from a sentence ("from a voice recording")
        cannot outweigh the words a paper shares with the query."""
        constraints = self._constraint_masks(intent)
        count = len(self.papers)
        met = np.zeros(count, dtype=np.float32)
        rarity_met = np.zeros(count, dtype=np.float32)
        for _, mask in constraints:
            met += mask
            rarity_met += mask * (self._rarity(mask) / np.log(count + 1))
        return (rarity_met / len(constraints) if constraints else met), met, constraints

    def _rarity(self, mask: np.ndarray) -> float:
        """The inverse document frequency of the papers meeting a constraint: log((N + 1) / (met + 1))."""
        return float(np.log((len(self.papers) + 1) / (mask.sum() + 1)))

    def tiers(self, intent: QueryIntent, constraints: list[tuple[str, np.ndarray]]) -> np.ndarray:
        """Each paper's tier, higher first, before any score: papers meeting every venue, year, dataset,
        kind of venue, code wish and kind of work ("surveys": `QueryIntent.work_kinds`) the query names are
        above the rest; and when the query is made of its
        concepts (QueryIntent.is_keywords: "nerf lip sync 2023"), papers meeting more of them are above
        those meeting fewer, so complete matches come first, and among papers meeting as many, those
        meeting the rarer ones (by inverse document frequency, as BM25 weighs words) come first. A concept
        read from a sentence ("a speaking avatar that adapts from a few frames") only adds to the score:
        the sentence asks for more than it."""
        structured = [mask for (_, mask), concept in zip(constraints, intent.constraint_is_concept, strict=True)
                      if not concept]
        structured += [self.table.mask(Filters(keywords=(kind,))) for kind in intent.work_kinds]
        concepts_met = np.zeros(len(self.papers), dtype=np.float64)
        if intent.is_keywords:
            concept_masks = [mask for (_, mask), concept in zip(constraints, intent.constraint_is_concept, strict=True)
                             if concept]
            rarity = np.array([self._rarity(mask) for mask in concept_masks])
            met = np.array(concept_masks, dtype=np.float64)
            # the rarity share is below 1 for a partial match, so it only orders papers meeting as many
            concepts_met = met.sum(axis=0) + 0.5 * (rarity @ met) / max(float(rarity.sum()), 1e-9)
        if not structured:
            return concepts_met
        return np.logical_and.reduce(structured) * (len(intent.concepts) + 1) + concepts_met

    def _ranked(self, intent: QueryIntent, filters: Filters, allowed: np.ndarray, top: int) -> SearchResponse:
        count = len(self.papers)
        coverage, met, constraints = self.coverage(intent)
        similarity = np.zeros(count, dtype=np.float32)
        dense_part = np.zeros(count, dtype=np.float32)
        lexical = np.zeros(count, dtype=np.float32)
        lexical_part = np.zeros(count, dtype=np.float32)
        dense_match = np.zeros(count, dtype=bool)
        if intent.text:
            rows, sims = self.dense.search(self.query_vector(intent.text), DENSE_CANDIDATES, allowed)
            similarity[rows] = sims
            dense_part[rows] = _spread(np.asarray(sims, dtype=np.float32))
            dense_match[rows[:DENSE_MATCHES]] = True
            bm25, share = self.lexical.scores(intent.text)
            lexical = np.where(allowed, bm25, 0).astype(np.float32)
            if lexical.max() > 0:
                lexical_part = lexical / lexical.max() * share[allowed].max()
        score = DENSE_WEIGHT * dense_part + LEXICAL_WEIGHT * lexical_part + COVERAGE_WEIGHT * coverage
        dense_match &= similarity >= DENSE_MIN_SIMILARITY
        matches = allowed & ((lexical > 0) | (met > 0) | dense_match)
        rows = np.flatnonzero(matches)
        tier = self.tiers(intent, constraints)[rows]
        order = rows[np.lexsort((self._listing_position[rows], -similarity[rows], -score[rows], -tier))]
        parts = {"coverage": coverage}
        if intent.text:
            parts |= {"dense": similarity, "lexical": lexical}
        results = tuple(self._explained(row, float(score[row]), intent, constraints, parts) for row in order[:top])
        notes = intent.notes + (() if len(rows) else ("nothing matched; try fewer words or fewer filters",))
        return SearchResponse(intent.raw, intent, filters, results, len(rows),
                              self.table.counts(matches, FACET_SIZE), notes)

    def _explained(self, row: int, score: float, intent: QueryIntent, constraints: list[tuple[str, np.ndarray]],
                   parts: dict[str, np.ndarray]) -> SearchResult:
        """A ranked paper with its explanation: constraints met, query words found, a snippet."""
        words = tuple(matched_words(intent.text, paper_text(self.papers[row], self.vocab)))
        return SearchResult(
            paper=self.papers[row],
            score=score,
            matched={name: bool(mask[row]) for name, mask in constraints},
            words=words,
            snippet=self._snippet(row, words),
            scores={name: float(values[row]) for name, values in parts.items()},
        )

    def _snippet(self, row: int, words: Sequence[str]) -> str:
        """The sentence of the abstract (or TL;DR) with most query words, else the paper's keywords."""
        paper = self.papers[row]
        body = paper.abstract or paper.tldr
        if not body:
            labels = [self.vocab.concept_label(c) for c in paper.concept_ids]
            return "Keywords: " + ", ".join(labels) if labels else ""
        sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(body.split())) if s.strip()]
        lowered = [w.lower() for w in words]
        best = max(sentences, key=lambda s: sum(w in s.lower() for w in lowered)) if lowered else sentences[0]
        return best if len(best) <= SNIPPET_CHARS else best[: SNIPPET_CHARS - 1].rsplit(" ", 1)[0] + "…"

    def row_of(self, paper_id: str) -> int:
        """The row of a paper id ("2301.03786" or "paper/2301.03786"); UserError with near ids otherwise."""
        wanted = paper_id.strip().removeprefix("paper/")
        if wanted in self._row:
            return self._row[wanted]
        titles = {paper.title: paper.id for paper in self.papers}
        close = [titles[m[0]] for m in process.extract(wanted, list(titles), scorer=fuzz.WRatio, limit=3,
                                                        score_cutoff=80)]
        close += [m[0] for m in process.extract(wanted, list(self._row), limit=3, score_cutoff=80)]
        hint = f"; did you mean {', '.join(dict.fromkeys(close))}?" if close else ""
        raise UserError(f"no paper with id {wanted!r} in {self.build.folder}{hint} (tfkg search --json shows ids)")

    def similar(self, paper_id: str, top: int = 10, filters: Filters = NO_FILTERS) -> SearchResponse:
        """The papers nearest to one paper by embedding; matched says which of its concepts each shares."""
        row = self.row_of(paper_id)
        filters = self.table.resolve(filters)
        allowed = self.table.mask(filters)
        allowed[row] = False
        rows, sims = self.dense.search(self.dense.vectors[row], top, allowed)
        source = self.papers[row]
        concepts = [(self.vocab.concept_label(c), c) for c in source.concept_ids]
        results = tuple(
            SearchResult(
                paper=self.papers[other],
                score=float(sim),
                matched={label: concept in self.papers[other].concept_ids for label, concept in concepts},
                words=(),
                snippet=self._snippet(other, ()),
                scores={"dense": float(sim)},
            )
            for other, sim in zip(rows, sims, strict=True)
        )
        return SearchResponse(source.id, None, filters, results, len(results),
                              self.table.counts(np.isin(np.arange(len(self.papers)), rows), FACET_SIZE))


def _spread(values: np.ndarray) -> np.ndarray:
    """Values rescaled to 0 (the least) .. 1 (the greatest); all 1 when they are equal."""
    if not values.size:
        return values
    low, high = float(values.min()), float(values.max())
    return (values - low) / (high - low) if high > low else np.ones_like(values)
