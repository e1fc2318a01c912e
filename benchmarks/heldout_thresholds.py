"""Held-out precision of two curation thresholds: the venue grace period and the misspelt-venue score.

Reads: the lists in tests/fixtures/heldout/*.md (awesome lists by other people, which neither threshold
was tuned on) and their judgements (tests/fixtures/heldout/labels.json). Writes: a table on stdout
(JSON with --json).

Each list is linted in memory by `kg.curation.lint.lint`, the function `tfkg lint` runs, with no
repository settings, and parsed by `ingest.parse.parse_list` for the warnings lint does not print:
a venue read as a known one it misspells ("venue 'Arix 2024': read 'Arix' as arXiv"). Findings are
matched to labels by (file, line, kind). A label's verdict is "true" (a defect, reported), "false"
(reported, but the row is right) or "miss" (a defect found by reading that was not reported); a miss
that a later rule reports counts as a true finding. The misses are a lower bound: reading was not
exhaustive. For each misspelling missed, the table says what `parse_venue` alone makes of the written
venue, which tells a threshold miss from a row the reader never reaches.

    python benchmarks/heldout_thresholds.py
    python benchmarks/heldout_thresholds.py --json
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from ingest.parse import parse_list
from kg.core.settings import DATA_DIR
from kg.core.vocab import Vocabulary
from kg.curation.lint import LintConfig, lint

ROOT = Path(__file__).resolve().parents[1]
HELDOUT = ROOT / "tests" / "fixtures" / "heldout"
LABELS = HELDOUT / "labels.json"
KINDS = ("venue_suspect", "misspelt_venue")
# The note parse_venue leaves on a misspelt venue; a year note ("read '20233' as 2023") names digits.
READ_AS = re.compile(r"read '([^']+)' as (\S+)")


@dataclass(frozen=True)
class Found:
    """One finding of either kind: the list's file name, the row's line, the kind and tfkg's message."""

    file: str
    line: int
    kind: str
    message: str


@dataclass(frozen=True)
class ListCounts:
    """What one list holds: rows read as papers, rows whose venue year and arXiv id were compared, findings."""

    file: str
    rows: int
    dated: int
    found: tuple[Found, ...]


def heldout_lists() -> list[Path]:
    """The held-out lists, by name: each `<name>.md` with its `<name>.source.toml` beside it."""
    return [source.with_name(source.name.removesuffix(".source.toml") + ".md")
            for source in sorted(HELDOUT.glob("*.source.toml"))]


def misspelt_warnings(message: str) -> list[str]:
    """The venue names a parser warning says were read as another, known venue's misspelling."""
    if not message.startswith("venue "):
        return []
    return [name for name, family in READ_AS.findall(message) if not family.isdigit()]


def count_list(path: Path, vocab: Vocabulary) -> ListCounts:
    """Lint and parse one list: its venue_suspect findings and misspelt-venue warnings."""
    found = [Found(path.name, f.line, f.kind, f.message)
             for f in lint(path, vocab, DATA_DIR, LintConfig()) if f.kind == "venue_suspect"]
    parsed = parse_list(path, vocab)
    found += [Found(path.name, w.line, "misspelt_venue", w.message)
              for w in parsed.warnings if misspelt_warnings(w.message)]
    dated = sum(1 for e in parsed.entries if e.arxiv_id and e.venue.year)
    return ListCounts(path.name, len(parsed.entries), dated, tuple(sorted(found, key=lambda f: (f.line, f.kind))))


def load_labels() -> list[dict[str, Any]]:
    """The judgements, one per (file, line, kind)."""
    return json.loads(LABELS.read_text(encoding="utf-8"))["labels"]


def unlabelled(found: list[Found], labels: list[dict[str, Any]]) -> list[Found]:
    """Findings no label judges: what a rule change added since the lists were labelled."""
    known = {(label["file"], label["line"], label["kind"]) for label in labels}
    return [f for f in found if (f.file, f.line, f.kind) not in known]


def score(found: list[Found], labels: list[dict[str, Any]], vocab: Vocabulary) -> dict[str, Any]:
    """Per kind: findings, true and false ones, unlabelled ones, precision (None with no labelled finding)
    and the defects found by reading that tfkg does not report, each with what parse_venue reads alone."""
    reported = {(f.file, f.line, f.kind) for f in found}
    result: dict[str, Any] = {}
    for kind in KINDS:
        mine = [lab for lab in labels if lab["kind"] == kind]
        defects = {(lab["file"], lab["line"], kind) for lab in mine if lab["verdict"] in ("true", "miss")}
        wrong = {(lab["file"], lab["line"], kind) for lab in mine if lab["verdict"] == "false"}
        hits = {key for key in reported if key[2] == kind}
        true, false = len(hits & defects), len(hits & wrong)
        missed = [lab for lab in mine if (lab["file"], lab["line"], kind) in defects - hits]
        result[kind] = {
            "reported": len(hits), "true": true, "false": false,
            "unlabelled": len(hits - defects - wrong),
            "precision": round(true / (true + false), 3) if true + false else None,
            "misses": [{"file": lab["file"], "line": lab["line"], "reason": lab["reason"],
                        **({"reader_alone": _reader_alone(lab["venue_text"], vocab)} if "venue_text" in lab else {})}
                       for lab in missed],
        }
    return result


def _reader_alone(venue_text: str, vocab: Vocabulary) -> str:
    """What parse_venue makes of a written venue on its own: the family it reads, or that it reads none."""
    venue = vocab.parse_venue(venue_text)
    return venue.family if venue.kind != "unknown" else f"none ({venue.family!r} kept as unknown)"


def table(counts: list[ListCounts], scores: dict[str, Any]) -> str:
    """The per-list counts and the per-kind scores as markdown tables."""
    out = ["| list | rows | dated rows | venue_suspect | misspelt_venue |", "|---|---|---|---|---|"]
    for c in counts:
        per_kind = {kind: sum(1 for f in c.found if f.kind == kind) for kind in KINDS}
        out.append(f"| {c.file} | {c.rows} | {c.dated} | {per_kind['venue_suspect']} | {per_kind['misspelt_venue']} |")
    out += ["", "| kind | reported | true | false | unlabelled | precision | misses found by reading |",
            "|---|---|---|---|---|---|---|"]
    for kind, s in scores.items():
        precision = "n/a" if s["precision"] is None else f"{s['precision']:.3f}"
        out.append(f"| {kind} | {s['reported']} | {s['true']} | {s['false']} | {s['unlabelled']} | {precision} "
                   f"| {len(s['misses'])} |")
    out.append("")
    for kind, s in scores.items():
        for miss in s["misses"]:
            alone = f" [parse_venue alone: {miss['reader_alone']}]" if "reader_alone" in miss else ""
            out.append(f"miss {miss['file']}:{miss['line']}: {kind}: {miss['reason']}{alone}")
    return "\n".join(out)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def main(as_json: bool) -> None:
    """Score venue_suspect findings and misspelt-venue warnings on the held-out lists against the labels."""
    vocab = Vocabulary.load(DATA_DIR)
    counts = [count_list(path, vocab) for path in heldout_lists()]
    found = [f for c in counts for f in c.found]
    scores = score(found, load_labels(), vocab)
    if as_json:
        lists = [{"file": c.file, "rows": c.rows, "dated": c.dated, "found": [vars(f) for f in c.found]}
                 for c in counts]
        click.echo(json.dumps({"lists": lists, "scores": scores}, indent=2))
    else:
        click.echo(table(counts, scores))


if __name__ == "__main__":
    main()
