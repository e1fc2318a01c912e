"""`tfkg suggest --arxiv-snapshot` on a synthetic snapshot of 2,000,000 records: time and peak memory.

Writes the snapshot (the arXiv bulk JSON-lines format: id, title, abstract, categories, versions) to a
temporary folder, about 1 record in 1,000 on the list's topic, then runs the command as a process.

    python benchmarks/snapshot_stream.py
    python benchmarks/snapshot_stream.py --records 200000
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import measured

ON_TOPIC = ("audio-driven talking head generation with diffusion", "one-shot talking face with emotion control",
            "lip sync for speaking portraits with neural radiance fields")
OFF_TOPIC = ("protein folding with graph networks", "sorting networks for databases", "galaxy rotation curves",
             "reinforcement learning for robot grasping", "a survey of compilers")
CATEGORIES = ("cs.CV", "cs.DB", "astro-ph", "q-bio.BM", "cs.RO", "cs.PL", "cs.LG")


def write_snapshot(path: Path, records: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for number in range(records):
            on_topic = rng.random() < 0.001
            title = f"{rng.choice(ON_TOPIC if on_topic else OFF_TOPIC).title()} {number}"
            record = {"id": f"{rng.randint(1501, 2512)}.{number % 100000:05d}", "title": title,
                      "abstract": f"We study {title.lower()}. " * 3,
                      "categories": "cs.CV cs.GR" if on_topic else rng.choice(CATEGORIES),
                      "versions": [{"version": "v1", "created": "Mon, 1 Jan 2024 00:00:00 GMT"}]}
            out.write(json.dumps(record) + "\n")


@click.command()
@click.option("--records", default=2_000_000, show_default=True)
def main(records: int) -> None:
    """Stream a synthetic snapshot through `tfkg suggest` and print time, peak memory and file size."""
    tfkg = str(Path(sys.executable).with_name("tfkg"))
    with tempfile.TemporaryDirectory() as temp:
        snapshot = Path(temp) / "snapshot.jsonl"
        write_snapshot(snapshot, records)
        size = snapshot.stat().st_size / 1e6
        seconds, peak = measured([tfkg, "suggest", "--arxiv-snapshot", str(snapshot), "--top", "20", "--json",
                                  "--no-citations"])
    click.echo(f"{records:,} records ({size:,.0f} MB): {seconds:.1f} s, peak {peak:,.0f} MB")


if __name__ == "__main__":
    main()
