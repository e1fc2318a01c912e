"""Text from the list reaches the page escaped: no HTML, no Markdown or Streamlit directives, and only
http(s) links, on every page that shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app_helpers import RENDERED, assert_no_traceback, open_page, paper_links, texts
from tests.conftest import FIXTURES, ROOT

TITLE_ID = "talking-face-red-red-x-2-bold"


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ingest.pipeline import IngestOptions, ingest

    folder = tmp_path_factory.mktemp("hostile") / "build"
    ingest(IngestOptions(FIXTURES / "app_hostile.md", folder, ROOT / "data", tmp_path_factory.mktemp("cache"),
                         progress=False))
    return folder


@pytest.fixture(autouse=True)
def show_hostile_build(hostile_build: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFKG_BUILD", str(hostile_build))


def assert_safe(app) -> None:
    assert_no_traceback(app)
    assert not any(element.proto.allow_html for element in app.markdown)
    shown = texts(app, RENDERED) + "\n".join(label for _, label in paper_links(app))
    for unsafe in ("](javascript", "](data:", ":red[", "<img", "<script"):
        assert unsafe not in shown


@pytest.mark.parametrize("page, params", [
    ("search", {"q": "talking face"}),
    ("paper", {"id": TITLE_ID}),
    ("paper", {"id": "2305.99999"}),
    ("curate", {"line": "7"}),
    ("explore", {}),
    ("export", {"around": f"paper/{TITLE_ID}"}),
])
def test_list_text_is_shown_escaped(page: str, params: dict[str, str]):
    assert_safe(open_page(page, params))


def test_a_title_with_directives_reads_as_written():
    app = open_page("paper", {"id": TITLE_ID})
    assert app.title[0].value == "Talking Face \\:red\\[Red\\] \\$x\\^2\\$ Bold"


def test_only_http_links_become_links():
    app = open_page("search", {"q": "talking face"})
    links = [m.value for m in app.caption if "](" in m.value]
    assert links and all("](https://" in link or "](http://" in link for link in links)
