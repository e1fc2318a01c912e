"""With no build (or one of an older format) the app builds the list first, offline, and says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.store import BUILD_FORMAT
from tests.app_helpers import assert_no_traceback, open_page, paper_links
from tests.conftest import FIXTURES


@pytest.fixture
def empty_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "build"
    monkeypatch.setenv("TFKG_BUILD", str(folder))
    monkeypatch.setenv("TFKG_LIST", str(FIXTURES / "curate_one_row.md"))
    monkeypatch.setenv("TFKG_CACHE_DIR", str(tmp_path / "cache"))
    return folder


def status_labels(app) -> list[str]:
    return [block.proto.label for block in app.get("status")]


def test_a_missing_build_is_built_first_with_a_progress_box(empty_build: Path):
    app = open_page("search", {"q": "emotional video portraits"})
    assert_no_traceback(app)
    assert json.loads((empty_build / "manifest.json").read_text())["format"] == BUILD_FORMAT
    assert any(label.startswith("Built ") for label in status_labels(app))
    assert [paper_id for paper_id, _ in paper_links(app)] == ["2104.07452"]


def test_a_build_of_an_older_format_is_rebuilt(empty_build: Path):
    empty_build.mkdir(parents=True)
    (empty_build / "manifest.json").write_text(json.dumps({"format": BUILD_FORMAT - 1}))
    app = open_page("explore")
    assert_no_traceback(app)
    assert json.loads((empty_build / "manifest.json").read_text())["format"] == BUILD_FORMAT
    assert {m.label: m.value for m in app.metric}["Papers"] == "1"
