"""Gaps of a list: what it lacks rather than what it gets wrong.

Reads: a build's papers (with `cites` when enrichment ran), datasets, metrics and graph (concept nodes), and the
external references enrichment cached (`external_references.jsonl`), when there are any. Writes: a
`Gaps` record: papers without code; keyword x year and venue x year tables with their empty cells;
datasets no listed paper uses and metrics no paper mentions; and, when citation data exists, candidate
additions (works many listed papers cite that the list lacks) and listed papers isolated from the rest.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from kg.core.model import SOURCE_HOSTS, Dataset, Metric, Paper

NO_CITATIONS = "no citation data cached (run `tfkg ingest` with enrichment to fetch references)"


@dataclass(frozen=True)
class PaperGap:
    """A listed paper named in a gap; code_elsewhere: a code host linked outside the code column."""

    id: str
    title: str
    year: int | None
    venue: str
    entries: tuple[str, ...]
    code_elsewhere: str | None = None


@dataclass(frozen=True)
class YearTable:
    """Counts of papers by a row label and year; empty: the (row, year) cells with no paper."""

    name: str
    years: tuple[int, ...]
    rows: tuple[str, ...]
    counts: dict[str, dict[int, int]]
    empty: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Unused:
    """A dataset or metric of the list that no listed paper uses or mentions."""

    id: str
    label: str
    entries: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    """A work the list lacks, referenced by `len(cited_by)` listed papers."""

    title: str
    year: int | None
    arxiv_id: str | None
    doi: str | None
    s2_id: str | None
    cited_by: tuple[str, ...]


@dataclass(frozen=True)
class Citations:
    """Citation-based gaps; available is False (with note) when no citation data was cached."""

    available: bool
    note: str
    candidates: tuple[Candidate, ...] = ()
    isolated: tuple[PaperGap, ...] = ()


@dataclass(frozen=True)
class Gaps:
    papers_without_code: tuple[PaperGap, ...]
    keyword_by_year: YearTable
    venue_by_year: YearTable
    unused_datasets: tuple[Unused, ...]
    unused_metrics: tuple[Unused, ...]
    metrics_note: str
    citations: Citations


def find_gaps(
    papers: Sequence[Paper],
    datasets: Sequence[Dataset],
    metrics: Sequence[Metric],
    graph: nx.MultiDiGraph,
    external_references: list[dict[str, Any]] | None,
    top: int = 20,
) -> Gaps:
    """The gaps of a build. external_references is None when enrichment cached none."""
    concept_labels = {
        node: data.get("label", node) for node, data in graph.nodes(data=True) if data.get("type") == "concept"
    }
    concepts = {node.removeprefix("concept/") for node in concept_labels} | {c for p in papers for c in p.concept_ids}
    keyword_rows = {
        concept_labels.get(f"concept/{c}", c): [p for p in papers if c in p.concept_ids]
        for c in sorted(concepts, key=lambda c: str(concept_labels.get(f"concept/{c}", c)).lower())
    }
    by_venue: dict[str, list[Paper]] = {}
    for paper in papers:
        by_venue.setdefault(paper.venue.family or "(no venue)", []).append(paper)
    venue_rows = dict(sorted(by_venue.items(), key=lambda item: (-len(item[1]), item[0].lower())))
    used = {d for p in papers for d in p.dataset_ids}
    mentioned, note = _mentioned_metrics(papers, metrics)
    return Gaps(
        papers_without_code=tuple(_gap(p, _code_elsewhere(p)) for p in papers if not p.has_code),
        keyword_by_year=_year_table("keyword", keyword_rows, papers),
        venue_by_year=_year_table("venue", venue_rows, papers),
        unused_datasets=tuple(Unused(d.id, d.label, d.entries) for d in datasets if d.id not in used),
        unused_metrics=tuple(Unused(m.id, m.abbreviation, m.entries) for m in metrics if m.id not in mentioned),
        metrics_note=note,
        citations=_citations(papers, external_references, top),
    )


def _gap(paper: Paper, code_elsewhere: str | None = None) -> PaperGap:
    return PaperGap(paper.id, paper.title, paper.year, paper.venue.label, paper.entries, code_elsewhere)


def _code_elsewhere(paper: Paper) -> str | None:
    """A code host the paper links outside its code column (often the project column)."""
    return next((link.url for link in paper.links if link.kind in SOURCE_HOSTS), None)


def _year_table(name: str, rows: dict[str, list[Paper]], papers: Sequence[Paper]) -> YearTable:
    known = [p.year for p in papers if p.year]
    years = tuple(range(min(known), max(known) + 1)) if known else ()
    counts = {label: dict(Counter(p.year for p in members if p.year)) for label, members in rows.items()}
    empty = tuple((label, year) for label in rows for year in years if not counts[label].get(year))
    return YearTable(name, years, tuple(rows), counts, empty)


def _mentioned_metrics(papers: Sequence[Paper], metrics: Sequence[Metric]) -> tuple[set[str], str]:
    """Metrics a paper defines (metrics table reference) or names in its title, abstract or TL;DR."""
    texts = [" ".join(filter(None, (p.title, p.abstract, p.tldr))) for p in papers]
    with_abstract = sum(bool(p.abstract) for p in papers)
    mentioned = set()
    for metric in metrics:
        names = [re.escape(n) for n in (metric.abbreviation, metric.name) if n]
        pattern = re.compile(rf"(?<![\w-])(?:{'|'.join(names)})(?![\w-])", re.IGNORECASE) if names else None
        if metric.defined_in or (pattern and any(pattern.search(text) for text in texts)):
            mentioned.add(metric.id)
    note = f"searched titles, and abstracts of {with_abstract} of {len(papers)} papers"
    return mentioned, note


def _citations(papers: Sequence[Paper], external: list[dict[str, Any]] | None, top: int) -> Citations:
    cites = [(paper.id, cited) for paper in papers for cited in paper.cites]
    if not external and not cites:  # an empty file (an offline ingest) holds no citation data either
        return Citations(False, NO_CITATIONS)
    candidates = sorted(
        (
            Candidate(
                title=str(ref.get("title") or ""),
                year=ref.get("year"),
                arxiv_id=ref.get("arxiv_id"),
                doi=ref.get("doi"),
                s2_id=ref.get("s2_id"),
                cited_by=tuple(ref.get("cited_by") or ()),
            )
            for ref in external or []
        ),
        key=lambda c: (-len(c.cited_by), c.title.lower()),
    )[:top]
    linked = {node for edge in cites for node in edge}
    isolated = tuple(_gap(p) for p in papers if p.id not in linked)
    note = f"{len(cites)} citations among listed papers, {len(external or [])} referenced works not listed"
    return Citations(True, note, tuple(candidates), isolated)
