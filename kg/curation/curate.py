"""`tfkg curate`: a curator's report on a list: duplicates, defects and gaps.

Reads: a loaded build (`kg.core.store.load_build`), the list file it was built from (for table columns;
it must be unchanged since the build), `data/venue_months.toml`, and, when present in the build,
`embeddings.npy` (possible duplicates by meaning), `external_references.jsonl` (candidate additions)
and `enrichment.json` (titles fetched through a row's link that are another paper's).
Writes: nothing; `CurationReport.to_json()` and `to_markdown()` are the report. `kg/curation/fix.py` turns a
report into a corrected copy of the list.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from ingest.graph import build_graph
from ingest.papers import build_corpus
from kg.core import settings
from kg.core.errors import UserError
from kg.core.model import Dataset, Metric, Paper, ParsedList
from kg.core.store import Build, read_jsonl
from kg.core.vocab import Vocabulary
from kg.curation.defects import DEFECT_KINDS, Defect, FetchedTitle, find_defects
from kg.curation.duplicates import DuplicateGroup, Thresholds, find_duplicates
from kg.curation.gaps import Gaps, YearTable, find_gaps
from kg.curation.venue_dates import VenueMonths

EMBEDDINGS = "embeddings.npy"
EXTERNAL_REFERENCES = "external_references.jsonl"
ENRICHMENT = "enrichment.json"


@dataclass(frozen=True)
class CurationReport:
    """Everything curation found in one list. notes: what the report could not use, and why."""

    list_file: str
    duplicates: tuple[DuplicateGroup, ...]
    defects: tuple[Defect, ...]
    gaps: Gaps
    notes: tuple[str, ...] = ()

    @property
    def summary(self) -> dict[str, Any]:
        """Counts: duplicate groups (certain / possible, by kind), rows to remove, defects by kind."""
        certain = [g for g in self.duplicates if g.certain]
        return {
            "duplicate_groups": {
                "certain": len(certain),
                "possible": len(self.duplicates) - len(certain),
                "paper": sum(g.kind == "paper" for g in certain),
                "dataset": sum(g.kind == "dataset" for g in certain),
            },
            "duplicate_rows": sum(len(g.members) - 1 for g in certain),
            "defects": {kind: n for kind in DEFECT_KINDS if (n := Counter(d.kind for d in self.defects)[kind])},
            "papers_without_code": len(self.gaps.papers_without_code),
        }

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape: {"list", "summary", "duplicates", "defects", "gaps", "notes"}."""
        return {
            "list": self.list_file,
            "summary": self.summary,
            "duplicates": [_group_json(g) for g in self.duplicates],
            "defects": [dataclasses.asdict(d) for d in self.defects],
            "gaps": _gaps_json(self.gaps),
            "notes": list(self.notes),
        }

    def to_markdown(self) -> str:
        """The report for people: summary, certain and possible duplicates, defects by kind, gaps."""
        return "\n".join(_markdown(self)) + "\n"


def read_list(build: Build) -> tuple[Path, str]:
    """The list file a build was made from and its text; a UserError when it is gone or changed."""
    path = Path(build.manifest.get("inputs", {}).get("list", {}).get("path") or build.parsed.file)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserError(f"{path}: the build's list cannot be read ({error.strerror}); run `tfkg ingest`") from error
    if hashlib.sha256(data).hexdigest() != build.parsed.sha256:
        raise UserError(f"{path}: changed since the build in {build.folder}; run `tfkg ingest` to curate it")
    return path, data.decode("utf-8-sig")


def curate(build: Build, data_dir: Path | None = None, thresholds: Thresholds | None = None) -> CurationReport:
    """The curation report of a build. data_dir holds venue_months.toml (default: the data_dir setting)."""
    months = VenueMonths.load(data_dir or settings.get_path("data_dir"))
    _, text = read_list(build)
    embeddings, notes = _embeddings(build)
    external_path = build.folder / EXTERNAL_REFERENCES
    external = read_jsonl(external_path) if external_path.exists() else None
    return _report(build.parsed, text, build.papers, build.datasets, build.metrics, build.graph, months,
                   embeddings, _fetched_titles(build), external, thresholds or Thresholds(), notes)


