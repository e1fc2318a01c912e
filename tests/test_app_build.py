"""The app only reads: with no build, or one of an older format, it says which command makes one and
builds nothing itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.core.store import BUILD_FORMAT
from tests.app_helpers import assert_no_traceback, open_page
from tests.conftest import FIXTURES


@pytest.fixture
def empty_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "build"
    monkeypatch.setenv("TFKG_BUILD", str(folder))
    monkeypatch.setenv("TFKG_LIST", str(FIXTURES / "curate_one_row.md"))
    monkeypatch.setenv("TFKG_CACHE_DIR", str(tmp_path / "cache"))
    return folder


def shown_errors(app) -> str:
    return " ".join(e.value for e in app.error).replace("\\", "")  # the message is escaped markdown


def test_a_missing_build_is_named_with_the_command_that_makes_it(empty_build: Path) -> None:
    app = open_page("search", {"q": "emotional video portraits"})
    assert_no_traceback(app)
    assert str(empty_build) in shown_errors(app) and "tfkg ingest" in shown_errors(app)
    assert not empty_build.exists()


def test_a_build_of_an_older_format_is_named_not_rebuilt(empty_build: Path) -> None:
    empty_build.mkdir(parents=True)
    (empty_build / "manifest.json").write_text(json.dumps({"format": BUILD_FORMAT - 1}))
    app = open_page("explore")
    assert_no_traceback(app)
    assert "run `tfkg ingest`" in shown_errors(app)
    assert json.loads((empty_build / "manifest.json").read_text())["format"] == BUILD_FORMAT - 1
