"""A fake arXiv API and Semantic Scholar Graph API on 127.0.0.1, for the tests and the benchmark.

It answers in the services' wire formats, from fixture data given to it: the arXiv API's Atom feed
(opensearch and arxiv: elements, an error entry for a malformed id) for `GET /api/query?id_list=`,
and the Graph API's JSON for `POST /graph/v1/paper/batch?fields=` (a list aligned with the ids, null
for unknown ones) and `GET /graph/v1/paper/search/match?query=&fields=` (the closest title with a
matchScore, or 404 "Title match not found"). Faults queued with `fail_next` replace the next answers
of a service: statuses with their usual bodies (429 with Retry-After, 500, 503), slow answers, HTML
pages, empty or cut-off bodies. Every request is recorded in `seen`.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from lxml import etree
from rapidfuzz import fuzz

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "enrich"
ATOM = "http://www.w3.org/2005/Atom"
NAMESPACES = {"atom": ATOM, "opensearch": "http://a9.com/-/spec/opensearch/1.1/", "arxiv": "http://arxiv.org/schemas/atom"}
ARXIV_ID = re.compile(r"^(\d{4}\.\d{4,5}|[a-z\-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$")
HTML_PAGE = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"


@dataclass(frozen=True)
class Fault:
    """What the server does instead of its normal answer: a status with a body and headers, a pause
    before answering, or the normal answer cut in half."""

    status: int = 200
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    cut_off: bool = False
    path: str = ""
    """When set, the fault waits for a request to a path ending with this one."""

    @classmethod
    def too_many_requests(cls, retry_after: int = 1) -> Fault:
        message = {"message": "Too Many Requests. Please wait and try again or apply for a key for higher rate "
                              "limits.", "code": "429"}
        return cls(429, json.dumps(message).encode(), {"Retry-After": str(retry_after)})

    @classmethod
    def server_error(cls) -> Fault:
        return cls(500, json.dumps({"message": "Internal Server Error"}).encode())

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        return cls(delay=seconds)

    @classmethod
    def html_page(cls, status: int = 200) -> Fault:
        return cls(status, HTML_PAGE, {"Content-Type": "text/html"})

    @classmethod
    def empty(cls) -> Fault:
        return cls(200, b"")


@dataclass(frozen=True)
class Seen:
    """A request the server received: service ("arxiv" or "s2"), method, path, query, JSON body,
    headers, and when it arrived (time.monotonic())."""

    service: str
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]
    at: float


class FakeApis:
    """Both fake services on one free port; use as a context manager."""

    def __init__(self, arxiv_entries: dict[str, bytes], s2_papers: list[dict[str, Any]]) -> None:
        """arxiv_entries: serialized Atom <entry> elements by arXiv id (without version)."""
        self.arxiv_entries = arxiv_entries
        self.s2_papers = s2_papers
        self.seen: list[Seen] = []
        self.faults: dict[str, deque[Fault]] = {"arxiv": deque(), "s2": deque()}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @classmethod
    def from_fixtures(cls, folder: Path = FIXTURES) -> FakeApis:
        """The server for tests/fixtures/enrich: arxiv_feed.xml and s2_papers.json."""
        feed = etree.parse(str(folder / "arxiv_feed.xml")).getroot()
        entries = {}
        for entry in feed.iterfind("atom:entry", NAMESPACES):
            arxiv_id = re.sub(r"v\d+$", "", entry.findtext("atom:id", namespaces=NAMESPACES).split("/abs/")[-1])
            entries[arxiv_id] = etree.tostring(entry)
        return cls(entries, json.loads((folder / "s2_papers.json").read_text(encoding="utf-8")))

    def __enter__(self) -> FakeApis:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def arxiv_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/api/query"

    @property
    def s2_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/graph/v1"

    def fail_next(self, service: str, *faults: Fault) -> None:
        """Answer the next requests to a service ("arxiv" or "s2") with these faults, in order."""
        self.faults[service].extend(faults)

    def count(self, service: str | None = None, path: str = "") -> int:
        """Requests received (of a service, to paths ending with path)."""
        return sum(1 for s in self.seen if service in (None, s.service) and s.path.endswith(path))

    # -- answers ---------------------------------------------------------------------------------

    def answer(self, method: str, path: str, query: dict[str, str], body: bytes) -> tuple[int, str, bytes]:
        """(status, content type, body) of the normal answer to a request."""
        if path.endswith("/api/query") and method == "GET":
            return 200, "application/atom+xml; charset=utf-8", self._feed(query)
        if path.endswith("/paper/batch") and method == "POST":
            return self._batch(query, body)
        if path.endswith("/paper/search/match") and method == "GET":
            return self._match(query)
        return _json(404, {"error": "Requested object not found"})

    def _feed(self, query: dict[str, str]) -> bytes:
        ids = [i for i in query.get("id_list", "").split(",") if i]
        start, size = int(query.get("start", 0)), int(query.get("max_results", 10))
        bad = [i for i in ids if not ARXIV_ID.match(i)]
        found = [self.arxiv_entries[key] for key in (re.sub(r"v\d+$", "", i) for i in ids) if key in self.arxiv_entries]
        entries = [_error_entry(f"incorrect id format for {bad[0]}")] if bad else found[start : start + size]
        title = f"arXiv Query: search_query=&amp;id_list={','.join(ids)}&amp;start={start}&amp;max_results={size}"
        head = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<feed xmlns="{ATOM}" xmlns:opensearch="{NAMESPACES["opensearch"]}" xmlns:arxiv="{NAMESPACES["arxiv"]}">\n'
            f"  <id>https://arxiv.org/api/{abs(hash(tuple(ids))) % 10**12:012d}</id>\n"
            f"  <title>{title}</title>\n"
            "  <updated>2026-11-25T00:00:00Z</updated>\n"
            f'  <link href="https://arxiv.org/api/query?{title.split(": ", 1)[1]}" type="application/atom+xml"/>\n'
            f"  <opensearch:itemsPerPage>{size}</opensearch:itemsPerPage>\n"
            f"  <opensearch:totalResults>{1 if bad else len(found)}</opensearch:totalResults>\n"
            f"  <opensearch:startIndex>{start}</opensearch:startIndex>\n"
        )
        return head.encode() + b"\n".join(entries) + b"\n</feed>\n"

    def _batch(self, query: dict[str, str], body: bytes) -> tuple[int, str, bytes]:
        try:
            ids = json.loads(body)["ids"]
        except (ValueError, KeyError, TypeError):
            return _json(400, {"error": "Body must be a JSON object with an 'ids' list"})
        if len(ids) > 500:
            return _json(400, {"error": "Too many ids. Maximum is 500."})
        fields = query.get("fields", "paperId,title").split(",")
        return _json(200, [_select(self._paper(i), fields) for i in ids])

    def _match(self, query: dict[str, str]) -> tuple[int, str, bytes]:
        wanted = _words(query.get("query", ""))
        scored = [(fuzz.ratio(wanted, _words(p.get("title") or "")), p) for p in self.s2_papers]
        score, best = max(scored, key=lambda pair: pair[0], default=(0.0, None))
        if best is None or score < 60:
            return _json(404, {"error": "Title match not found"})
        fields = query.get("fields", "paperId,title").split(",")
        return _json(200, {"data": [{"matchScore": round(score * 2.1, 4), **_select(best, fields)}]})

    def _paper(self, key: str) -> dict[str, Any] | None:
        scheme, _, value = key.rpartition(":") if key.upper().startswith(("ARXIV:", "DOI:")) else ("", "", key)
        field_name = {"ARXIV": "ArXiv", "DOI": "DOI"}.get(scheme.upper())
        for paper in self.s2_papers:
            external = paper.get("externalIds") if isinstance(paper.get("externalIds"), dict) else {}
            known = str(external.get(field_name, "")) if field_name else str(paper.get("paperId"))
            if known.lower() == value.lower():
                return paper
        return None


def _handler(apis: FakeApis) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            service = "arxiv" if parts.path.endswith("/api/query") else "s2"
            try:
                payload = json.loads(body) if body else None
            except ValueError:
                payload = body
            headers = {k.lower(): v for k, v in self.headers.items()}
            apis.seen.append(Seen(service, self.command, parts.path, query, payload, headers, time.monotonic()))
            waiting = apis.faults[service]
            due = bool(waiting) and parts.path.endswith(waiting[0].path)
            fault = waiting.popleft() if due else Fault()
            time.sleep(fault.delay)
            status, content_type, answer = apis.answer(self.command, parts.path, query, body)
            if fault.body is not None or fault.status != 200:
                status, answer = fault.status, fault.body if fault.body is not None else b""
                content_type = fault.headers.get("Content-Type", "application/json")
            if fault.cut_off:
                answer = answer[: len(answer) // 2]
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(answer)))
                for name, value in fault.headers.items():
                    if name != "Content-Type":
                        self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _json(status: int, data: Any) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps(data).encode()


def _select(paper: dict[str, Any] | None, fields: list[str]) -> dict[str, Any] | None:
    """The paper with only the requested fields ("references.title" selects inside references)."""
    if paper is None:
        return None
    top = {f.split(".")[0] for f in fields} | {"paperId"}
    inner = [f.split(".", 1)[1] for f in fields if f.startswith("references.")]
    selected = {k: v for k, v in paper.items() if k in top}
    if "references" in selected and inner:
        selected["references"] = [{k: v for k, v in r.items() if k in {*inner, "paperId"}}
                                  for r in selected["references"]]
    return selected


def _words(title: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", title.lower()))


def _error_entry(message: str) -> bytes:
    """The entry the arXiv API answers a malformed query with (it has no <published>)."""
    anchor = message.replace(" ", "_")
    return (
        f'<entry>\n    <id>http://arxiv.org/api/errors#{anchor}</id>\n    <title>Error</title>\n'
        f"    <summary>{message}</summary>\n    <updated>2026-11-25T00:00:00-05:00</updated>\n"
        f'    <link href="http://arxiv.org/api/errors#{anchor}" rel="alternate" type="text/html"/>\n'
        f"    <author>\n      <name>arXiv api core</name>\n    </author>\n  </entry>"
    ).encode()
