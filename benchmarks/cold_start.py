"""Cold start: `tfkg --help` and `tfkg search QUERY` as fresh processes, and the app's first search result.

Each CLI figure is the median wall time of --runs fresh processes (the `tfkg` script beside this
Python, as a user runs it), so it counts interpreter start, imports, loading the build and the query
encoder, and the query. The app's figures come from --app-runs fresh `streamlit run app.py` servers
(started and spoken to as benchmarks/app_bench.py does): seconds from process start to the first
rendered page, and to the first search result after it. Reads: a build (--build, default the `build`
setting; `tfkg ingest --offline` makes the bundled one). Writes: a table on stdout and
benchmarks/out/cold_start.json.

    python benchmarks/cold_start.py
    python benchmarks/cold_start.py --runs 10 --app-runs 3 --query "one-shot diffusion emotion"
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.app_bench import OUT, Session, running_app  # noqa: E402
from benchmarks.measure import measured  # noqa: E402
from kg.core import settings  # noqa: E402
from kg.core.store import read_manifest  # noqa: E402


async def first_result(port: int, started: float, query: str) -> tuple[float, float]:
    """Seconds from server start to the first page, and to the first search result after it."""
    session = await Session.open(port)
    await session.rerun("")
    page = time.perf_counter() - started
    await session.rerun("q=" + urllib.parse.quote_plus(query))
    result = time.perf_counter() - started
    await session.close()
    return page, result


def app_cold_start(build: Path, query: str) -> tuple[float, float]:
    """One fresh app server: (first page, first search result), in seconds from its start."""
    with running_app(build, OUT / "cold_start_server.log") as (port, _, started):
        return asyncio.run(first_result(port, started, query))


@click.command()
@click.option("--build", "build_dir", type=click.Path(path_type=Path), default=lambda: settings.get("build"),
              show_default="the build setting", help="The build to search and serve.")
@click.option("--runs", default=10, show_default=True, help="Fresh processes per CLI command.")
@click.option("--app-runs", default=3, show_default=True, help="Fresh app servers (0: skip the app).")
@click.option("--query", default="one-shot diffusion emotion", show_default=True, help="The query searched.")
def main(build_dir: Path, runs: int, app_runs: int, query: str) -> None:
    """Time the cold start of `tfkg --help`, `tfkg search` and the app on this machine."""
    manifest = read_manifest(build_dir)
    if manifest is None:
        raise click.ClickException(f"{build_dir}: no build; run `tfkg ingest --offline` first")
    tfkg = str(Path(sys.executable).with_name("tfkg"))
    help_times = [measured([tfkg, "--help"])[0] for _ in range(runs)]
    search_times = [measured([tfkg, "search", query, "--build", str(build_dir)])[0] for _ in range(runs)]
    figures = {
        "encoder": manifest.get("encoder", {"kind": "none (a build from before the ONNX export)"}),
        "query": query,
        "tfkg --help": statistics.median(help_times),
        "tfkg search": statistics.median(search_times),
    }
    if app_runs:
        apps = [app_cold_start(build_dir, query) for _ in range(app_runs)]
        figures["app first page"] = statistics.median(page for page, _ in apps)
        figures["app first result"] = statistics.median(result for _, result in apps)
        figures["app first result after first page"] = statistics.median(result - page for page, result in apps)
    figures["machine"] = {"cpus": os.cpu_count(), "build": str(build_dir), "runs": runs, "app_runs": app_runs}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "cold_start.json").write_text(json.dumps(figures, indent=1) + "\n")
    click.echo(f"query encoder of the build: {figures['encoder'].get('kind')}")
    for name, value in figures.items():
        if isinstance(value, float):
            click.echo(f"{name:<36} {value:6.2f} s")
    click.echo(f"tfkg search - tfkg --help: {figures['tfkg search'] - figures['tfkg --help']:.2f} s "
               f"(medians of {runs} processes{f'; app: {app_runs} servers' if app_runs else ''})")


if __name__ == "__main__":
    main()
