"""Relevance on the independent judged set: nDCG@10 and recall@10 of dense, BM25 and hybrid ranking,
on its dev, test and fresh splits, with titles only and with summaries standing in for abstracts (short
ones, and abstract-length ones).

Reads: benchmarks/judged/qrels.jsonl (229 queries, each graded 0-2 by list line by two judges who never
saw the ranking; the grade is the mean of the two; `split` is dev and dev2 (tuned on), test (reported) or
fresh (45 queries written after session 4's ranking work, reported): see benchmarks/judged/README.md) and
benchmarks/judged/arxiv_summaries.jsonl (summaries of the 126 arXiv papers written in the helpers' own
words, in the arXiv bulk format), benchmarks/judged/arxiv_long_summaries.jsonl (the same papers in 166 to
219 words, as long as real abstracts) and benchmarks/judged/findability.jsonl (whether each judged paper's
text shows its relevance, for the text ceilings). Builds the bundled list three times into temporary
folders, offline: titles only, and with each set of summaries as an `--arxiv-snapshot`; and the lists by
other people with judged queries (benchmarks/judged/other_lists/), titles only. Writes a table (or --json).

Every ranker gets the same query handling: the query is understood once (`Searcher.understand`: venue,
year, kind-of-venue and code words and negations taken out; concepts, venues, years, datasets found),
dense and BM25 rank the understood text, and `dense` and `bm25` put the papers that meet every venue, year,
dataset, kind of venue and code wish the query names first, as hybrid does (`dense_text` and `bm25_text`,
shown for comparison, rank the understood text alone; `bm25_plain` is the issue's own baseline, "plain BM25
over title + abstract": the tiers, and BM25 over each paper's title and abstract only, without the keyword
labels, topic headings and repository names the index adds). Also printed: nDCG@10 per kind of query, and
hybrid's gain over the better baseline, with the tiers and without them, each with its paired standard
error. What the concepts add (their rarity in the score, complete matches first for a query of keywords)
is the hybrid ranker's own.

    python benchmarks/eval_judged.py                 # every mode, every split
    python benchmarks/eval_judged.py --mode long     # only with the abstract-length summaries
    python benchmarks/eval_judged.py --split dev --keep /tmp/judged-builds   # reuse the builds when tuning
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from statistics import mean
from typing import Any

import click
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.lexical import LexicalIndex  # noqa: E402
from ingest.pipeline import IngestOptions, ingest  # noqa: E402
from kg.core.model import Ref  # noqa: E402
from kg.core.store import load_build  # noqa: E402
from kg.search.search import Searcher  # noqa: E402

JUDGED = ROOT / "benchmarks" / "judged"
LIST = ROOT / "data" / "awesome-talking-face-generation.md"
RANKERS = ("dense_text", "bm25_text", "bm25_plain", "dense", "bm25", "hybrid")
K = 10


def dcg(gains: Sequence[float], k: int = K) -> float:
    """Discounted cumulative gain of the first k grades in ranked order, with gains 2^grade - 1."""
    return sum((2**grade - 1) / math.log2(i + 2) for i, grade in enumerate(gains[:k]))


def ndcg_at(ranked: Sequence[str], grades: dict[str, float], k: int = K) -> float:
    """Normalised discounted cumulative gain with gains 2^grade - 1."""
    ideal = dcg(sorted(grades.values(), reverse=True), k)
    return dcg([grades.get(pid, 0) for pid in ranked], k) / ideal if ideal else 0.0


def recall_at(ranked: Sequence[str], grades: dict[str, float], k: int = K) -> float:
    """Share of the relevant papers (grade above 0) found in the first k."""
    relevant = {pid for pid, grade in grades.items() if grade > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def load_qrels(split: str | None, path: Path = JUDGED / "qrels.jsonl") -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [row for row in rows if split in (None, row["split"])]


def other_lists() -> list[tuple[Path, list[dict[str, Any]]]]:
    """Each list by other people with judged queries (benchmarks/judged/other_lists/*.jsonl: every row
    names its list, and its split is the list's short name), with its queries."""
    found = []
    for path in sorted((JUDGED / "other_lists").glob("*.jsonl")):
        qrels = load_qrels(None, path)
        found.append((ROOT / qrels[0]["list"], qrels))
    return found


def rankers(searcher: Searcher) -> dict[str, Callable[[str], list[str]]]:
    """Each ranker: query -> paper ids, best first, all with the same query handling. dense and bm25 also
    put the papers meeting every venue, year and dataset the query names first, as hybrid does;
    dense_text and bm25_text rank the understood text by their own score alone."""
    ids = [paper.id for paper in searcher.papers]

    def dense_scores(text: str) -> np.ndarray:
        rows, similarity = searcher.dense.search(searcher.query_vector(text), len(ids))
        scores = np.zeros(len(ids))
        scores[rows] = np.asarray(similarity) + 1.0  # cosine + 1: every paper scores above 0
        return scores

    def bm25_scores(text: str) -> np.ndarray:
        return np.asarray(searcher.lexical.scores(text)[0], dtype=np.float64)

    plain = LexicalIndex.build([f"{paper.title}. {paper.abstract or ''}" for paper in searcher.papers])

    def plain_bm25_scores(text: str) -> np.ndarray:
        return np.asarray(plain.scores(text)[0], dtype=np.float64)

    def ranker(scores_of: Callable[[str], np.ndarray], with_tiers: bool) -> Callable[[str], list[str]]:
        def ranked(query: str) -> list[str]:
            intent = searcher.understand(query)
            scores = scores_of(intent.text or query)
            tier = np.zeros(len(ids))
            if with_tiers:
                without_concepts = replace(intent, concepts=())
                tier = searcher.tiers(without_concepts, searcher.coverage(without_concepts)[2])
            order = np.lexsort((-scores, -tier))
            return [ids[row] for row in order[:K] if scores[row] > 0 or tier[row]]
        return ranked

    def hybrid(query: str) -> list[str]:
        return [result.paper.id for result in searcher.search(query, top=K).results]

    return {"dense_text": ranker(dense_scores, False), "bm25_text": ranker(bm25_scores, False),
            "bm25_plain": ranker(plain_bm25_scores, True), "dense": ranker(dense_scores, True),
            "bm25": ranker(bm25_scores, True), "hybrid": hybrid}


def paper_of_line(build_dir: Path) -> dict[int, str]:
    """The paper each list line of a build is a row of."""
    return {Ref.parse(ref).line: paper.id for paper in load_build(build_dir).papers for ref in paper.entries}


def by_paper(paper_of: dict[int, str], grades: dict[str, float]) -> dict[str, float]:
    """Line grades as paper grades (a paper listed twice takes its better line's grade)."""
    found: dict[str, float] = {}
    for line, grade in grades.items():
        paper = paper_of.get(int(line))
        if paper is not None:
            found[paper] = max(found.get(paper, 0.0), grade)
    return found


def load_findability() -> dict[tuple[str, int], dict[str, str]]:
    """(query id, line) -> {"row": label, "summary": label}: whether the row alone, and the row with its
    summary, show a reader that the paper is relevant (yes, partly, no); see benchmarks/judged/README.md."""
    path = JUDGED / "findability.jsonl"
    if not path.exists():
        return {}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return {(row["qid"], int(row["line"])): row for row in rows}


def text_ceiling(grades: dict[str, float], findable: dict[str, str], partly_counts: bool) -> float:
    """The nDCG@10 of the best ranking a reader of the text alone could make, the papers ordered by what
    their text shows: a paper whose text shows all the query asks ("yes") counts with its grade; one whose
    text shows part of it ("partly") counts as related (at most grade 1) when partly_counts, else not at
    all; the rest ("no": only knowledge of the paper finds it) gain nothing. Normalised by the ideal DCG of
    the judges' grades, so 1.0 means the text shows everything the judges knew."""
    def shown(paper: str) -> float:
        label, grade = findable.get(paper), grades[paper]
        return grade if label == "yes" else min(grade, 1.0) if label == "partly" and partly_counts else 0.0
    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg(sorted((shown(paper) for paper in grades), reverse=True)) / ideal if ideal else 0.0


def findable_papers(query: dict[str, Any], paper_of: dict[int, str], labels: dict[tuple[str, int], dict[str, str]],
                    field: str) -> dict[str, str]:
    """Paper -> its best label for a query (a paper listed on two rows takes the better)."""
    order = ("no", "partly", "yes")
    found: dict[str, str] = {}
    for line in query["grades"]:
        label = labels.get((query["id"], int(line)))
        paper = paper_of.get(int(line))
        if label and paper:
            found[paper] = max(found.get(paper, "no"), label[field], key=order.index)
    return found


def evaluate(build_dir: Path, qrels: list[dict[str, Any]], field: str | None = "row") -> dict[str, Any]:
    """Per split: each ranker's mean nDCG@10 and recall@10, its nDCG@10 per kind of query, the mean and paired
    standard error of hybrid's nDCG@10 minus that of the better baseline, with the tiers and without, and,
    where findability labels exist, the text ceilings (field: the label that fits the build: "row" for titles
    only, "summary" for a build with the summaries, None for a text no label was made for)."""
    searcher = Searcher.load(build_dir)
    labels = load_findability()
    runs = rankers(searcher)
    paper_of = paper_of_line(build_dir)
    per_split: dict[str, dict[str, Any]] = {}
    for split in sorted({q["split"] for q in qrels}):
        chosen = [q for q in qrels if q["split"] == split]
        ndcg: dict[str, list[float]] = {}
        row: dict[str, Any] = {"queries": len(chosen)}
        for name in RANKERS:
            ranked = [(runs[name](q["query"]), by_paper(paper_of, q["grades"])) for q in chosen]
            ndcg[name] = [ndcg_at(found, grades) for found, grades in ranked]
            row[name] = {"ndcg": round(mean(ndcg[name]), 3),
                         "recall": round(mean(recall_at(found, grades) for found, grades in ranked), 3),
                         "by_kind": {kind: round(mean(v for v, q in zip(ndcg[name], chosen, strict=True)
                                                      if q["kind"] == kind), 3)
                                     for kind in sorted({q["kind"] for q in chosen})}}
        row["hybrid_gain"] = [_gain(ndcg, baselines)
                              for baselines in (("dense", "bm25"), ("dense_text", "bm25_text"), ("bm25_plain",))]
        labelled = [q for q in chosen if any((q["id"], int(line)) in labels for line in q["grades"])]
        if labelled and field:
            findable = [(by_paper(paper_of, q["grades"]), findable_papers(q, paper_of, labels, field))
                        for q in labelled]
            row["ceiling"] = {name: round(mean(text_ceiling(grades, shown, partly) for grades, shown in findable), 3)
                              for name, partly in (("shown", False), ("shown_or_related", True))}
            # per kind of query: where a ranker of the text alone has room left
            kinds = [q["kind"] for q in labelled]
            row["ceiling_by_kind"] = {
                kind: round(mean(text_ceiling(grades, shown, False)
                                 for (grades, shown), of in zip(findable, kinds, strict=True) if of == kind), 3)
                for kind in sorted(set(kinds))}
            # how much of what the judges called exactly right its text shows
            row["graded_2_shown"] = dict(Counter(shown.get(paper, "no") for grades, shown in findable
                                                 for paper, grade in grades.items() if grade == 2))
        per_split[split] = row
    return per_split


def _gain(ndcg: dict[str, list[float]], baselines: tuple[str, ...]) -> dict[str, Any]:
    """Hybrid's nDCG@10 minus that of the best of some baselines: the mean and its paired standard error."""
    best = max(baselines, key=lambda name: mean(ndcg[name]))
    gains = np.array(ndcg["hybrid"]) - np.array(ndcg[best])
    return {"over": best, "mean": round(float(gains.mean()), 3),
            "paired_se": round(float(gains.std(ddof=1) / np.sqrt(len(gains))), 3)}


@dataclass(frozen=True)
class Mode:
    """A way of building the bundled list: its name in the tables, the `--mode` that picks it, the arXiv
    snapshot standing in for abstracts (none: titles only), and the findability label that fits its text
    (none: no label was made for it)."""

    name: str
    option: str
    snapshot: Path | None
    findability: str | None


MODES = (
    Mode("titles only", "titles", None, "row"),
    Mode("with summaries", "summaries", JUDGED / "arxiv_summaries.jsonl", "summary"),
    # real abstracts are three to four times longer than the summaries: long enough for the embedding
    # model to cut them (256 word pieces) and for BM25's length normalisation to favour papers without one
    Mode("with abstract-length summaries", "long", JUDGED / "arxiv_long_summaries.jsonl", None),
)


def build(folder: Path, snapshot: Path | None, source: Path = LIST) -> Path:
    """A list (the bundled one unless told) built into folder, titles only or with an arXiv snapshot of
    summaries (kept if already there)."""
    name = snapshot.stem if snapshot else "titles-only"
    target = folder / (name if source == LIST else f"{source.stem}-{name}")
    if (target / "manifest.json").exists():
        return target
    ingest(IngestOptions(source, target, ROOT / "data", folder / "cache", progress=False, offline=True,
                         arxiv_snapshot=snapshot))
    return target


@click.command()
@click.option("--split", type=click.Choice(["dev", "dev2", "test", "fresh", "other"]),
              help="Only one split of the queries (other: the lists by other people, titles only).")
@click.option("--mode", "modes", type=click.Choice([mode.option for mode in MODES]), multiple=True,
              help="Only these ways of building the bundled list (repeatable; default: all).")
@click.option("--json", "as_json", is_flag=True)
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path),
              help="Build into this folder and reuse the builds found there (default: a temporary folder).")
def main(split: str | None, modes: tuple[str, ...], as_json: bool, keep: Path | None) -> None:
    """Build, search and score."""
    qrels = load_qrels(split) if split != "other" else []
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as temp:
        folder = keep or Path(temp)
        for mode in MODES:
            if modes and mode.option not in modes:
                continue
            results[mode.name] = evaluate(build(folder, mode.snapshot), qrels, mode.findability) if qrels else {}
            if mode.snapshot is None and split in (None, "other"):
                for source, judged in other_lists():
                    results[mode.name] |= evaluate(build(folder, None, source), judged)
        results = {name: splits for name, splits in results.items() if splits}
    if as_json:
        click.echo(json.dumps(results, indent=1))
        return
    click.echo("| mode | split | queries | " + " | ".join(f"{r} nDCG@10 | {r} R@10" for r in RANKERS) + " |")
    click.echo("|---|---|---|" + "---|" * (2 * len(RANKERS)))
    for mode_name, splits in results.items():
        for split_name, row in splits.items():
            cells = " | ".join(f"{row[r]['ndcg']} | {row[r]['recall']}" for r in RANKERS)
            click.echo(f"| {mode_name} | {split_name} | {row['queries']} | {cells} |")
    click.echo("\n| mode | split | kind | " + " | ".join(f"{r} nDCG@10" for r in RANKERS) + " |")
    click.echo("|---|---|---|" + "---|" * len(RANKERS))
    for mode_name, splits in results.items():
        for split_name, row in splits.items():
            for kind in row["hybrid"]["by_kind"]:
                cells = " | ".join(str(row[r]["by_kind"][kind]) for r in RANKERS)
                click.echo(f"| {mode_name} | {split_name} | {kind} | {cells} |")
    ceilings = [(mode_name, split_name, row) for mode_name, splits in results.items()
                for split_name, row in splits.items() if "ceiling" in row]
    if ceilings:
        click.echo("\n| mode | split | text ceiling: shown | text ceiling: partly shown as related | bm25 | hybrid "
                   "| papers graded 2 whose text shows it: fully / partly / not |")
        click.echo("|---|---|---|---|---|---|---|")
        for mode_name, split_name, row in ceilings:
            ceiling, shown = row["ceiling"], row["graded_2_shown"]
            click.echo(f"| {mode_name} | {split_name} | {ceiling['shown']} | {ceiling['shown_or_related']} "
                       f"| {row['bm25']['ndcg']} | {row['hybrid']['ndcg']} "
                       f"| {shown.get('yes', 0)} / {shown.get('partly', 0)} / {shown.get('no', 0)} |")
    if ceilings:
        click.echo("\n| mode | split | kind | text ceiling: shown | bm25 | hybrid |")
        click.echo("|---|---|---|---|---|---|")
        for mode_name, split_name, row in ceilings:
            for kind, ceiling in row["ceiling_by_kind"].items():
                click.echo(f"| {mode_name} | {split_name} | {kind} | {ceiling} | {row['bm25']['by_kind'][kind]} "
                           f"| {row['hybrid']['by_kind'][kind]} |")
    click.echo()
    for mode_name, splits in results.items():
        for split_name, row in splits.items():
            for gain in row["hybrid_gain"]:
                click.echo(f"{mode_name}, {split_name}: hybrid minus {gain['over']} {gain['mean']:+.3f} nDCG@10 "
                           f"(paired standard error {gain['paired_se']})")

if __name__ == "__main__":
    main()