def curate_parsed(parsed: ParsedList, text: str, vocab: Vocabulary, data_dir: Path) -> CurationReport:
    """The curation report of a list parsed in memory, with no build: offline, without embeddings
    (no duplicates by meaning) and without enrichment (no fetched titles, no citations)."""
    corpus = build_corpus(parsed, vocab)
    graph = build_graph(corpus, parsed, vocab)
    return _report(parsed, text, corpus.papers, corpus.datasets, corpus.metrics, graph,
                   VenueMonths.load(data_dir), None, [], None, Thresholds(),
                   ["no build: duplicates were not compared by meaning"])


def _report(parsed: ParsedList, text: str, papers: Sequence[Paper], datasets: Sequence[Dataset],
            metrics: Sequence[Metric], graph: nx.MultiDiGraph, months: VenueMonths, embeddings: np.ndarray | None,
            fetched: list[FetchedTitle], external: list[dict[str, Any]] | None, thresholds: Thresholds,
            notes: list[str]) -> CurationReport:
    groups = find_duplicates(parsed.entries, parsed.datasets, papers, months, embeddings, thresholds)
    defects = find_defects(
        parsed.entries, parsed.datasets, parsed.metrics, papers, text.splitlines(), groups, months, fetched
    )
    gaps = find_gaps(papers, datasets, metrics, graph, external)
    return CurationReport(parsed.file, groups, defects, gaps, tuple(notes))


def _fetched_titles(build: Build) -> list[FetchedTitle]:
    """Titles enrichment fetched through rows' links and found to be other papers' (enrichment.json)."""
    path = build.folder / ENRICHMENT
    if not path.exists():
        return []
    try:
        mismatches = json.loads(path.read_text(encoding="utf-8")).get("mismatches", [])
        return [FetchedTitle(m["paper"], m["link"], m["fetched_title"], m["source"]) for m in mismatches]
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise UserError(f"{path}: damaged ({error}); run `tfkg ingest --force`") from error


def _embeddings(build: Build) -> tuple[np.ndarray | None, list[str]]:
    """The build's paper embeddings when they match its papers, else None and why."""
    path = build.folder / EMBEDDINGS
    if not path.exists():
        return None, ["no embeddings in the build: duplicates were not compared by meaning"]
    matrix = np.load(path, allow_pickle=False)
    if matrix.ndim != 2 or matrix.shape[0] != len(build.papers):
        return None, [f"{path}: {matrix.shape[0]} rows for {len(build.papers)} papers; ignored (run `tfkg ingest`)"]
    return matrix.astype(np.float32), []


# -- JSON ------------------------------------------------------------------------------------------


def _group_json(group: DuplicateGroup) -> dict[str, Any]:
    return {
        "kind": group.kind,
        "certain": group.certain,
        "members": [dataclasses.asdict(m) for m in group.members],
        "evidence": [{**dataclasses.asdict(e), "lines": list(e.lines)} for e in group.evidence],
        "conflicts": [
            {"field": c.field, "values": [{"line": line, "value": value} for line, value in c.values]}
            for c in group.conflicts
        ],
        "canonical": {**dataclasses.asdict(group.canonical), "links": list(group.canonical.links)},
    }


def _table_json(table: YearTable) -> dict[str, Any]:
    return {
        "years": list(table.years),
        "rows": {row: {str(y): table.counts[row].get(y, 0) for y in table.years} for row in table.rows},
        "empty_cells": [{"row": row, "year": year} for row, year in table.empty],
    }


def _gaps_json(gaps: Gaps) -> dict[str, Any]:
    citations = gaps.citations
    return {
        "papers_without_code": [dataclasses.asdict(p) for p in gaps.papers_without_code],
        "keyword_by_year": _table_json(gaps.keyword_by_year),
        "venue_by_year": _table_json(gaps.venue_by_year),
        "unused_datasets": [dataclasses.asdict(u) for u in gaps.unused_datasets],
        "unused_metrics": [dataclasses.asdict(u) for u in gaps.unused_metrics],
        "metrics_note": gaps.metrics_note,
        "citations": {
            "available": citations.available,
            "note": citations.note,
            "candidate_additions": [
                {**dataclasses.asdict(c), "cited_by_count": len(c.cited_by)} for c in citations.candidates
            ],
            "isolated": [dataclasses.asdict(p) for p in citations.isolated],
        },
    }


