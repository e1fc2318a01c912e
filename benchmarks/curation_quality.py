"""Precision and recall of `tfkg curate` on a hand-labelled list.

Reads: the labels (tests/fixtures/curation_labels.json: duplicate groups, look-alike pairs that are
not duplicates, defects by line and kind) and a build of the labelled list (made offline into a
temporary folder unless --build is given). Writes: a table on stdout (or JSON with --json).

Duplicates are scored by pairs of rows: a predicted group of n rows predicts n(n-1)/2 pairs. Certain
groups are scored alone and with the possible ones. Defects are scored by (line, kind).

    python benchmarks/curation_quality.py
    python benchmarks/curation_quality.py --build data/build --json
    python benchmarks/curation_quality.py --embedding-threshold 0.95
"""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path
from typing import Any

import click

from ingest.pipeline import IngestOptions, ingest
from kg.core.store import load_build
from kg.curation.curate import CurationReport, curate
from kg.curation.defects import DEFECT_KINDS
from kg.curation.duplicates import Thresholds

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "fixtures" / "curation_labels.json"


def pairs(groups: list[list[int]]) -> set[tuple[int, int]]:
    """Every pair of rows (smaller line first) that some group puts together."""
    return {pair for group in groups for pair in itertools.combinations(sorted(group), 2)}


def score(predicted: set[Any], expected: set[Any]) -> dict[str, Any]:
    """Counts, precision and recall (None when undefined) of a predicted set against the labels."""
    hits = len(predicted & expected)
    return {
        "tp": hits,
        "fp": len(predicted - expected),
        "fn": len(expected - predicted),
        "precision": round(hits / len(predicted), 3) if predicted else None,
        "recall": round(hits / len(expected), 3) if expected else None,
    }


def evaluate(report: CurationReport, labels: dict[str, Any]) -> dict[str, Any]:
    """Scores of a report against labels, with the misses and false alarms named."""
    expected_pairs = pairs([g["lines"] for g in labels["duplicates"]])
    certain = pairs([list(g.lines) for g in report.duplicates if g.certain])
    everything = pairs([list(g.lines) for g in report.duplicates])
    look_alikes = {tuple(sorted(p["lines"])) for p in labels["not_duplicates"]}
    expected_defects = {(d["line"], d["kind"]) for d in labels["defects"]}
    found_defects = {(d.line, d.kind) for d in report.defects}
    by_kind = {
        kind: score({d for d in found_defects if d[1] == kind}, {d for d in expected_defects if d[1] == kind})
        for kind in DEFECT_KINDS
    }
    return {
        "duplicates_certain": score(certain, expected_pairs),
        "duplicates_with_possible": score(everything, expected_pairs),
        "look_alikes_grouped": sorted(look_alikes & everything),
        "defects_all": score(found_defects, expected_defects),
        "defects_by_kind": by_kind,
        "false_alarms": sorted(found_defects - expected_defects),
        "misses": sorted(expected_defects - found_defects),
    }


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def table(results: dict[str, Any]) -> str:
    rows = [
        ("duplicate pairs, certain groups", results["duplicates_certain"]),
        ("duplicate pairs, certain + possible", results["duplicates_with_possible"]),
        ("defects, all kinds", results["defects_all"]),
        *((f"defects: {kind}", s) for kind, s in results["defects_by_kind"].items()),
    ]
    out = ["| measure | TP | FP | FN | precision | recall |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    out += [
        f"| {name} | {s['tp']} | {s['fp']} | {s['fn']} | {_fmt(s['precision'])} | {_fmt(s['recall'])} |"
        for name, s in rows
    ]
    out += [
        "",
        f"look-alike pairs grouped: {results['look_alikes_grouped'] or 'none'}",
        f"false alarms (line, kind): {results['false_alarms'] or 'none'}",
        f"misses (line, kind): {results['misses'] or 'none'}",
    ]
    return "\n".join(out)


@click.command()
@click.option("--build", "build_dir", type=click.Path(path_type=Path, file_okay=False),
              help="A build of the labelled list (default: build it offline into a temporary folder).")
@click.option("--labels", type=click.Path(path_type=Path, dir_okay=False), default=LABELS, show_default=True)
@click.option("--embedding-threshold", type=float, default=Thresholds().embedding, show_default=True,
              help="Cosine similarity at which embeddings alone make a possible duplicate.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def main(build_dir: Path | None, labels: Path, embedding_threshold: float, as_json: bool) -> None:
    """Score `tfkg curate` against hand labels."""
    expected = json.loads(labels.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as temp:
        if build_dir is None:
            build_dir = Path(temp) / "build"
            options = IngestOptions(ROOT / expected["list"], build_dir, ROOT / "data", Path(temp) / "cache")
            options.progress = False
            ingest(options)
        thresholds = Thresholds(embedding=embedding_threshold)
        results = evaluate(curate(load_build(build_dir), ROOT / "data", thresholds), expected)
    click.echo(json.dumps(results, indent=2) if as_json else table(results))


if __name__ == "__main__":
    main()
