"""Times `tfkg ingest` of a list: the median of several full rebuilds, and of no-op reruns.

Usage: python benchmarks/ingest_bench.py [--list PATH] [--runs 5] [--arxiv-snapshot FILE]
Each run is a fresh process (`tfkg ingest --offline`, as a user would run it), so the figure
includes interpreter start, imports and the search index; enrichment reads only the cache, so no
network time counts. The first run embeds every paper; later ones take embeddings from the cache.
With --arxiv-snapshot the papers it holds get their abstracts from it, as an online build would from
arXiv, so a first build embeds abstracts too:

    python benchmarks/ingest_bench.py --arxiv-snapshot benchmarks/judged/arxiv_long_summaries.jsonl
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--list", default=str(ROOT / "data" / "awesome-talking-face-generation.md"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--arxiv-snapshot", help="an arXiv metadata snapshot (JSON lines) giving abstracts")
    args = parser.parse_args()
    tfkg = str(Path(sys.executable).with_name("tfkg"))
    with tempfile.TemporaryDirectory() as folder:
        build, cache = Path(folder) / "build", Path(folder) / "cache"
        base = [tfkg, "ingest", "--list", args.list, "--build", str(build), "--cache-dir", str(cache),
                "--quiet", "--offline"]
        if args.arxiv_snapshot:
            base += ["--arxiv-snapshot", args.arxiv_snapshot]
        first = timed(base)  # fills the caches (embeddings) once
        full = [timed([*base, "--force"]) for _ in range(args.runs)]
        noop = [timed(base) for _ in range(args.runs)]
    print(f"list: {args.list}" + (f", abstracts from {args.arxiv_snapshot}" if args.arxiv_snapshot else ""))
    print(f"first ingest (empty caches): {first:.2f} s")
    print(f"full rebuild (--force), median of {args.runs}: {statistics.median(full):.2f} s")
    print(f"no-op rerun, median of {args.runs}: {statistics.median(noop):.2f} s")


if __name__ == "__main__":
    main()
