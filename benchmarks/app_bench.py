"""Server time per interaction of the web app, alone and under load, its cold start, and its memory.

Starts `streamlit run app.py` on a free local port (the build: --build, default the `build` setting;
made offline first when missing) and talks to it the way the browser does: over its WebSocket, one
rerun request (a protobuf BackMsg) per interaction, timing each from the request to the server's
"script finished" message. So the figures are server time (the script run and the messages it sends),
without any browser rendering. Interactions:
  search        a new query on the Search page
  filter click  the same query with a facet value added (the same work as clicking the facet: one
                search with the filter, and the page drawn again)
  paper page    a paper's page (fields, list rows, similar papers, the graph neighbourhood)
Measured: cold start (process start to the first rendered page, and to the first search result, which
loads the query encoder); then every interaction in one warm session; then 10 sessions searching at
once (each runs the three interactions in a loop; bounded by --rounds and --seconds); and the server's
resident memory with 1 and with 10 sessions. Writes a table on stdout and benchmarks/out/app_bench.json.

    python benchmarks/app_bench.py
    python benchmarks/app_bench.py --sessions 10 --rounds 6 --seconds 90 --build data/build
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from kg.core import settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.measure import LOAD_QUERIES as QUERIES  # noqa: E402
from benchmarks.measure import free_port, latency_summary, rss_mb, wait_until_up  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
FILTERS = ["kind=conference", "code=yes", "year=2022-2023", "kind=preprint"]
PAPERS = ["2301.03786", "2205.15278", "2211.12194", "2301.13430", "2303.11548", "2104.07452"]








class Session:
    """One browser tab, as the server sees it: a WebSocket that asks for reruns."""

    def __init__(self, socket_: Any) -> None:
        self.socket = socket_
        self.exceptions = 0
        """Runs that drew an exception (a traceback) instead of finishing cleanly."""

    @classmethod
    async def open(cls, port: int) -> Session:
        socket_ = await websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                                           origin=f"http://127.0.0.1:{port}", max_size=None)
        return cls(socket_)

    async def rerun(self, query_string: str, page: str = "") -> float:
        """Ask for a run of a page with a query string; the seconds until the run finished."""
        message = BackMsg()
        message.rerun_script.query_string = query_string
        message.rerun_script.page_name = page
        started = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(await self.socket.recv())
            kind = reply.WhichOneof("type")
            if kind == "delta" and reply.delta.new_element.WhichOneof("type") == "exception":
                self.exceptions += 1
            if kind == "script_finished":
                return time.perf_counter() - started

    async def close(self) -> None:
        await self.socket.close()


def interactions(rng: random.Random) -> list[tuple[str, str, str]]:
    """(name, query string, page) of one round: a search, a filter click on it, a paper page."""
    query = "q=" + urllib.parse.quote_plus(rng.choice(QUERIES))
    return [("search", query, ""), ("filter click", f"{query}&{rng.choice(FILTERS)}", ""),
            ("paper page", f"id={rng.choice(PAPERS)}", "paper")]


async def run_rounds(session: Session, rounds: int, deadline: float, seed: int) -> dict[str, list[float]]:
    rng = random.Random(seed)
    times: dict[str, list[float]] = {}
    for _ in range(rounds):
        if time.monotonic() > deadline:
            break
        for name, query_string, page in interactions(rng):
            times.setdefault(name, []).append(await session.rerun(query_string, page))
    return times





async def measure(port: int, pid: int, started: float, sessions: int, rounds: int, seconds: float) -> dict[str, Any]:
    first = await Session.open(port)
    first_page = await first.rerun("")
    cold_page = time.perf_counter() - started
    first_search = await first.rerun("q=" + urllib.parse.quote_plus(QUERIES[0]))
    cold_search = time.perf_counter() - started
    for _name, query_string, page in interactions(random.Random(0)):  # warm every page once
        await first.rerun(query_string, page)
    alone = await run_rounds(first, rounds, time.monotonic() + seconds, seed=1)
    memory_one = rss_mb(pid)

    others = [await Session.open(port) for _ in range(sessions - 1)]
    for other in others:
        await other.rerun("")
    group = [first, *others]
    deadline = time.monotonic() + seconds
    results = await asyncio.gather(*(run_rounds(s, rounds, deadline, seed=10 + i) for i, s in enumerate(group)))
    memory_many = rss_mb(pid)
    loaded: dict[str, list[float]] = {}
    for result in results:
        for name, times in result.items():
            loaded.setdefault(name, []).extend(times)
    exceptions = sum(session.exceptions for session in group)
    for session in group:
        await session.close()
    return {
        "exceptions": exceptions,
        "cold_start": {"first_page_s": cold_page, "first_page_run_s": first_page, "first_search_s": cold_search,
                       "first_search_run_s": first_search},
        "alone": {name: latency_summary(times) for name, times in alone.items()},
        f"{sessions}_sessions": {name: latency_summary(times) for name, times in loaded.items()},
        "memory_mb": {"1_session": memory_one, f"{sessions}_sessions": memory_many},
    }


@contextmanager
def running_app(build: Path, log: Path) -> Iterator[tuple[int, subprocess.Popen, float]]:
    """The app serving a build on a free port, once it answers: (port, server, when it was started);
    stopped on leaving."""
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {**os.environ, "TFKG_BUILD": str(build), "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(port)]
    started = time.perf_counter()
    with log.open("w") as handle:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/_stcore/health", server, "the app")
        yield port, server, started
    finally:
        server.terminate()
        server.wait(timeout=20)


@click.command()
@click.option("--build", "build_dir", type=click.Path(path_type=Path), default=lambda: settings.get("build"),
              show_default="the build setting", help="The build the app serves.")
@click.option("--sessions", default=10, show_default=True, help="Sessions searching at once.")
@click.option("--rounds", default=8, show_default=True, help="Rounds (search, filter click, paper page) per session.")
@click.option("--seconds", default=90.0, show_default=True, help="Time limit of each measured phase.")
def main(build_dir: Path, sessions: int, rounds: int, seconds: float) -> None:
    """Time the app's interactions on this machine, alone and with several sessions at once."""
    with running_app(build_dir, OUT / "app_bench_server.log") as (port, server, started):
        figures = asyncio.run(measure(port, server.pid, started, sessions, rounds, seconds))
    figures["machine"] = {"cpus": os.cpu_count(), "build": str(build_dir)}
    (OUT / "app_bench.json").write_text(json.dumps(figures, indent=1) + "\n")
    cold = figures["cold_start"]
    click.echo(f"cold start (process start to the end of the run): first page {cold['first_page_s']:.1f} s, "
               f"first search result {cold['first_search_s']:.1f} s")
    click.echo(f"{'interaction':<14} {'sessions':>8} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for phase, label in (("alone", "1"), (f"{sessions}_sessions", str(sessions))):
        for name, row in figures[phase].items():
            click.echo(f"{name:<14} {label:>8} {row['n']:>5} {row['p50_ms']:>8.0f} {row['p95_ms']:>8.0f}"
                       f" {row['max_ms']:>8.0f}")
    memory = figures["memory_mb"]
    click.echo("server memory: " + ", ".join(f"{k.replace('_', ' ')} {v:.0f} MB" for k, v in memory.items()))
    click.echo(f"runs that ended in an exception: {figures['exceptions']}")


if __name__ == "__main__":
    main()
