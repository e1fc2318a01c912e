"""How well tfkg reads and curates lists written by other people, against truth written by reading them.

Reads: the list corpus in tests/fixtures/corpus/ (each `<slug>.md` with its `<slug>.truth.json`, see the
README there). Each list is parsed, grouped into papers, curated (duplicates and defects, offline, no
embeddings) and fixed in memory. Writes: a table per list and overall on stdout (JSON with --json).

Measures, over the truth's paper rows: title, arXiv id, year, venue and code repository accuracy;
paper rows missing (and how many of those were warned about); non-paper rows read as papers; duplicate
precision and recall by pairs of rows; look-alike pairs merged; and what `--fix` lost (arXiv ids, rows
that were not duplicates).

    python benchmarks/corpus_quality.py
    python benchmarks/corpus_quality.py --split test --json
    python benchmarks/corpus_quality.py --list nerf-awesomenerf-awesome-nerf --show titles
"""

from __future__ import annotations

import itertools
import json
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from ingest.parse import parse_text
from kg.core.model import CodeRepo, Entry, ParsedList
from kg.core.settings import DATA_DIR
from kg.core.vocab import Vocabulary
from kg.curation.curate import curate_parsed
from kg.curation.fix import apply_changes, plan_fixes

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
DEFECT_LABELS = CORPUS / "defect_labels.json"
FIELDS = ("title", "arxiv", "year", "venue", "code")


def corpus_lists(split: str | None = None) -> list[str]:
    """Slugs of the corpus lists that have truth, optionally only one split ("dev" or "test")."""
    slugs = []
    for truth in sorted(CORPUS.glob("*.truth.json")):
        slug = truth.name.removesuffix(".truth.json")
        if not (CORPUS / f"{slug}.source.toml").exists():
            continue
        source = tomllib.loads((CORPUS / f"{slug}.source.toml").read_text(encoding="utf-8"))
        if split is None or source.get("split") == split:
            slugs.append(slug)
    return slugs


def same_title(a: str | None, b: str | None) -> bool:
    """Titles compared as a reader would: Unicode forms, quotes, spacing and end punctuation aside."""
    return _title_form(a or "") == _title_form(b or "")


def _title_form(title: str) -> str:
    text = unicodedata.normalize("NFKC", title).replace("’", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.split()).strip(" .,;:")


def code_id(entry: Entry) -> str | None:
    """The code repository tfkg takes for the row (its code links, as the graph and the facets use them), as
    host/owner/repo."""
    for link in entry.code_links:
        repo = CodeRepo.from_link(link)
        if repo:
            return repo.id
    return None


def venue_name(entry: Entry) -> str | None:
    return entry.venue.family


@dataclass
class ListScore:
    """The figures for one list; `misses` holds (field, line, expected, got) for --show."""

    slug: str
    split: str
    counts: dict[str, Any]
    misses: list[tuple[str, int, Any, Any]]


def score_list(slug: str, vocab: Vocabulary) -> ListScore:
    """Parse, curate and fix one corpus list and compare each with its truth."""
    text = (CORPUS / f"{slug}.md").read_text(encoding="utf-8")
    truth = json.loads((CORPUS / f"{slug}.truth.json").read_text(encoding="utf-8"))
    split = tomllib.loads((CORPUS / f"{slug}.source.toml").read_text(encoding="utf-8")).get("split", "dev")
    parsed = parse_text(text, f"{slug}.md", "", vocab)
    by_line = {e.line: e for e in parsed.entries}
    warned = {w.line for w in parsed.warnings}
    counts: dict[str, Any] = {"papers": len(truth["papers"])}
    misses: list[tuple[str, int, Any, Any]] = []
    right = dict.fromkeys(FIELDS, 0)
    missing = missing_warned = 0
    for row in truth["papers"]:
        entry = by_line.get(row["line"])
        if entry is None:
            missing += 1
            missing_warned += row["line"] in warned
            misses.append(("missing", row["line"], row["title"], None))
            continue
        got = {"title": entry.title, "arxiv": entry.arxiv_id, "year": entry.year, "venue": venue_name(entry),
               "code": code_id(entry)}
        for field in FIELDS:
            expected = row.get(field)
            ok = same_title(expected, got[field]) if field == "title" else _same(field, expected, got[field], vocab)
            right[field] += ok
            if not ok:
                misses.append((field, row["line"], expected, got[field]))
    for field in FIELDS:
        counts[field] = _ratio(right[field], len(truth["papers"]))
    counts["missing"] = missing
    counts["missing_warned"] = missing_warned
    others = [r["line"] for key in ("non_papers", "datasets", "metrics") for r in truth.get(key, [])]
    read_as_papers = [line for line in others if line in by_line]
    counts["non_papers"] = len(others)
    counts["non_papers_as_papers"] = len(read_as_papers)
    misses += [("non_paper", line, None, by_line[line].title) for line in read_as_papers]
    counts.update(_curation(parsed, text, truth, vocab, misses))
    return ListScore(slug, split, counts, misses)


