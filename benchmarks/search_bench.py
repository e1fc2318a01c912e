"""Speed of search: index build time, warm query latency (p50/p95), cold start and peak memory, on the
bundled list and on synthetic corpora (default 100,000 papers) generated from the vocabulary.

Reads: the bundled list and the vocabulary. Writes: builds and an embedding cache under --work
(default /tmp/tfkg-search-bench; a rerun reuses the cache), and a JSON report to stdout.

The synthetic papers reuse --distinct generated texts (default 5,000), each embedded by the real
model: embedding 100,000 distinct texts takes about an hour on this shared 2-core machine, and the
cost of search does not depend on how the vectors were made. Each paper gets its own venue, year,
datasets and code link, and its text's vector with a small perturbation.

    python benchmarks/search_bench.py [--synthetic 100000] [--distinct 5000] [--queries 200] [--work DIR]

The model is TFKG_MODEL's, as ingest's is (the shipped MiniLM unless set): `TFKG_MODEL=<folder>
python benchmarks/search_bench.py --synthetic` measures another model on the bundled list alone.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from statistics import quantiles
from typing import Any

import networkx as nx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.embed import Embedder, EmbeddingCache  # noqa: E402
from ingest.index import (  # noqa: E402
    DenseIndex,
    build_faiss,
    build_index,
    check_index,
    load_dense,
    load_lexical,
    paper_text,
    write_index,
)
from ingest.pipeline import IngestOptions, ingest  # noqa: E402
from kg.core import settings  # noqa: E402
from kg.core.model import ConceptAssignment, DatasetMention, Link, Paper, ParsedList, Venue  # noqa: E402
from kg.core.store import Build, load_build  # noqa: E402
from kg.core.vocab import Vocabulary  # noqa: E402
from kg.search.facets import Filters  # noqa: E402
from kg.search.search import Searcher  # noqa: E402

BUNDLED_LIST = ROOT / "data" / "awesome-talking-face-generation.md"
JUDGED_QUERIES = ROOT / "benchmarks" / "judged" / "qrels.jsonl"
QUERIES = [json.loads(line)["query"] for line in JUDGED_QUERIES.read_text(encoding="utf-8").splitlines() if line]
FILTERS = Filters(years=(2021, 2023), has_code=True)
NO_FILTERS = Filters()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def latency(run: Callable[[str], object], queries: list[str]) -> dict[str, float]:
    """p50 and p95 in milliseconds of run(query) over the queries, after one warm-up call."""
    run(queries[0])
    times = []
    for query in queries:
        started = time.perf_counter()
        run(query)
        times.append((time.perf_counter() - started) * 1000)
    cuts = quantiles(times, n=100)
    return {"p50_ms": round(cuts[49], 2), "p95_ms": round(cuts[94], 2)}


def query_latencies(searcher: Searcher, count: int) -> dict[str, dict[str, float]]:
    """Latency of each part and of whole searches. A "new" query is encoded by the model (the vector
    cache is cleared first); a "repeated" one finds its vector in the searcher's cache."""
    queries = (QUERIES * (count // len(QUERIES) + 1))[:count]
    vectors = {query: searcher.embedder.encode([query])[0] for query in QUERIES}

    def new(query: str, filters: Filters) -> None:
        searcher.query_vector.cache_clear()
        searcher.search(query, filters, top=10)

    timings = {
        "encode query (model)": latency(lambda q: searcher.embedder.encode([q]), queries),
        "dense search (vector given)": latency(lambda q: searcher.dense.search(vectors[q], 10), queries),
        "lexical (BM25 scores + top 10)": latency(lambda q: np.argsort(-searcher.lexical.scores(q)[0])[:10], queries),
        "hybrid, new query": latency(lambda q: new(q, NO_FILTERS), queries),
        "hybrid+filters, new query": latency(lambda q: new(q, FILTERS), queries),
    }
    for query in QUERIES:
        searcher.search(query)  # every query vector cached: what follows measures the search alone
    return timings | {
        "hybrid, repeated query": latency(lambda q: searcher.search(q, top=10), queries),
        "hybrid+filters, repeated query": latency(lambda q: searcher.search(q, FILTERS, top=10), queries),
        "filters only (no query)": latency(lambda q: searcher.search("", FILTERS, top=10), queries[:50]),
    }


def cold_start(build: Path) -> dict[str, float]:
    """Wall time of `tfkg search` in a new process, from start to printed results, and its peak memory."""
    figures = {}
    for name, args in (("query", ["one-shot diffusion emotion"]), ("filters only", ["--keyword", "nerf"])):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from kg.cli.main import main; main()", "search", *args, "--build",
                        str(build)], check=True, capture_output=True, cwd=ROOT)
        figures[f"{name}_s"] = round(time.perf_counter() - started, 2)
    figures["peak_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    return figures


def synthetic_papers(count: int, vocab: Vocabulary, distinct: int, seed: int = 0) -> list[Paper]:
    """count papers whose titles and two-sentence abstracts are made from vocabulary labels; paper i has
    text number i % distinct (so only `distinct` texts need embedding) with its own venue, year,
    datasets and code link."""
    rng = random.Random(seed)
    concepts = [c for c in vocab.concepts.values() if not c.weak]
    venues = list(vocab.venues.values())
    datasets = list(vocab.datasets.values())
    nouns = ["talking face generation", "talking head synthesis", "portrait animation", "face reenactment",
             "lip synchronization", "facial animation", "avatar reconstruction", "video dubbing"]
    verbs = ["improves", "controls", "learns", "disentangles", "renders", "predicts", "animates", "refines"]
    texts = []
    for _ in range(distinct):
        chosen = rng.sample(concepts, rng.randint(1, 3))
        labels = [rng.choice((c.label, *c.alt_labels)) for c in chosen]
        noun = rng.choice(nouns)
        title = f"{rng.choice(verbs[4:]).title()}: {' '.join(labels).title()} {noun.title()}"
        abstract = (f"We propose a {labels[0]} method for {noun} that {rng.choice(verbs)} "
                    f"{' and '.join(labels[1:]) or 'identity'} features. Experiments show gains over "
                    f"{rng.choice(verbs[:4])} baselines.")
        texts.append((title, abstract, tuple(ConceptAssignment(c.id, "title") for c in chosen)))
    papers = []
    for number in range(count):
        title, abstract, concepts_of = texts[number % distinct]
        venue, year = rng.choice(venues), rng.randint(2017, 2024)
        used = rng.sample(datasets, rng.randint(0, 2))
        code = (Link(f"https://github.com/x/{number}", "code", "code", "github"),) if rng.random() < 0.4 else ()
        papers.append(Paper(
            id=f"synthetic-{number}", title=title, year=year, entries=(f"synthetic.md:{number + 1}",), links=code,
            venue=Venue(f"{venue.id} {year}", venue.id, year, venue.kind, venue.name), concepts=concepts_of,
            datasets=tuple(DatasetMention(d.id, "abstract") for d in used), abstract=abstract,
        ))
    return papers


def synthetic_build(folder: Path, papers: list[Paper], manifest: dict[str, Any]) -> Build:
    parsed = ParsedList("synthetic.md", "", (), (), (), (), ())
    return Build(folder, {"index": manifest}, parsed, tuple(papers), (), (), nx.MultiDiGraph())


def hnsw_comparison(dense: DenseIndex, queries: np.ndarray) -> dict[str, Any]:
    """Build time, latency and recall@10 against exact search of an HNSW index over the same vectors."""
    started = time.perf_counter()
    hnsw = DenseIndex(dense.vectors, build_faiss(dense.vectors, "hnsw"), "hnsw")
    build_s = time.perf_counter() - started
    found = 0
    for vector in queries:
        exact, _ = dense.search(vector, 10)
        approx, _ = hnsw.search(vector, 10)
        found += len(set(exact) & set(approx))
    figures = {}
    for name, index in (("flat", dense), ("hnsw", hnsw)):
        times = []
        for vector in queries:
            started = time.perf_counter()
            index.search(vector, 10)
            times.append((time.perf_counter() - started) * 1000)
        cuts = quantiles(times, n=100)
        figures[name] = {"p50_ms": round(cuts[49], 2), "p95_ms": round(cuts[94], 2)}
    figures["hnsw_build_s"] = round(build_s, 1)
    figures["hnsw_recall_at_10"] = round(found / (10 * len(queries)), 3)
    return figures


def bench_bundled(work: Path, embedder: Embedder, count: int) -> dict[str, Any]:
    build_dir = work / "bundled-build"
    cache = work / "cache"
    vocab = Vocabulary.load(ROOT / "data")
    started = time.perf_counter()
    ingest(IngestOptions(BUNDLED_LIST, build_dir, ROOT / "data", cache, force=True, progress=False))
    ingest_s = time.perf_counter() - started
    build = load_build(build_dir)
    with tempfile.TemporaryDirectory() as stage:
        cold = build_index(Path(stage), build.papers, vocab, embedder.name, Path(stage) / "fresh-cache")
        warm = build_index(Path(stage), build.papers, vocab, embedder.name, cache)
    started = time.perf_counter()
    searcher = Searcher.load(build, model=embedder, vocab=vocab)
    load_s = time.perf_counter() - started
    return {
        "papers": len(build.papers),
        "ingest_s (in this process: torch imported, embeddings cached)": round(ingest_s, 2),
        "index_build_s (embedding every paper)": round(cold.seconds, 2),
        "index_build_s (embeddings cached)": round(warm.seconds, 2),
        "searcher_load_s": round(load_s, 3),
        "first_misspelt_query_s (builds the speller)": first_misspelt_query_s(searcher),
        "latency": query_latencies(searcher, count),
        "cold_start": cold_start(build_dir),
        "peak_mb": round(peak_mb()),
    }


def first_misspelt_query_s(searcher: Searcher) -> float:
    """Seconds to understand the first query with a word no paper has: it counts the words of every
    paper's text for the speller (kg/search/spelling.py), once per searcher."""
    started = time.perf_counter()
    searcher.understand("neural radience fields")
    return round(time.perf_counter() - started, 2)


def bench_synthetic(work: Path, embedder: Embedder, size: int, distinct: int, count: int) -> dict[str, Any]:
    """Embeds `distinct` texts with the real model (through the cache), gives the other papers those
    vectors with a small perturbation (so no two are equal), and builds and queries the index."""
    vocab = Vocabulary.load(ROOT / "data")
    papers = synthetic_papers(size, vocab, distinct)
    texts = [paper_text(paper, vocab) for paper in papers]
    started = time.perf_counter()
    base, embedded = EmbeddingCache(work / "cache", embedder.name).embed(texts[:distinct], embedder.encode)
    embed_s = time.perf_counter() - started
    noise = np.random.default_rng(0).standard_normal((size, base.shape[1])).astype(np.float32) * 0.02
    vectors = base[np.arange(size) % distinct] + noise
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    folder = work / f"synthetic-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    manifest = write_index(folder, texts, vectors, embedder.name, kind="flat")
    write_s = time.perf_counter() - started
    build = synthetic_build(folder, papers, manifest)
    started = time.perf_counter()
    entry = check_index(folder, build.manifest, len(papers), embedder.name)
    searcher = Searcher(build, vocab, embedder, load_dense(folder, entry), load_lexical(folder, len(papers)))
    load_s = time.perf_counter() - started
    figures: dict[str, Any] = {"papers": size, "distinct_texts_embedded": distinct}
    if embedded:
        figures["embedding_texts_per_s"] = round(embedded / embed_s, 1)
    figures.update({
        "index_write_s (FAISS + BM25 + npy, vectors given)": round(write_s, 1),
        "searcher_load_s (facet table included)": round(load_s, 2),
        "first_misspelt_query_s (builds the speller)": first_misspelt_query_s(searcher),
        "latency": query_latencies(searcher, count),
        "dense_index_kinds": hnsw_comparison(searcher.dense, embedder.encode(QUERIES)),
        "peak_mb": round(peak_mb()),
    })
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--synthetic", type=int, nargs="*", default=[100_000],
                        help="Synthetic corpus sizes (none: skip).")
    parser.add_argument("--distinct", type=int, default=5000, help="Distinct synthetic texts to embed.")
    parser.add_argument("--queries", type=int, default=200, help="Queries per latency figure.")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "tfkg-search-bench")
    args = parser.parse_args()
    started = time.perf_counter()
    embedder = Embedder.load(settings.get("model"))  # TFKG_MODEL, as ingest uses it: the shipped MiniLM unless set
    report: dict[str, Any] = {"model_load_s (torch import included)": round(time.perf_counter() - started, 2),
                              "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    report["bundled"] = bench_bundled(args.work, embedder, args.queries)
    for size in args.synthetic:
        report[f"synthetic_{size}"] = bench_synthetic(args.work, embedder, size, min(args.distinct, size), args.queries)
    report["load_average_1_5_15"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
