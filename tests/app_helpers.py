"""Driving the Streamlit app in tests with `streamlit.testing.v1.AppTest`: open a page with a query
string, read what it shows (paper links, messages), and catch the files its download buttons serve."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
PAGES = {"search": "webapp/pages/search.py", "paper": "webapp/pages/paper.py", "explore": "webapp/pages/explore.py",
         "curate": "webapp/pages/curate.py", "export": "webapp/pages/export.py"}
TIMEOUT = 120  # the first run in a session loads the embedding model


def open_page(page: str = "search", params: dict[str, Any] | None = None) -> AppTest:
    """The app, run once on a page with a query string (TFKG_BUILD must name the build to show)."""
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if page != "search":
        app.run()
        app.switch_page(PAGES[page])
    app.query_params.update(params or {})
    return app.run()


def paper_links(app: AppTest) -> list[tuple[str, str]]:
    """(paper id, label as Markdown) of every link to a paper page, in page order."""
    links = []
    for link in app.get("page_link"):
        if link.proto.page == "paper" and link.proto.query_string.startswith("id="):
            links.append((link.proto.query_string.removeprefix("id="), link.proto.label))
    return links


RENDERED = ("markdown", "caption", "title", "header", "subheader", "error", "warning", "info", "success")
"""Elements whose text is rendered as Markdown (code blocks are shown as plain text)."""


def texts(app: AppTest, kinds: tuple[str, ...] = (*RENDERED, "code")) -> str:
    """The text of every element of the given kinds (default: all text and code), one per line."""
    return "\n".join(str(element.value) for kind in kinds for element in app.get(kind))


def assert_no_traceback(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]


class RecordingStorage(MemoryMediaFileStorage):
    """The in-memory media storage AppTest uses, keeping what each download button would serve."""

    served: ClassVar[dict[str, bytes]] = {}

    def load_and_get_id(self, path_or_data: str | bytes, mimetype: str, kind: Any, filename: str | None = None) -> str:
        file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
        if filename:
            RecordingStorage.served[filename] = self._files_by_id[file_id].content
        return file_id


@contextmanager
def downloads(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, bytes]]:
    """Within the block, file name -> bytes of every download button an AppTest run draws."""
    RecordingStorage.served = {}
    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", RecordingStorage)
    yield RecordingStorage.served
