"""Ingest and curate at scale: time and peak memory of `tfkg ingest --offline` and `tfkg curate` on
synthetic lists of 1,000, 10,000 and 50,000 rows.

Writes each list to a temporary folder: a table (title | accept | paper | code) under year headings,
titles of 6-12 words drawn from a Zipf-like vocabulary, 70% with an arXiv link, 30% with code, and 2% of
rows repeated with a small change (a typo, another venue) so that curation has real work. Each command
runs as its own process; peak memory is that process's maximum resident set size.

    python benchmarks/curate_scale.py                    # 1k, 10k, 50k
    python benchmarks/curate_scale.py --rows 1000 --rows 10000
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

WORDS = 5000
VENUES = ("CVPR", "ICCV", "ECCV", "NeurIPS", "ICLR", "AAAI", "ACM MM", "Arxiv", "TPAMI", "SIGGRAPH")


def synthetic_list(rows: int, seed: int = 0) -> str:
    """A list of `rows` paper rows in the bundled list's table layout, about 2% of them near repeats."""
    rng = random.Random(seed)
    vocabulary = [f"w{index}" for index in range(WORDS)]
    weights = [1 / (rank + 1) for rank in range(WORDS)]
    written: list[str] = []
    lines = ["# Synthetic awesome list", ""]
    for year in range(2026, 2026 - max(1, rows // 2000) - 1, -1):
        lines += [f"## {year}", "", "| title | accept | paper | code |", "| --- | --- | --- | --- |"]
        for _ in range(min(2000, rows - len(written))):
            if written and rng.random() < 0.02:
                title = rng.choice(written)
                title = title[:-1] if rng.random() < 0.5 else title  # a typo, or the same title at another venue
            else:
                title = " ".join(rng.choices(vocabulary, weights, k=rng.randint(6, 12))).capitalize()
                written.append(title)
            paper = f"[paper](https://arxiv.org/abs/{rng.randint(1501, 2512)}.{rng.randint(10000, 99999)})" \
                if rng.random() < 0.7 else ""
            code = f"[code](https://github.com/u{rng.randint(0, 9999)}/r{len(written)})" if rng.random() < 0.3 else ""
            lines.append(f"| {title} | {rng.choice(VENUES)}{year} | {paper} | {code} |")
        lines.append("")
        if len(written) >= rows:
            break
    return "\n".join(lines) + "\n"


@click.command()
@click.option("--rows", "sizes", type=int, multiple=True, default=(1000, 10000, 50000), show_default=True,
              help="List sizes to measure.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def main(sizes: tuple[int, ...], as_json: bool) -> None:
    """Time and peak memory of ingest and curate at each size."""
    figures = []
    tfkg = str(Path(sys.executable).with_name("tfkg"))
    for rows in sizes:
        with tempfile.TemporaryDirectory() as temp:
            folder = Path(temp)
            listed = folder / "list.md"
            listed.write_text(synthetic_list(rows), encoding="utf-8")
            build, cache = folder / "build", folder / "cache"
            ingest = measured([tfkg, "ingest", "--offline", "--quiet", "--list", str(listed), "--build", str(build),
                               "--cache-dir", str(cache)])
            curate = measured([tfkg, "curate", "--json", "-o", str(folder / "report.json"), "--build", str(build)])
            report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        figures.append({"rows": rows, "ingest_s": round(ingest[0], 1), "ingest_mb": round(ingest[1]),
                        "curate_s": round(curate[0], 1), "curate_mb": round(curate[1]),
                        "duplicate_groups": report["summary"]["duplicate_groups"]["certain"]})
        if not as_json:
            click.echo(f"{rows:>6} rows: ingest {ingest[0]:7.1f} s {ingest[1]:7.0f} MB | "
                       f"curate {curate[0]:6.1f} s {curate[1]:6.0f} MB", err=True)
    if as_json:
        click.echo(json.dumps(figures, indent=2))
    else:
        click.echo("| rows | ingest s | ingest peak MB | curate s | curate peak MB | certain duplicate groups |")
        click.echo("|---|---|---|---|---|---|")
        for f in figures:
            click.echo(f"| {f['rows']:,} | {f['ingest_s']} | {f['ingest_mb']} | {f['curate_s']} | {f['curate_mb']} | "
                       f"{f['duplicate_groups']} |")


if __name__ == "__main__":
    main()
