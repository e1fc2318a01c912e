"""Relevance of search on the bundled list: nDCG@10 and recall@10 of dense alone, BM25 alone and hybrid.

Reads: benchmarks/queries.jsonl (one query per line: {"query", "kind", "relevant": {paper id: grade}},
grade 2 = what the query asks for, 1 = related; unlisted papers count 0) and a build made by
`tfkg ingest`. Writes: a table (or --json) to stdout.

Dense alone embeds the raw query and ranks papers by cosine similarity; BM25 alone ranks by the BM25
score of the raw query; hybrid is `Searcher.search` (kg/search/search.py), the ranking `tfkg search` uses.

    tfkg ingest && python benchmarks/eval_search.py [--build DIR] [--queries FILE] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from statistics import mean
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.core import settings  # noqa: E402
from kg.search.search import Searcher  # noqa: E402

QUERIES = ROOT / "benchmarks" / "queries.jsonl"
K = 10
RANKERS = ("dense", "bm25", "hybrid")


def load_queries(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def ndcg_at(ranked: Sequence[str], grades: dict[str, int], k: int = K) -> float:
    """Normalised discounted cumulative gain with gains 2^grade - 1."""
    dcg = sum((2 ** grades.get(pid, 0) - 1) / math.log2(i + 2) for i, pid in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at(ranked: Sequence[str], grades: dict[str, int], k: int = K) -> float:
    """Share of the relevant papers (grade >= 1) found in the first k."""
    relevant = {pid for pid, grade in grades.items() if grade > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def rankers(searcher: Searcher) -> dict[str, Callable[[str], list[str]]]:
    """Each ranker: query -> paper ids, best first."""
    ids = [paper.id for paper in searcher.papers]

    def dense(query: str) -> list[str]:
        rows, _ = searcher.dense.search(searcher.embedder.encode([query])[0], K)
        return [ids[row] for row in rows]

    def bm25(query: str) -> list[str]:
        scores, _ = searcher.lexical.scores(query)
        return [ids[row] for row in scores.argsort(kind="stable")[::-1][:K] if scores[row] > 0]

    def hybrid(query: str) -> list[str]:
        return [result.paper.id for result in searcher.search(query, top=K).results]

    return {"dense": dense, "bm25": bm25, "hybrid": hybrid}


def evaluate(searcher: Searcher, queries: list[dict[str, Any]]) -> dict[str, Any]:
    """Per query and per kind of query (and "all"): nDCG@10 and recall@10 of each ranker."""
    runs = rankers(searcher)
    per_query = []
    for item in queries:
        row: dict[str, Any] = {"query": item["query"], "kind": item["kind"]}
        for name in RANKERS:
            ranked = runs[name](item["query"])
            row[name] = {"ndcg": ndcg_at(ranked, item["relevant"]), "recall": recall_at(ranked, item["relevant"])}
        per_query.append(row)
    groups = {"all": per_query}
    for kind in dict.fromkeys(row["kind"] for row in per_query):
        groups[kind] = [row for row in per_query if row["kind"] == kind]
    summary = {
        group: {"queries": len(rows), **{
            name: {metric: round(mean(r[name][metric] for r in rows), 4) for metric in ("ndcg", "recall")}
            for name in RANKERS
        }}
        for group, rows in groups.items()
    }
    return {"summary": summary, "queries": per_query}


def format_table(report: dict[str, Any]) -> str:
    lines = [f"{'queries':<12} {'n':>3}  " + "  ".join(f"{name + ' nDCG@10':>13} {'R@10':>6}" for name in RANKERS)]
    for group, row in report["summary"].items():
        cells = "  ".join(f"{row[name]['ndcg']:>13.3f} {row[name]['recall']:>6.3f}" for name in RANKERS)
        lines.append(f"{group:<12} {row['queries']:>3}  {cells}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", type=Path, default=settings.get_path("build"))
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--json", action="store_true", help="Print the full report as JSON.")
    args = parser.parse_args()
    report = evaluate(Searcher.load(args.build), load_queries(args.queries))
    print(json.dumps(report, indent=1) if args.json else format_table(report))


if __name__ == "__main__":
    main()