# -- markdown --------------------------------------------------------------------------------------


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _markdown(report: CurationReport) -> list[str]:
    summary = report.summary
    groups = summary["duplicate_groups"]
    out = [
        f"# Curation report: {report.list_file}",
        "",
        f"- duplicate groups: {groups['certain']} certain ({groups['paper']} of papers, {groups['dataset']} of "
        f"datasets; {summary['duplicate_rows']} rows to merge), {groups['possible']} possible",
        f"- defects: {len(report.defects)}"
        + (" (" + ", ".join(f"{k} {n}" for k, n in summary["defects"].items()) + ")" if report.defects else ""),
        f"- papers without code: {summary['papers_without_code']}",
        *[f"- note: {note}" for note in report.notes],
    ]
    for certain, heading in ((True, "Duplicates"), (False, "Possible duplicates")):
        chosen = [g for g in report.duplicates if g.certain == certain]
        out += ["", f"## {heading} ({len(chosen)})", ""]
        out += [line for group in chosen for line in _group_markdown(group)] or ["None found.", ""]
    out += ["", f"## Defects ({len(report.defects)})", ""]
    for kind in DEFECT_KINDS:
        of_kind = [d for d in report.defects if d.kind == kind]
        if of_kind:
            out += [f"### {kind} ({len(of_kind)})", ""]
            out += [f"- {d.file}:{d.line}: {d.detail}" for d in of_kind] + [""]
    if not report.defects:
        out += ["None found.", ""]
    out += _gaps_markdown(report.gaps)
    return out


def _group_markdown(group: DuplicateGroup) -> list[str]:
    first = group.members[0]
    out = [
        f"### {group.kind}: {group.canonical.title or first.title or '(untitled)'}",
        "",
        "| line | title | venue | section |",
        "| --- | --- | --- | --- |",
        *[f"| {m.line} | {_cell(m.title)} | {_cell(m.venue)} | {_cell(m.section)} |" for m in group.members],
        "",
        "Evidence: "
        + "; ".join(
            f"{e.kind} {e.value} (lines {e.lines[0]}, {e.lines[1]})" + ("" if e.strong else " [weak]")
            for e in group.evidence
        ),
    ]
    out += [
        f"Conflict in {c.field}: " + " vs ".join(f"{value} (line {line})" for line, value in c.values)
        for c in group.conflicts
    ]
    canonical = group.canonical
    out += [f"Canonical: line {canonical.line}, {canonical.venue or 'no venue'}: {canonical.reason}", ""]
    return out


def _table_markdown(table: YearTable) -> list[str]:
    out = [
        f"| {table.name} | " + " | ".join(str(y) for y in table.years) + " |",
        "| --- |" + " ---: |" * len(table.years),
    ]
    for row in table.rows:
        counts = table.counts[row]
        out.append(f"| {_cell(row)} | " + " | ".join(str(counts.get(y, "·")) for y in table.years) + " |")
    return [*out, "", f"{len(table.empty)} empty cells (·).", ""]


def _gaps_markdown(gaps: Gaps) -> list[str]:
    out = ["## Gaps", "", f"### Papers without code ({len(gaps.papers_without_code)})", ""]
    for paper in gaps.papers_without_code:
        elsewhere = f" (a code host is linked elsewhere: {paper.code_elsewhere})" if paper.code_elsewhere else ""
        out.append(f"- {paper.entries[0] if paper.entries else paper.id}: {paper.title}{elsewhere}")
    out += ["", "### Keyword x year", "", *_table_markdown(gaps.keyword_by_year)]
    out += ["### Venue x year", "", *_table_markdown(gaps.venue_by_year)]
    out += [f"### Datasets no listed paper uses ({len(gaps.unused_datasets)})", ""]
    out += [f"- {u.label} ({', '.join(u.entries) or 'not in the datasets list'})" for u in gaps.unused_datasets]
    out += ["", f"### Metrics no paper mentions ({len(gaps.unused_metrics)}; {gaps.metrics_note})", ""]
    out += [f"- {u.label} ({', '.join(u.entries)})" for u in gaps.unused_metrics]
    citations = gaps.citations
    out += ["", "### Citations", "", citations.note, ""]
    if citations.available:
        out += [f"Candidate additions ({len(citations.candidates)}):", ""]
        out += [
            f"- {c.title} ({c.year or 'year unknown'}): cited by {len(c.cited_by)} listed papers"
            for c in citations.candidates
        ]
        out += ["", f"Listed papers that cite no listed paper and are cited by none ({len(citations.isolated)}):", ""]
        out += [f"- {p.entries[0] if p.entries else p.id}: {p.title}" for p in citations.isolated]
    return out


def report_json_text(report: CurationReport) -> str:
    """The JSON report as text (UTF-8, indented), as `tfkg curate --json` prints it."""
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False)
