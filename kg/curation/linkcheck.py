"""Checking a list's links: which are dead, which have moved, which only fail for now.

Reads: URLs (from a parsed list), a cache of earlier answers (`<cache_dir>/links.json`). Writes: the
cache. Asks with httpx's async client, a few requests at a time and one at a time per host, HEAD first
and GET where HEAD is refused, honouring Retry-After on 429, with timeouts. Outcomes:

  ok            2xx, also after temporary redirects (302, 303, 307)
  moved         a permanent redirect (301, 308): `location` is where it went
  dead          404 or 410
  server_error  5xx (after retries), or another 4xx
  unreachable   no connection (DNS, refused, timed out): what an offline machine sees, never "dead"

The arXiv abs, pdf and version forms of one paper are one link, checked once.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx

from kg.core.links import arxiv_id
from kg.core.store import atomic_write_text

Outcome = Literal["ok", "moved", "dead", "server_error", "unreachable"]
PERMANENT = frozenset({301, 308})
TEMPORARY = frozenset({302, 303, 307})
HEAD_REFUSED = frozenset({403, 405, 501})
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 30.0
CACHE_FILE = "links.json"
# How long an answer is trusted: a dead or moved link stays so for a while; a failure may pass soon.
KEEP_DAYS: dict[Outcome, float] = {"ok": 7, "moved": 7, "dead": 7, "server_error": 1, "unreachable": 0}


@dataclass(frozen=True)
class LinkStatus:
    """What checking one URL found: the outcome, the last status code, where a permanent redirect
    led, a few words of detail, and when (seconds since the epoch)."""

    url: str
    outcome: Outcome
    status: int | None = None
    location: str | None = None
    detail: str = ""
    checked_at: float = 0.0


@dataclass(frozen=True)
class Politeness:
    """Requests under way at once, per host at once, seconds between a host's requests, timeout, retries."""

    concurrency: int = 8
    per_host: int = 1
    interval: float = 0.2
    timeout: float = 10.0
    retries: int = 2


def link_key(url: str) -> str:
    """One key for one resource: an arXiv paper in any of its forms, else the URL without its fragment."""
    ident = arxiv_id(url)
    return f"arxiv:{ident}" if ident else url.split("#", 1)[0]


def check_links(urls: Iterable[str], cache_dir: Path | None = None, politeness: Politeness = Politeness(),
                transport: httpx.AsyncBaseTransport | None = None) -> dict[str, LinkStatus]:
    """The status of every URL (by URL as given), from the cache where fresh, else asked now."""
    by_key: dict[str, list[str]] = {}
    for url in urls:
        by_key.setdefault(link_key(url), []).append(url)
    cache = _read_cache(cache_dir)
    now = time.time()
    fresh = {key: status for key, status in cache.items()
             if now - status.checked_at < KEEP_DAYS[status.outcome] * 86400}
    wanted = {key: urls_[0] for key, urls_ in by_key.items() if key not in fresh}
    asked = asyncio.run(_check_all(wanted, politeness, transport)) if wanted else {}
    if cache_dir is not None and asked:
        _write_cache(cache_dir, {**cache, **asked})
    statuses = {**fresh, **asked}
    return {url: statuses[key] for key, urls_ in by_key.items() for url in urls_}


async def _check_all(wanted: dict[str, str], politeness: Politeness,
                     transport: httpx.AsyncBaseTransport | None) -> dict[str, LinkStatus]:
    limits = asyncio.Semaphore(politeness.concurrency)
    hosts: dict[str, asyncio.Semaphore] = {}
    ready_at: dict[str, float] = {}
    async with httpx.AsyncClient(timeout=politeness.timeout, follow_redirects=False, transport=transport,
                                 headers={"User-Agent": "tfkg link check"}) as client:

        async def one(key: str, url: str) -> tuple[str, LinkStatus]:
            host = urlsplit(url).netloc
            async with limits, hosts.setdefault(host, asyncio.Semaphore(politeness.per_host)):
                await asyncio.sleep(max(0.0, ready_at.get(host, 0.0) - time.monotonic()))
                try:
                    return key, await _check(client, url, politeness)
                finally:
                    ready_at[host] = time.monotonic() + politeness.interval

        return dict(await asyncio.gather(*(one(key, url) for key, url in wanted.items())))


async def _check(client: httpx.AsyncClient, url: str, politeness: Politeness) -> LinkStatus:
    """Follow one URL: HEAD (GET where HEAD is refused), temporary redirects followed, retries on 429
    and 5xx with backoff or Retry-After."""
    current, moved_to, method = url, None, "HEAD"
    hops = attempt = 0
    while True:
        try:
            response = await client.request(method, current)
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            return LinkStatus(url, "unreachable", detail=f"cannot connect: {error}", checked_at=time.time())
        except httpx.TimeoutException:
            if attempt < politeness.retries:
                attempt += 1
                continue
            return LinkStatus(url, "unreachable", detail=f"no answer within {politeness.timeout:g} s",
                              checked_at=time.time())
        except httpx.HTTPError as error:
            return LinkStatus(url, "unreachable", detail=str(error) or type(error).__name__, checked_at=time.time())
        status = response.status_code
        if method == "HEAD" and status in HEAD_REFUSED:
            method = "GET"
            continue
        if status in PERMANENT | TEMPORARY and hops < MAX_REDIRECTS:
            hops += 1
            following = urljoin(current, response.headers.get("Location", ""))
            if status in PERMANENT and moved_to is None and hops == 1:
                moved_to = following
            current = following
            continue
        if status in (429, *range(500, 600)) and attempt < politeness.retries:
            attempt += 1
            await asyncio.sleep(_retry_after(response) or politeness.interval * 2**attempt)
            continue
        return _status(url, status, moved_to, current)


def _status(url: str, status: int, moved_to: str | None, final: str) -> LinkStatus:
    now = time.time()
    if status in (404, 410):
        return LinkStatus(url, "dead", status, detail=f"HTTP {status}", checked_at=now)
    if 200 <= status < 300 and moved_to:
        return LinkStatus(url, "moved", status, final, f"moved permanently to {final}", now)
    if 200 <= status < 300:
        return LinkStatus(url, "ok", status, checked_at=now)
    return LinkStatus(url, "server_error", status, detail=f"HTTP {status}", checked_at=now)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER)


def cached_moves(cache_dir: Path) -> dict[str, str]:
    """Where the links a check found moved permanently now live, by `link_key`, from the cache."""
    now = time.time()
    return {key: status.location for key, status in _read_cache(cache_dir).items()
            if status.outcome == "moved" and status.location and now - status.checked_at < KEEP_DAYS["moved"] * 86400}


def _read_cache(cache_dir: Path | None) -> dict[str, LinkStatus]:
    if cache_dir is None:
        return {}
    try:
        data = json.loads((cache_dir / CACHE_FILE).read_text(encoding="utf-8"))
        return {key: LinkStatus(**value) for key, value in data.items()}
    except (OSError, ValueError, TypeError):
        return {}  # no cache yet, or a damaged one: links are asked again


def _write_cache(cache_dir: Path, statuses: dict[str, LinkStatus]) -> None:
    kept = {key: asdict(status) for key, status in statuses.items() if KEEP_DAYS[status.outcome] > 0}
    atomic_write_text(cache_dir / CACHE_FILE, json.dumps(kept, indent=1, ensure_ascii=False) + "\n")
