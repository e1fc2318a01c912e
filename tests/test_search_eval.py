"""The relevance evaluation (benchmarks/eval_search.py) on the bundled build: hybrid ranking beats dense
alone and BM25 alone, and the metrics behave as defined."""

from __future__ import annotations

import importlib.util
from types import ModuleType

import pytest

from kg.search.search import Searcher

from .conftest import ROOT


@pytest.fixture(scope="module")
def evaluation() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_search", ROOT / "benchmarks" / "eval_search.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_hybrid_beats_dense_and_bm25_on_the_judged_queries(evaluation: ModuleType, searcher: Searcher) -> None:
    queries = evaluation.load_queries(evaluation.QUERIES)
    assert len(queries) >= 20 and {q["kind"] for q in queries} == {"keyword", "question", "paraphrase", "venue_year"}
    summary = evaluation.evaluate(searcher, queries)["summary"]["all"]
    for metric in ("ndcg", "recall"):
        assert summary["hybrid"][metric] > max(summary["dense"][metric], summary["bm25"][metric])


def test_ndcg_and_recall_follow_their_definitions(evaluation: ModuleType) -> None:
    grades = {"a": 2, "b": 1}
    assert evaluation.ndcg_at(["a", "b"], grades) == 1.0
    assert evaluation.ndcg_at(["x", "y"], grades) == 0.0
    assert 0 < evaluation.ndcg_at(["b", "a"], grades) < 1
    assert evaluation.recall_at(["b", "x"], grades) == 0.5
