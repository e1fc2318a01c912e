"""The Curate page: duplicate groups, defects and gaps, list lines, and the corrected list downloads."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.parse import parse_text
from kg.core.store import load_build
from tests.app_helpers import assert_no_traceback, downloads, open_page, texts

pytestmark = pytest.mark.usefixtures("app_build")


def line_links(app) -> list[str]:
    return [link.proto.query_string for link in app.get("page_link") if link.proto.page == "curate"]


def test_the_curate_page_lists_duplicate_groups_with_their_list_lines():
    app = open_page("curate")
    assert_no_traceback(app)
    assert {"line=55", "line=98"} <= set(line_links(app))  # SadTalker, listed under 2023 and 2022
    assert "Keep line 55" in texts(app)


def test_the_filter_narrows_the_groups_and_defects():
    app = open_page("curate")
    all_defects = len(app.dataframe[0].value)
    app.text_input(key="curate_filter").input("SadTalker").run()
    assert set(line_links(app)) == {"line=55", "line=98"}
    assert set(app.dataframe[0].value["line"]) <= {55, 98}
    app.text_input(key="curate_filter").input("").run()
    app.multiselect(key="curate_kinds").select("placeholder").run()
    placeholders = app.dataframe[0].value
    assert 0 < len(placeholders) < all_defects and set(placeholders["kind"]) == {"placeholder"}


def test_a_line_in_the_url_shows_the_list_around_it():
    app = open_page("curate", {"line": "55"})
    assert_no_traceback(app)
    excerpt = app.code[0].value
    assert "→   55 │ |SadTalker" in excerpt
    assert "54 │" in excerpt and "58 │" in excerpt


@pytest.mark.parametrize("line", ["abc", "99999"])
def test_a_bad_line_in_the_url_shows_a_message(line: str):
    app = open_page("curate", {"line": line})
    assert_no_traceback(app)
    assert app.warning


def test_the_downloads_give_the_corrected_list_and_its_diff(app_build: Path, monkeypatch: pytest.MonkeyPatch,
                                                            vocab):
    with downloads(monkeypatch) as served:
        app = open_page("curate")
    assert_no_traceback(app)
    stem = "awesome-talking-face-generation"
    corrected = served[f"{stem}.corrected.md"].decode()
    diff = served[f"{stem}.diff"].decode()
    build = load_build(app_build)
    reparsed = parse_text(corrected, "corrected.md", "", vocab)
    assert len(reparsed.entries) < len(build.parsed.entries)
    assert diff.startswith("--- ") and "\n+++ corrected" in diff
    assert b'"duplicates"' in served[f"{stem}.curation.json"]


def test_the_suggestions_tab_asks_for_peer_lists_when_it_has_nothing_to_suggest():
    app = open_page("curate")
    assert_no_traceback(app)
    assert any("upload a peer list" in info.value for info in app.info)
    assert app.get("file_uploader")