def _same(field: str, expected: Any, got: Any, vocab: Vocabulary) -> bool:
    if field == "code":
        return (expected or None) == (got or None)
    if field == "venue":
        if not expected:
            return got is None
        parsed = vocab.parse_venue(str(expected))
        return got is not None and (parsed.family or str(expected)).lower() == str(got).lower()
    return expected == got


def _curation(parsed: ParsedList, text: str, truth: dict[str, Any], vocab: Vocabulary,
              misses: list[tuple[str, int, Any, Any]]) -> dict[str, Any]:
    """Duplicate precision and recall by pairs, look-alikes merged, and what the fix lost."""
    report = curate_parsed(parsed, text, vocab, DATA_DIR)
    lines = text.splitlines()
    predicted = _pairs([list(g.lines) for g in report.duplicates if g.certain and g.kind == "paper"])
    paper_lines = {row["line"] for row in truth["papers"]}
    # Paper duplicates are scored here; a group may also name dataset rows (a dataset and its paper).
    expected = {pair for pair in _pairs(truth.get("duplicate_groups", [])) if set(pair) <= paper_lines}
    lookalikes = {tuple(sorted(pair)) for pair in truth.get("lookalike_pairs", [])}
    hits = predicted & expected
    misses += [("duplicate_false", a, b, None) for a, b in sorted(predicted - expected)]
    misses += [("duplicate_missed", a, b, None) for a, b in sorted(expected - predicted)]
    defects = [(d.kind, lines[d.line - 1]) for d in report.defects]
    linked = {row["line"]: row["links_paper"] for row in truth["papers"] if "links_paper" in row}
    reported = [d.line for d in report.defects if d.kind == "missing_paper_link" and d.line in linked]
    false_reports = [line for line in reported if linked[line]]
    misses += [("missing_paper_link_false", line, None, None) for line in false_reports]
    fixed = apply_changes(text, plan_fixes(parsed, report, text))
    reparsed = parse_text(fixed, "fixed.md", "", vocab)
    before_ids = {e.arxiv_id for e in parsed.entries if e.arxiv_id}
    after_ids = {e.arxiv_id for e in reparsed.entries if e.arxiv_id}
    duplicate_lines = {line for group in truth.get("duplicate_groups", []) for line in group}
    kept_rows = {" ".join(e.raw.split()) for e in reparsed.entries}
    lost_rows = [e.line for e in parsed.entries
                 if e.line not in duplicate_lines and " ".join(e.raw.split()) not in kept_rows
                 and not _edited_in_place(e, reparsed.entries)]
    misses += [("fix_lost_row", line, None, None) for line in lost_rows]
    return {
        "duplicate_pairs": len(expected),
        "duplicate_pairs_found": len(predicted),
        "duplicate_pairs_right": len(hits),
        "duplicate_precision": _ratio(len(hits), len(predicted)),
        "duplicate_recall": _ratio(len(hits), len(expected)),
        "lookalikes": len(lookalikes),
        "lookalikes_merged": len(predicted & lookalikes),
        "missing_link_reports": len(reported),
        "missing_link_precision": _ratio(len(reported) - len(false_reports), len(reported)),
        "missing_link_recall": _ratio(len(reported) - len(false_reports),
                                      sum(1 for has_link in linked.values() if not has_link)),
        "defects": defects,
        "fix_lost_arxiv": len(before_ids - after_ids),
        "fix_lost_rows": len(lost_rows),
    }


def _edited_in_place(entry: Entry, after: tuple[Entry, ...]) -> bool:
    """A row the fix corrected rather than removed: its title, or all its links, are still listed."""
    links = {link.url for link in entry.links}
    return any(same_title(entry.title, other.title) or (links and links == {link.url for link in other.links})
               for other in after)


def _pairs(groups: list[list[int]]) -> set[tuple[int, int]]:
    return {pair for group in groups for pair in itertools.combinations(sorted(group), 2)}


def _ratio(hits: int, total: int) -> float | None:
    return round(hits / total, 3) if total else None


