"""Asking a server over HTTP: the one retrying `requests` session behind every HTTP client of tfkg.

Reads nothing, writes nothing. `retrying_session` gives a fresh `requests.Session` (tfkg's User-Agent, no
credentials) whose `RetryingAdapter` asks again after 429 and 5xx answers (honouring Retry-After, else doubling
the wait), after timeouts and broken connections, and after failed connections, as far as its `RetryPolicy`
allows, and keeps requests an interval apart. What to ask, and what a failure means, stay with the callers:
ingest/http.py (arXiv and Semantic Scholar: their pace, an unreachable service, the API key on its own requests)
and kg/rdf/store_client.py (a triple store: the credentials in its URL, its errors).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError

log = logging.getLogger("tfkg.http")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CONNECT_TIMEOUT = 3.05  # just over a TCP retransmission window: a reachable host answers well within it
CONNECT_PAUSE = 0.5  # between tries to connect: one lost packet should not end a run
MAX_RETRY_AFTER = 60.0  # a server asking for a longer pause gets its answer returned; the next run asks again
USER_AGENT = "tfkg (a knowledge graph of an awesome-list of papers)"


@dataclass(frozen=True)
class RetryPolicy:
    """How a session asks again.

    retries: retries of one request, after a 429 or 5xx answer, a timeout or a broken connection.
    backoff: seconds before the first retry, doubled for each next one (a longer Retry-After wins).
    read_retries: at most this many of the retries after a timeout or a broken connection (None: all of them).
    connect_attempts: tries to make a connection, CONNECT_PAUSE apart, before its error is raised.
    interval: seconds at least between two requests that reached the server.
    timeout: seconds to wait for an answer (None: each request's own timeout).
    """

    retries: int
    backoff: float
    read_retries: int | None = None
    connect_attempts: int = 1
    interval: float = 0.0
    timeout: float | None = None


class RetryingAdapter(HTTPAdapter):
    """A transport adapter that paces, times out and retries every request sent through it, as its policy says.
    A body is read here (unless the request streams), so that a stalled body is retried too."""

    def __init__(self, policy: RetryPolicy) -> None:
        super().__init__()
        self.policy = policy
        self._ready_at = 0.0
        self.requests_sent = 0

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        policy = self.policy
        if policy.timeout is not None:
            kwargs["timeout"] = (CONNECT_TIMEOUT, policy.timeout)
        attempt = failed_reads = failed_connects = 0
        while True:
            time.sleep(max(0.0, self._ready_at - time.monotonic()))
            last = attempt == policy.retries
            retry_after = None
            reached = True
            try:
                self.requests_sent += 1
                response = super().send(request, **kwargs)
                if not kwargs.get("stream"):
                    response.content  # noqa: B018 - read the body here, so that a stalled body is retried too
            except (requests.ConnectionError, requests.Timeout) as error:
                if cannot_connect(error):
                    failed_connects += 1
                    if failed_connects >= policy.connect_attempts:
                        raise
                    log.debug("%s: %s; trying to connect again", request_host(request), reason(error))
                    reached = False  # nothing reached the server: no pause for its sake, a short one to retry
                    time.sleep(CONNECT_PAUSE)
                    continue
                if last or failed_reads == policy.read_retries:
                    raise
                failed_reads += 1
                log.debug("%s: %s; retrying", request_host(request), reason(error))
            else:
                retry_after = _retry_after(response)
                too_long = retry_after is not None and retry_after > MAX_RETRY_AFTER
                if response.status_code not in RETRY_STATUSES or last or too_long:
                    return response
                response.close()  # a streamed answer would otherwise hold its connection
                log.debug("%s: HTTP %d; retrying", request_host(request), response.status_code)
            finally:
                if reached:
                    self._ready_at = time.monotonic() + policy.interval
            self._ready_at = time.monotonic() + max(retry_after or 0.0, policy.backoff * 2**attempt)
            attempt += 1


def retrying_session(adapter: RetryingAdapter) -> requests.Session:
    """A fresh session that sends every http(s) request through `adapter`, with tfkg's User-Agent. It carries no
    credentials: a client adds its own to its own requests, so that none reaches another server."""
    made = requests.Session()
    made.mount("http://", adapter)
    made.mount("https://", adapter)
    made.headers["User-Agent"] = USER_AGENT
    return made


def cannot_connect(error: requests.RequestException) -> bool:
    """True when no connection was made (refused, no route, DNS failure, connect timeout), as opposed to a
    connection that broke or timed out while the request was under way."""
    cause = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(error, requests.ConnectTimeout) or isinstance(cause, ConnectTimeoutError)


def reason(error: Exception) -> str:
    """The innermost cause of a requests error, without the connection object's repr."""
    cause = error.args[0] if error.args else error
    cause = getattr(cause, "reason", cause)
    return str(cause).rsplit("): ", 1)[-1].rsplit(">: ", 1)[-1]


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


def request_host(request: requests.PreparedRequest) -> str:
    """The host (and port) a request goes to, for messages."""
    return requests.utils.urlparse(request.url or "").netloc
