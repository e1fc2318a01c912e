"""How tfkg asks the APIs: politely, with short timeouts, retries, and a clear verdict when offline.

Reads nothing, writes nothing: it gives each service (arXiv, Semantic Scholar) a `requests.Session`
whose transport adapter spaces requests by the service's interval, retries timeouts, dropped
connections, 429 and 5xx answers (honouring Retry-After, else doubling the wait), and raises
`Unreachable` when no connection can be made at all after CONNECT_ATTEMPTS tries, so an offline machine
finds out within seconds instead of a round of backed-off retries. The client libraries decide what to ask; this
module decides how.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError

log = logging.getLogger("tfkg.http")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CONNECT_TIMEOUT = 3.05  # just over a TCP retransmission window: a reachable host answers well within it
# A service is unreachable after this many failed connections in a row, a short pause apart: one lost
# packet does not end a run, and an offline machine still knows within seconds.
CONNECT_ATTEMPTS = 3
CONNECT_PAUSE = 0.5
MAX_RETRY_AFTER = 60.0  # a server asking for a longer pause gets its failure recorded; the next run retries


class FetchError(Exception):
    """A request that did not give a usable answer; the papers it was for are retried next run."""


class Unreachable(FetchError):
    """No connection could be made to a service: the machine is offline or the URL is wrong."""


class MalformedResponse(FetchError):
    """A response whose body is not what the API sends (an HTML error page, an empty or cut-off body)."""


@dataclass(frozen=True)
class Politeness:
    """How to ask one service: seconds between requests, seconds to wait for an answer, retries."""

    interval: float
    timeout: float
    retries: int


class PoliteAdapter(HTTPAdapter):
    """A transport adapter that paces, times out and retries every request sent through it."""

    def __init__(self, politeness: Politeness) -> None:
        super().__init__()
        self.politeness = politeness
        self._ready_at = 0.0
        self.requests_sent = 0

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        polite = self.politeness
        kwargs["timeout"] = (CONNECT_TIMEOUT, polite.timeout)
        attempt = 0
        failed_connects = 0
        while True:
            time.sleep(max(0.0, self._ready_at - time.monotonic()))
            last = attempt == polite.retries
            retry_after = None
            reached = True
            try:
                self.requests_sent += 1
                response = super().send(request, **kwargs)
                response.content  # noqa: B018 - read the body here, so that a stalled body is retried too
            except requests.ConnectionError as error:
                if _cannot_connect(error):
                    failed_connects += 1
                    if failed_connects >= CONNECT_ATTEMPTS:
                        raise Unreachable(f"cannot connect to {_host(request)} ({failed_connects} tries): "
                                          f"{_reason(error)}") from error
                    log.debug("%s: %s; trying to connect again", _host(request), _reason(error))
                    reached = False  # nothing reached the server: no pause for politeness, a short one to retry
                    time.sleep(CONNECT_PAUSE)
                    continue
                if last:
                    raise
                log.debug("%s: %s; retrying", _host(request), _reason(error))
            except requests.Timeout:
                if last:
                    raise
                log.debug("%s: no answer within %ss; retrying", _host(request), polite.timeout)
            else:
                retry_after = _retry_after(response)
                too_long = retry_after is not None and retry_after > MAX_RETRY_AFTER
                if response.status_code not in RETRY_STATUSES or last or too_long:
                    return response
                log.debug("%s: HTTP %d; retrying", _host(request), response.status_code)
            finally:
                if reached:
                    self._ready_at = time.monotonic() + polite.interval
            wait = max(retry_after or 0.0, polite.interval * 2**attempt)
            self._ready_at = time.monotonic() + wait
            attempt += 1


@dataclass
class Service:
    """One API: its name for messages, its base URL, its session, and whether it proved unreachable."""

    name: str
    url: str
    politeness: Politeness
    session: requests.Session = field(init=False)
    unreachable: str | None = None
    """Why the service could not be reached in this run; no further request is sent once set."""

    def __post_init__(self) -> None:
        self.session = requests.Session()
        adapter = PoliteAdapter(self.politeness)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = "tfkg (a knowledge graph of an awesome-list of papers)"

    @property
    def requests_sent(self) -> int:
        """HTTP requests sent so far, retries included."""
        adapter = self.session.get_adapter(self.url)
        return adapter.requests_sent if isinstance(adapter, PoliteAdapter) else 0


def _cannot_connect(error: requests.ConnectionError) -> bool:
    """True when no connection was made (refused, no route, DNS failure, connect timeout), as
    opposed to a connection that broke while the request was under way."""
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(error, requests.ConnectTimeout) or isinstance(reason, ConnectTimeoutError)


def _retry_after(response: requests.Response) -> float | None:
    """Seconds a Retry-After header asks for (a number or an HTTP date), if it is there and valid."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _host(request: requests.PreparedRequest) -> str:
    return requests.utils.urlparse(request.url or "").netloc


def _reason(error: Exception) -> str:
    """The innermost cause of a requests error, without the connection object's repr."""
    cause = error.args[0] if error.args else error
    return str(getattr(cause, "reason", cause)).rsplit("): ", 1)[-1]


def describe_body(body: bytes) -> str:
    """A few words on what a response body is, for a failure message."""
    head = body.lstrip()[:200].lower()
    if not head:
        return "empty body"
    if head.startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    return f"{len(body)} bytes starting {body.lstrip()[:40]!r}"