def overall(scores: list[ListScore]) -> dict[str, Any]:
    """Figures over every row of the given lists (not the mean of the lists)."""
    papers = sum(s.counts["papers"] for s in scores)
    result: dict[str, Any] = {"papers": papers}
    for field in FIELDS:
        result[field] = _ratio(round(sum((s.counts[field] or 0) * s.counts["papers"] for s in scores)), papers)
    for key in ("missing", "missing_warned", "non_papers", "non_papers_as_papers", "lookalikes",
                "lookalikes_merged", "fix_lost_arxiv", "fix_lost_rows", "duplicate_pairs", "missing_link_reports"):
        result[key] = sum(s.counts[key] for s in scores)
    right = sum(s.counts["duplicate_pairs_right"] for s in scores)
    result["duplicate_precision"] = _ratio(right, sum(s.counts["duplicate_pairs_found"] for s in scores))
    result["duplicate_recall"] = _ratio(right, result["duplicate_pairs"])
    worst = [s.counts["title"] for s in scores if s.counts["title"] is not None]
    result["worst_title"] = min(worst) if worst else None
    return result


def defect_precision(scores: list[ListScore]) -> dict[str, dict[str, Any]]:
    """Per defect kind: reports, how many the judges' labels cover, how many they found true, precision.
    Labels (tests/fixtures/corpus/defect_labels.json) are matched by list, kind and row text."""
    labels = json.loads(DEFECT_LABELS.read_text(encoding="utf-8"))["labels"]
    truth = {(x["list"], x["kind"], " ".join(x["row"].split())): x["true"] for x in labels}
    table: dict[str, dict[str, Any]] = {}
    for s in scores:
        for kind, row in s.counts["defects"]:
            entry = table.setdefault(kind, {"reports": 0, "labelled": 0, "true": 0})
            entry["reports"] += 1
            verdict = truth.get((s.slug, kind, " ".join(row.split())))
            if verdict is not None:
                entry["labelled"] += 1
                entry["true"] += verdict
    for entry in table.values():
        entry["precision"] = _ratio(entry["true"], entry["labelled"])
    return dict(sorted(table.items()))


COLUMNS = ("papers", "title", "arxiv", "year", "venue", "code", "missing", "non_papers_as_papers",
           "duplicate_precision", "duplicate_recall", "lookalikes_merged", "missing_link_precision", "fix_lost_arxiv",
           "fix_lost_rows")


def table(scores: list[ListScore]) -> str:
    """A markdown table: one row per list, then the overall row."""
    header = ["list", "split", *COLUMNS]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for s in scores:
        lines.append("| " + " | ".join([s.slug, s.split, *(_show(s.counts.get(c)) for c in COLUMNS)]) + " |")
    total = overall(scores)
    lines.append("| " + " | ".join(["overall", "", *(_show(total.get(c)) for c in COLUMNS)]) + " |")
    return "\n".join(lines)


def _show(value: Any) -> str:
    return "-" if value is None else str(value)


@click.command()
@click.option("--split", type=click.Choice(["dev", "test", "holdout"]),
              help="Only the lists of this split (holdout: lists added after the rules were last changed).")
@click.option("--list", "only", help="Only this list (its slug).")
@click.option("--show", type=click.Choice(["none", "all", *FIELDS, "missing", "non_paper", "duplicate_false",
                                           "duplicate_missed", "fix_lost_row", "missing_paper_link_false"]),
              default="none",
              help="Also print the rows that missed, of one kind or all.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def main(split: str | None, only: str | None, show: str, as_json: bool) -> None:
    """Score the reader and curation on every corpus list."""
    vocab = Vocabulary.load(DATA_DIR)
    slugs = [only] if only else corpus_lists(split)
    scores = [score_list(slug, vocab) for slug in slugs]
    precision = defect_precision(scores)
    if as_json:
        lists = {s.slug: {"split": s.split, **{k: v for k, v in s.counts.items() if k != "defects"}} for s in scores}
        click.echo(json.dumps({"lists": lists, "overall": overall(scores), "defects": precision}, indent=2))
    else:
        click.echo(table(scores))
        click.echo("\n| defect kind | reports | labelled | true | precision |\n|---|---|---|---|---|")
        for kind, entry in precision.items():
            click.echo(f"| {kind} | {entry['reports']} | {entry['labelled']} | {entry['true']} | "
                       f"{_show(entry['precision'])} |")
    if show != "none":
        for s in scores:
            for kind, line, expected, got in s.misses:
                if show in ("all", kind):
                    click.echo(f"{s.slug}:{line}: {kind}: expected {expected!r}, got {got!r}")


if __name__ == "__main__":
    main()
