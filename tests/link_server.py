"""A web server on 127.0.0.1 that shows every behaviour a link checker meets: pages that are fine, gone,
moved, failing, slow, rate limited, or refusing HEAD. Use as a context manager; `url(path)` names a page."""

from __future__ import annotations

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class LinkServer:
    """Pages: /ok, /gone (404), /gone-for-good (410), /moved (301 to /ok), /moved-308 (308 to /ok),
    /temporary (302 to /ok), /moved-to-gone (301 to /gone), /broken (500), /no-head (405 to HEAD, 200 to
    GET), /busy (429 with Retry-After: 1 the first time, then 200), /slow (answers after `slow` seconds).
    Every response waits `latency` seconds first."""

    def __init__(self, latency: float = 0.0, slow: float = 3.0) -> None:
        self.latency = latency
        self.slow = slow
        self.hits: Counter[tuple[str, str]] = Counter()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> LinkServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._server.server_port}{path}"


def _handler(server: LinkServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_HEAD(self) -> None:
            self._answer()

        def do_GET(self) -> None:
            self._answer()

        def _answer(self) -> None:
            path = self.path.split("?")[0]
            server.hits[(self.command, path)] += 1
            time.sleep(server.latency)
            if path.startswith("/n/"):  # /n/<anything>: a fine page, for benchmarks
                path = "/ok"
            if path == "/slow":
                time.sleep(server.slow)
            status, headers = {
                "/ok": (200, {}),
                "/gone": (404, {}),
                "/gone-for-good": (410, {}),
                "/moved": (301, {"Location": "/ok"}),
                "/moved-308": (308, {"Location": "/ok"}),
                "/temporary": (302, {"Location": "/ok"}),
                "/moved-to-gone": (301, {"Location": "/gone"}),
                "/broken": (500, {}),
                "/slow": (200, {}),
            }.get(path, (404, {}))
            if path == "/no-head":
                status = 405 if self.command == "HEAD" else 200
            if path == "/busy":
                first = server.hits[(self.command, path)] == 1
                status, headers = (429, {"Retry-After": "1"}) if first else (200, {})
            body = b"" if self.command == "HEAD" else b"page"
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
