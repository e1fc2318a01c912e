"""`tfkg ingest` builds a list into a build folder atomically; `tfkg stats` reports its counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli.main import main
from kg.core.store import load_build

from .conftest import BUNDLED_LIST, FIXTURES


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def built(tmp_path: Path) -> Path:
    build = tmp_path / "build"
    code, out, _ = run("ingest", "--list", str(FIXTURES / "other_tables.md"), "--build", str(build),
                       "--cache-dir", str(tmp_path / "cache"), "--quiet")
    assert code == 0, out
    return build


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a build (its encoder/ folder's too) by path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_stats_json_gives_the_counts_of_the_bundled_list(bundled_build: Path) -> None:
    code, out, _ = run("stats", "--build", str(bundled_build), "--json")
    assert code == 0
    stats = json.loads(out)
    assert stats["entries"] == 183
    assert stats["entries_per_section"] == {
        "Survey": 10, "2023": 45, "2022": 46, "2021": 35, "2020": 31, "2019": 16, "datasets": 28, "metrics": 15,
    }
    assert stats["papers"] == stats["papers_with_arxiv_id"] + stats["papers_without_arxiv_id"]
    assert stats["nodes"]["paper"] == stats["papers"]
    assert stats["nodes"]["entry"] == 183 + 28 + 15
    assert stats["edges"]["listed_as"] == 183 + 28 + 15
    assert stats["papers_per_venue"]["CVPR"] >= 30
    assert sum(stats["papers_per_year"].values()) == stats["papers"]


def test_stats_text_is_readable(bundled_build: Path) -> None:
    code, out, _ = run("stats", "--build", str(bundled_build))
    assert code == 0
    assert "entries: 183" in out
    assert "papers per venue:" in out
    assert "papers enriched by source: none" in out  # an offline build: an empty table says so


def test_rerun_on_unchanged_input_is_a_no_op_that_says_so(built: Path, tmp_path: Path) -> None:
    before = snapshot(built)
    code, out, _ = run("ingest", "--list", str(FIXTURES / "other_tables.md"), "--build", str(built),
                       "--cache-dir", str(tmp_path / "cache"), "--quiet")
    assert code == 0
    assert "is up to date" in out and "nothing to do" in out
    assert snapshot(built) == before


@pytest.mark.parametrize(
    ("list_name", "reason"),
    [
        ("does-not-exist.md", "no such file"),
        ("no_papers.md", "no paper entries found"),
        ("latin1.md", "not UTF-8"),
        ("conftest.py", "not a markdown file"),
    ],
)
def test_bad_list_gives_one_line_error_and_leaves_the_build_alone(built: Path, list_name: str, reason: str) -> None:
    before = snapshot(built)
    path = FIXTURES / list_name if list_name != "conftest.py" else Path(__file__).with_name("conftest.py")
    code, _, err = run("ingest", "--list", str(path), "--build", str(built))
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("tfkg: error: ") and reason in err and str(path) in err
    assert snapshot(built) == before


def test_failed_ingest_keeps_the_previous_build_and_leaves_no_half_build(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ingest.pipeline

    before = snapshot(built)

    def write_half_then_fail(stage: Path, *args: object) -> None:
        (stage / "parsed.json").write_text("{}")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ingest.pipeline, "write_core", write_half_then_fail)
    with pytest.raises(RuntimeError):
        ingest.pipeline.ingest(ingest.pipeline.IngestOptions(
            BUNDLED_LIST, built, Path(__file__).parents[1] / "data", tmp_path / "cache", progress=False))
    assert snapshot(built) == before
    versions = built.parent / f".{built.name}.versions"
    assert [p.name for p in versions.iterdir() if p.name.startswith("new-")] == []  # no staging folder left


def test_stats_without_a_build_says_what_to_do(tmp_path: Path) -> None:
    code, _, err = run("stats", "--build", str(tmp_path / "nothing"))
    assert code == 1
    assert "no build here; run `tfkg ingest` first" in err


def test_build_round_trips_its_records(bundled_build: Path) -> None:
    build = load_build(bundled_build)
    assert len(build.parsed.entries) == 183
    sadtalker = build.paper("2211.12194")
    assert sadtalker is not None
    assert sadtalker.venue.family == "CVPR" and sadtalker.has_code
    assert build.manifest["inputs"]["list"]["sha256"] == build.parsed.sha256
