"""The link checker on 2,000 links served by local servers with added latency: wall time, requests per
second, and what per-host politeness costs.

Starts `--hosts` servers on 127.0.0.1 (tests/link_server.py), each answering after `--latency` seconds,
and checks `--links` distinct URLs spread over them, with no cache.

    python benchmarks/linkcheck_bench.py
    python benchmarks/linkcheck_bench.py --links 2000 --hosts 20 --latency 0.05 --per-host 2 --interval 0
"""

from __future__ import annotations

import sys
import time
from contextlib import ExitStack
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.curation.linkcheck import Politeness, check_links  # noqa: E402
from tests.link_server import LinkServer  # noqa: E402


@click.command()
@click.option("--links", default=2000, show_default=True, help="How many distinct URLs.")
@click.option("--hosts", default=20, show_default=True, help="How many servers (hosts) they are spread over.")
@click.option("--latency", default=0.05, show_default=True, help="Seconds each server waits before answering.")
@click.option("--concurrency", default=Politeness().concurrency, show_default=True)
@click.option("--per-host", default=Politeness().per_host, show_default=True)
@click.option("--interval", default=Politeness().interval, show_default=True, help="Seconds between a host's requests.")
def main(links: int, hosts: int, latency: float, concurrency: int, per_host: int, interval: float) -> None:
    """Check the links once and print the figures."""
    politeness = Politeness(concurrency=concurrency, per_host=per_host, interval=interval, timeout=10, retries=1)
    with ExitStack() as stack:
        servers = [stack.enter_context(LinkServer(latency=latency)) for _ in range(hosts)]
        urls = [servers[i % hosts].url(f"/n/{i}") for i in range(links)]
        started = time.perf_counter()
        statuses = check_links(urls, politeness=politeness)
        seconds = time.perf_counter() - started
    ok = sum(status.outcome == "ok" for status in statuses.values())
    click.echo(f"{links} links on {hosts} hosts, {latency * 1000:.0f} ms latency, concurrency {concurrency}, "
               f"{per_host} per host, {interval} s between a host's requests: {seconds:.1f} s, "
               f"{links / seconds:.0f} links/s, {ok} ok")


if __name__ == "__main__":
    main()
