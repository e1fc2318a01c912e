"""Latency, errors and memory of the HTTP API (`tfkg serve`) under concurrent clients.

Starts `tfkg serve` (uvicorn, one process) on a free loopback port over a build (--build, default the
`build` setting), waits until it answers, warms each kind of request once, then runs --clients clients at
once (httpx, asyncio, one connection each), each sending requests drawn from a fixed mix until --requests
have been sent in all or --seconds have passed:
  search   /api/search with a query (half of them with a filter too)
  paper    /api/papers/ID (a random paper of the build)
  similar  /api/papers/ID/similar
  sparql   /sparql: a SELECT (papers per venue), an ASK or a DESCRIBE, in turn
Measured: per kind and over all, p50 and p95 latency and the errors (any status but 200, or a failed
connection); throughput; the server's resident memory (VmRSS of the server process, sampled every 0.2 s:
after warm-up, and the peak under load; the short-lived SPARQL query processes are not counted).
Writes a table on stdout and benchmarks/out/api_load.json.

    python benchmarks/api_load.py
    python benchmarks/api_load.py --clients 10 --requests 500 --build data/build
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import click
import httpx

from kg.core import settings
from kg.core.store import load_build

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.measure import LOAD_QUERIES as QUERIES  # noqa: E402
from benchmarks.measure import free_port, latency_summary, rss_mb, wait_until_up  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
FILTERS = [{}, {"year": "2022-2023"}, {"has_code": "true"}, {"venue_kind": "conference"}]
SPARQL = [
    "SELECT ?venue (COUNT(?p) AS ?papers) WHERE { ?p a schema:ScholarlyArticle ; schema:isPartOf ?venue } "
    "GROUP BY ?venue ORDER BY DESC(?papers) LIMIT 10",
    "ASK { ?p schema:about concept:nerf }",
    "DESCRIBE paper:{id}",
]
KINDS = ("search", "paper", "similar", "sparql")








def request_for(kind: str, rng: random.Random, paper_ids: list[str]) -> tuple[str, dict[str, Any]]:
    """(path, query parameters) of one request of a kind."""
    paper = rng.choice(paper_ids)
    if kind == "search":
        return "/api/search", {"q": rng.choice(QUERIES), "limit": 10, **rng.choice(FILTERS)}
    if kind == "paper":
        return f"/api/papers/{paper}", {}
    if kind == "similar":
        return f"/api/papers/{paper}/similar", {"limit": 10}
    return "/sparql", {"query": rng.choice(SPARQL).replace("{id}", paper)}


async def client(http: httpx.AsyncClient, number: int, paper_ids: list[str], budget: list[int], deadline: float,
                 timings: dict[str, list[float]], errors: dict[str, list[str]]) -> None:
    """One client: requests of a random kind, one after another, while the shared budget lasts."""
    rng = random.Random(number)
    while budget[0] > 0 and time.monotonic() < deadline:
        budget[0] -= 1
        kind = rng.choice(KINDS)
        path, params = request_for(kind, rng, paper_ids)
        started = time.perf_counter()
        try:
            answer = await http.get(path, params=params)
            failed = None if answer.status_code == 200 else f"{answer.status_code} {path}"
        except httpx.HTTPError as error:
            failed = f"{type(error).__name__} {path}"
        timings[kind].append(time.perf_counter() - started)
        if failed:
            errors[kind].append(failed)


async def sample_memory(pid: int, peak: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], rss_mb(pid))
        await asyncio.sleep(0.2)


async def measure(base: str, pid: int, paper_ids: list[str], clients: int, requests: int,
                  seconds: float) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        rng = random.Random(0)
        for kind in KINDS:  # warm each kind once (and the SPARQL forms)
            for _ in range(3):
                path, params = request_for(kind, rng, paper_ids)
                (await http.get(path, params=params)).raise_for_status()
        idle = rss_mb(pid)
        timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
        errors: dict[str, list[str]] = {kind: [] for kind in KINDS}
        peak, stop = [idle], asyncio.Event()
        sampler = asyncio.create_task(sample_memory(pid, peak, stop))
        budget = [requests]
        started = time.perf_counter()
        await asyncio.gather(*(client(http, n, paper_ids, budget, time.monotonic() + seconds, timings, errors)
                               for n in range(clients)))
        elapsed = time.perf_counter() - started
        stop.set()
        await sampler
    every = [t for kind in KINDS for t in timings[kind]]
    rows = {kind: latency_summary(timings[kind]) | {"errors": len(errors[kind])} for kind in KINDS}
    rows["all"] = latency_summary(every) | {"errors": sum(len(errors[kind]) for kind in KINDS)}
    return {"clients": clients, "requests": len(every), "seconds": elapsed, "per_second": len(every) / elapsed,
            "latency": rows, "memory_mb": {"after_warm_up": idle, "peak_under_load": peak[0]},
            "error_examples": sorted({e for kind in KINDS for e in errors[kind]})[:10]}






@click.command()
@click.option("--build", "build_dir", type=click.Path(path_type=Path), default=lambda: settings.get("build"),
              show_default="the build setting", help="The build to serve.")
@click.option("--clients", default=50, show_default=True, help="Clients sending requests at once.")
@click.option("--requests", default=2000, show_default=True, help="Requests in all.")
@click.option("--seconds", default=150.0, show_default=True, help="Time limit of the measured run.")
def main(build_dir: Path, clients: int, requests: int, seconds: float) -> None:
    """Load-test `tfkg serve` on this machine with concurrent clients."""
    OUT.mkdir(parents=True, exist_ok=True)
    paper_ids = [paper.id for paper in load_build(build_dir).papers]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    tfkg = str(Path(sys.executable).with_name("tfkg"))
    with (OUT / "api_load_server.log").open("w") as log:
        server = subprocess.Popen([tfkg, "serve", "--port", str(port), "--build", str(build_dir)], env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
    try:
        start_s = wait_until_up(base + "/api/stats", server, "tfkg serve")
        figures = asyncio.run(measure(base, server.pid, paper_ids, clients, requests, seconds))
    finally:
        server.terminate()
        server.wait(timeout=30)
    figures["start_s"] = start_s
    figures["machine"] = {"cpus": os.cpu_count(), "build": str(build_dir), "papers": len(paper_ids)}
    (OUT / "api_load.json").write_text(json.dumps(figures, indent=1) + "\n")
    click.echo(f"tfkg serve answered {start_s:.1f} s after start; {figures['requests']} requests from {clients} "
               f"clients in {figures['seconds']:.1f} s ({figures['per_second']:.0f} requests/s)")
    click.echo(f"{'kind':<8} {'n':>6} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, row in figures["latency"].items():
        click.echo(f"{kind:<8} {row['n']:>6} {row['errors']:>6} {row['p50_ms']:>8.0f} {row['p95_ms']:>8.0f} "
                   f"{row['max_ms']:>8.0f}")
    memory = figures["memory_mb"]
    click.echo(f"server memory (VmRSS): {memory['after_warm_up']:.0f} MB after warm-up, "
               f"{memory['peak_under_load']:.0f} MB at the peak under load")
    for example in figures["error_examples"]:
        click.echo(f"error: {example}")


if __name__ == "__main__":
    main()
