"""How tfkg asks the APIs: politely, with short timeouts, retries, and a clear verdict when offline.

Reads nothing, writes nothing: it gives each service (arXiv, Semantic Scholar) a session of kg/core/http.py
(which retries timeouts, dropped connections, 429 and 5xx answers, honouring Retry-After, else doubling the wait)
set to the service's politeness: requests spaced by its interval, its timeout and retries, and CONNECT_ATTEMPTS
tries to connect before `Unreachable` is raised, so an offline machine finds out within seconds instead of a
round of backed-off retries. The client libraries decide what to ask; this module decides how.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests

from kg.core.http import RetryingAdapter, RetryPolicy, cannot_connect, reason, request_host, retrying_session

# A service is unreachable after this many failed connections in a row (kg/core/http.py pauses between them):
# one lost packet does not end a run, and an offline machine still knows within seconds.
CONNECT_ATTEMPTS = 3


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

    def policy(self) -> RetryPolicy:
        """The session's retry policy: requests `interval` apart, retries waiting twice as long each time."""
        return RetryPolicy(retries=self.retries, backoff=self.interval, connect_attempts=CONNECT_ATTEMPTS,
                           interval=self.interval, timeout=self.timeout)


class PoliteAdapter(RetryingAdapter):
    """A retrying adapter that calls its service unreachable once no connection can be made."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        try:
            return super().send(request, **kwargs)
        except requests.ConnectionError as error:
            if not cannot_connect(error):
                raise
            raise Unreachable(f"cannot connect to {request_host(request)} ({self.policy.connect_attempts} tries): "
                              f"{reason(error)}") from error


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
        self.session = retrying_session(PoliteAdapter(self.politeness.policy()))

    @property
    def requests_sent(self) -> int:
        """HTTP requests sent so far, retries included."""
        adapter = self.session.get_adapter(self.url)
        return adapter.requests_sent if isinstance(adapter, PoliteAdapter) else 0


def describe_body(body: bytes) -> str:
    """A few words on what a response body is, for a failure message."""
    head = body.lstrip()[:200].lower()
    if not head:
        return "empty body"
    if head.startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    return f"{len(body)} bytes starting {body.lstrip()[:40]!r}"
