"""Facets: the values papers have for year, venue, venue kind, keyword, dataset, has-code, author and
topic (the list's own topic headings),
hard filters on them, and counts of them over a set of papers (as datasette shows beside a table).

Reads: papers and the vocabulary. Writes nothing. Each facet is one small `Facet` implementation
that says which values a paper has and how a user's spelling ("nerf", "cvpr", "HDTF") names one of
them; `FacetTable` holds every paper's values as arrays, so filtering and counting stay vectorised
at 100,000 papers. Within a facet, the venue, venue-kind, topic and year filters keep papers with any
of the given values; keyword, dataset and author filters keep papers with all of them. A keyword
includes its narrower concepts: `3d` keeps NeRF papers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from kg.core.errors import UserError
from kg.core.model import Paper
from kg.core.vocab import Vocabulary, normalise_text

YEAR_RANGE = re.compile(r"^\s*(\d{4})\s*(?:(?:-|–|\.\.|to)\s*(\d{4})\s*)?$")


class FilterError(UserError):
    """A filter value that names nothing in the build, or a malformed one."""


@dataclass(frozen=True)
class Filters:
    """Hard constraints on search results; an empty Filters keeps every paper.

    years: an inclusive (first, last) range; venues: venue families ("CVPR"); venue_kinds:
    conference, journal, preprint, workshop...; keywords: concept ids or labels ("nerf", "one shot");
    datasets: dataset ids or names ("HDTF"); has_code: True keeps papers with a code link, False
    those without; authors: author names; topics: the list's topic headings ("Segmentation"). Values may
    be spelled as a user would: `FacetTable.resolve` turns them into the build's values or raises a
    FilterError listing the values that exist.
    """

    years: tuple[int, int] | None = None
    venues: tuple[str, ...] = ()
    venue_kinds: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    has_code: bool | None = None
    authors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.years is not None and self.years[0] > self.years[1]:
            first, last = self.years
            raise FilterError(f"year range {first}-{last} is backwards; write {last}-{first}")

    @property
    def is_empty(self) -> bool:
        return self == Filters()

    def to_json(self) -> dict[str, Any]:
        """The filters as the JSON output documents them: only the ones that are set."""
        data: dict[str, Any] = {}
        if self.years is not None:
            data["year"] = list(self.years)
        for name in VALUE_FIELDS:
            if getattr(self, name):
                data[name] = list(getattr(self, name))
        if self.has_code is not None:
            data["has_code"] = self.has_code
        return data


def parse_years(text: str) -> tuple[int, int]:
    """"2022" -> (2022, 2022); "2020-2022" -> (2020, 2022). Raises FilterError on anything else."""
    match = YEAR_RANGE.match(text)
    if not match:
        raise FilterError(f"year {text!r} is not a year or a range; write 2022 or 2020-2022")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if first > last:
        raise FilterError(f"year range {text.strip()} is backwards; write {last}-{first}")
    return first, last


class Facet:
    """One facet: the values a paper has for it, and how a user's spelling names one of them.

    name: the key in facet counts; field: the Filters field it reads; match_all: whether a paper
    must have all of the selected values (many-valued facets) or any of them.
    """

    name: ClassVar[str]
    field: ClassVar[str]
    match_all: ClassVar[bool] = False
    empty_hint: ClassVar[str] = ""
    """Said when no paper has any value for this facet."""

    def values(self, paper: Paper, vocab: Vocabulary) -> Iterable[str]:
        """The values of this facet for one paper."""
        raise NotImplementedError

    def canonical(self, wanted: str, vocab: Vocabulary) -> str:
        """A user's spelling of a value, as this facet's values are written (exact match is tried first)."""
        return wanted

    def selected(self, filters: Filters) -> tuple[str, ...]:
        """The raw values the filters select on this facet."""
        return tuple(getattr(filters, self.field))

    def in_vocabulary(self, value: str, vocab: Vocabulary) -> bool:
        """Whether a canonical value is known to the vocabulary, even if no paper has it."""
        return False


class YearFacet(Facet):
    name = "year"
    field = "years"

    def values(self, paper: Paper, vocab: Vocabulary) -> Iterable[str]:
        return (str(paper.year),) if paper.year else ()

    def selected(self, filters: Filters) -> tuple[str, ...]:
        return ()  # a year range selects whatever years exist in it; see FacetTable.mask


class VenueFacet(Facet):
    name = "venue"
    field = "venues"

    def values(self, paper: Paper, vocab: Vocabulary) -> Iterable[str]:
        return (paper.venue.family,) if paper.venue.family else ()

    def canonical(self, wanted: str, vocab: Vocabulary) -> str:
        family = vocab.venue_family(wanted)
        return family.id if family else wanted


class VenueKindFacet(Facet):
    name = "venue_kind"
    field = "venue_kinds"

    def values(self, paper: Paper, vocab: Vocabulary) -> Iterable[str]:
        return (paper.venue.kind,)

    def canonical(self, wanted: str, vocab: Vocabulary) -> str:
        return wanted.strip().lower()


class KeywordFacet(Facet):
    """A paper has its concepts and every concept above them, so a keyword includes its narrower ones."""

    name = "keyword"
    field = "keywords"
    match_all = True

    def values(self, paper: Paper, vocab: Vocabulary) -> Iterable[str]:
        found: dict[str, None] = {}
        for concept_id in paper.concept_ids:
            while concept_id and concept_id not in found:
                found[concept_id] = None
                concept = vocab.concepts.get(concept_id)
                concept_id = concept.broader if concept else None
        return found

    def canonical(self, wanted: str, vocab: Vocabulary) -> str:
        return vocab.concept_id(wanted) or wanted

    def in_vocabulary(self, value: str, vocab: Vocabulary) -> bool:
        return value in vocab.concepts


class DatasetFacet(Facet):
    name = "dataset"
    field = "datasets"
    match_all = True

    def values(self, paper: Paper, vocab: Vocabulary) -> Iterable[str]:
        return paper.dataset_ids

    def canonical(self, wanted: str, vocab: Vocabulary) -> str:
        return vocab.dataset_id(wanted)

    def in_vocabulary(self, value: str, vocab: Vocabulary) -> bool:
        return value in vocab.datasets


class HasCodeFacet(Facet):
    name = "has_code"
    field = "has_code"

    def values(self, paper: Paper, vocab: Vocabulary) -> Iterable[str]:
        return ("true" if paper.has_code else "false",)

    def selected(self, filters: Filters) -> tuple[str, ...]:
        return () if filters.has_code is None else ("true" if filters.has_code else "false",)


class AuthorFacet(Facet):
    name = "author"
    field = "authors"
    match_all = True
    empty_hint = " (authors come from enrichment)"

    def values(self, paper: Paper, vocab: Vocabulary) -> Iterable[str]:
        return dict.fromkeys(author.name for author in paper.authors)

    def canonical(self, wanted: str, vocab: Vocabulary) -> str:
        return " ".join(wanted.split())


class TopicFacet(Facet):
    """The topic headings a list files a paper under ("### Segmentation"); any of several."""

    name = "topic"
    field = "topics"
    empty_hint = " (the list has no topic headings)"

    def values(self, paper: Paper, vocab: Vocabulary) -> Iterable[str]:
        return paper.topics

    def canonical(self, wanted: str, vocab: Vocabulary) -> str:
        return " ".join(wanted.split())


FACETS: tuple[Facet, ...] = (
    YearFacet(), VenueFacet(), VenueKindFacet(), KeywordFacet(), DatasetFacet(), HasCodeFacet(), AuthorFacet(),
    TopicFacet(),
)
VALUE_FIELDS: tuple[str, ...] = tuple(facet.field for facet in FACETS if facet.field not in ("years", "has_code"))
"""The fields of Filters that hold values to match, any of or all of them (venues, keywords, topics...)."""


@dataclass
class _Column:
    """One facet's values for every paper, as parallel arrays (one item per paper-value pair)."""

    values: list[str]
    rows: np.ndarray
    value_ids: np.ndarray
    index: dict[str, int] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)
    """normalised spelling -> value, to resolve "cvpr" or "Hdtf" without the vocabulary."""


class FacetTable:
    """Every facet value of a fixed list of papers, for fast filtering and counting."""

    def __init__(self, papers: Sequence[Paper], vocab: Vocabulary, facets: Sequence[Facet] = FACETS) -> None:
        self.papers = papers
        self.vocab = vocab
        self.facets = tuple(facets)
        self._columns: dict[str, _Column] = {}
        for facet in self.facets:
            index: dict[str, int] = {}
            rows: list[int] = []
            value_ids: list[int] = []
            for row, paper in enumerate(papers):
                for value in facet.values(paper, vocab):
                    rows.append(row)
                    value_ids.append(index.setdefault(value, len(index)))
            self._columns[facet.name] = _Column(
                values=list(index),
                rows=np.asarray(rows, dtype=np.int64),
                value_ids=np.asarray(value_ids, dtype=np.int64),
                index=index,
                by_key={normalise_text(value): value for value in index},
            )

    def _resolve_value(self, facet: Facet, wanted: str) -> str:
        column = self._columns[facet.name]
        canonical = facet.canonical(wanted, self.vocab)
        for candidate in (wanted, canonical):
            if candidate in column.index:
                return candidate
            by_key = column.by_key.get(normalise_text(candidate))
            if by_key is not None:
                return by_key
        if facet.in_vocabulary(canonical, self.vocab):
            return canonical  # a value the vocabulary knows but no paper has: no results, not an error
        raise FilterError(self._unknown_message(facet, wanted))

    def _unknown_message(self, facet: Facet, wanted: str) -> str:
        column = self._columns[facet.name]
        label = facet.name.replace("_", " ")
        if not column.values:
            return f"unknown {label} {wanted!r}: no paper in this build has a value for {label}{facet.empty_hint}"
        counts = self.counts(None)[facet.name]
        near = process.extract(wanted, column.values, scorer=fuzz.WRatio, processor=default_process, limit=3,
                               score_cutoff=70)
        close = [match[0] for match in near]
        listed = ", ".join(list(counts)[:40]) + (f" and {len(counts) - 40} more" if len(counts) > 40 else "")
        suggestion = f" (did you mean {' or '.join(close)}?)" if close else ""
        return f"unknown {label} {wanted!r}{suggestion}; values in this build: {listed}"

    def resolve(self, filters: Filters) -> Filters:
        """The filters with every value spelled as the build spells it ("cvpr" -> "CVPR", "one shot" ->
        "one-shot"); raises FilterError naming the values that exist when one names nothing."""
        resolved: dict[str, Any] = {}
        for facet in self.facets:
            if facet.field in ("years", "has_code"):
                continue
            values = tuple(getattr(filters, facet.field))
            resolved[facet.field] = tuple(dict.fromkeys(self._resolve_value(facet, v) for v in values))
        return Filters(years=filters.years, has_code=filters.has_code, **resolved)

    def mask(self, filters: Filters) -> np.ndarray:
        """A boolean array, True for each paper that passes the (resolved) filters."""
        keep = np.ones(len(self.papers), dtype=bool)
        if filters.years is not None:
            column = self._columns["year"]
            first, last = filters.years
            wanted = [column.index[v] for v in column.values if first <= int(v) <= last]
            keep &= self._rows_with(column, wanted)
        for facet in self.facets:
            selected = facet.selected(filters)
            if not selected:
                continue
            column = self._columns[facet.name]
            ids = [column.index[v] for v in selected if v in column.index]
            if facet.match_all:
                for value_id in ids:
                    keep &= self._rows_with(column, [value_id])
                if len(ids) < len(selected):
                    keep[:] = False  # a value known to the vocabulary that no paper has
            else:
                keep &= self._rows_with(column, ids)
        return keep

    def _rows_with(self, column: _Column, value_ids: list[int]) -> np.ndarray:
        hits = np.zeros(len(self.papers), dtype=bool)
        if value_ids:
            hits[column.rows[np.isin(column.value_ids, value_ids)]] = True
        return hits

    def counts(self, rows: np.ndarray | None, size: int | None = None) -> dict[str, dict[str, int]]:
        """Facet counts over the papers at `rows` (indices or a boolean mask; None: all papers).

        Values are ordered by count (years by year, newest first); size keeps the first `size` of each.
        """
        selected = np.ones(len(self.papers), dtype=bool)
        if rows is not None:
            rows = np.asarray(rows)
            selected = rows if rows.dtype == bool else np.isin(np.arange(len(self.papers)), rows)
        result: dict[str, dict[str, int]] = {}
        for facet in self.facets:
            column = self._columns[facet.name]
            tally = np.bincount(column.value_ids[selected[column.rows]], minlength=len(column.values))
            present = [(column.values[i], int(n)) for i, n in enumerate(tally) if n]
            if facet.name == "year":
                present.sort(key=lambda item: -int(item[0]))
            else:
                present.sort(key=lambda item: (-item[1], item[0].lower()))
            result[facet.name] = dict(present[:size] if size else present)
        return result


def filter_papers(papers: Sequence[Paper], filters: Filters, vocab: Vocabulary) -> list[Paper]:
    """The papers that pass the filters, in their order. Raises FilterError on a value that names
    nothing in these papers (the message lists the values that exist)."""
    table = FacetTable(papers, vocab)
    keep = table.mask(table.resolve(filters))
    return [paper for paper, kept in zip(papers, keep, strict=True) if kept]


def facet_counts(papers: Sequence[Paper], vocab: Vocabulary) -> dict[str, dict[str, int]]:
    """How many of the papers have each value of each facet: year, venue, venue_kind, keyword (a
    concept counts its narrower concepts' papers too), dataset, has_code, author, topic."""
    return FacetTable(papers, vocab).counts(None)
