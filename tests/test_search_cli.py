"""`tfkg search` and `tfkg similar` as a user runs them: readable results, JSON, batches, and bad
input as one line on stderr with exit status 1, never a traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli.main import main


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_search_prints_a_ranked_list_that_says_why(bundled_build: Path) -> None:
    code, out, err = run("search", "one-shot", "emotion", "--top", "2", "--build", str(bundled_build))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("2 of ")
    assert lines[1] == "read as: one-shot, emotion"
    assert lines[2].startswith(" 1. EAMM: One-Shot Emotional Talking Face")
    assert "why: matches one-shot, emotion; words one, shot, emotion; similarity" in lines[3]
    assert any(line.startswith("keyword: ") for line in lines)


def test_search_says_which_words_it_read_as_which_constraint(bundled_build: Path) -> None:
    code, out, err = run("search", "animate a single photo with a voice recording, journal papers since 2020",
                         "--top", "1", "--build", str(bundled_build))
    assert code == 0, err
    assert out.splitlines()[1] == ('read as: one-shot ("single photo"), audio-driven ("voice recording"), '
                                   "2020 or later, journal")


def test_search_json_with_filters(bundled_build: Path) -> None:
    code, out, _ = run("search", "talking head", "--year", "2020-2021", "--venue", "cvpr", "--has-code",
                       "--json", "--top", "50", "--build", str(bundled_build))
    assert code == 0
    data = json.loads(out)
    assert data["filters"] == {"year": [2020, 2021], "venues": ["CVPR"], "has_code": True}
    assert data["results"] and all(r["venue"].startswith("CVPR 202") for r in data["results"])
    assert data["total"] == len(data["results"])


def test_a_topic_heading_lists_the_papers_filed_under_it(bundled_build: Path) -> None:
    code, out, _ = run("search", "--topic", "survey", "--json", "--top", "100", "--build", str(bundled_build))
    data = json.loads(out)
    assert code == 0 and data["filters"] == {"topics": ["Survey"]} and data["total"] == len(data["results"]) == 9


def test_an_empty_query_with_a_keyword_lists_papers(bundled_build: Path) -> None:
    code, out, _ = run("search", "--keyword", "Nerf", "--json", "--top", "100", "--build", str(bundled_build))
    data = json.loads(out)
    assert code == 0 and data["total"] == len(data["results"]) == 8


def test_batch_runs_one_query_per_line_and_prints_one_json_object_per_line(bundled_build: Path,
                                                                           tmp_path: Path) -> None:
    queries = tmp_path / "queries.txt"
    queries.write_text("nerf\n\nlip sync dubbing\nCVPR 2023 one-shot\n", encoding="utf-8")
    code, out, _ = run("search", "--batch", str(queries), "--json", "--top", "3", "--build", str(bundled_build))
    assert code == 0
    objects = [json.loads(line) for line in out.splitlines()]
    assert [o["query"] for o in objects] == ["nerf", "lip sync dubbing", "CVPR 2023 one-shot"]
    assert all(len(o["results"]) == 3 for o in objects)


def test_a_bad_batch_line_is_reported_and_the_others_still_run(bundled_build: Path) -> None:
    code, out, _ = run("search", "--batch", "-", "--json", "--build", str(bundled_build), stdin="nerf\n\x07\nemotion\n")
    objects = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [o["query"] for o in objects] == ["nerf", "\x07", "emotion"]
    assert objects[1]["error"].startswith("empty query")


def test_a_batch_with_a_bad_filter_fails_once(bundled_build: Path) -> None:
    code, out, err = run("search", "--batch", "-", "--venue", "CPVR", "--build", str(bundled_build), stdin="a\nb\n")
    assert code == 1 and out == "" and err.count("unknown venue 'CPVR'") == 1


def test_a_batch_file_that_is_not_utf8_is_refused(bundled_build: Path, tmp_path: Path) -> None:
    queries = tmp_path / "latin1.txt"
    queries.write_bytes("émotion\n".encode("latin-1"))
    code, _, err = run("search", "--batch", str(queries), "--build", str(bundled_build))
    assert code == 1 and err.startswith(f"tfkg: error: {queries}: not UTF-8 text")


def test_the_heading_shows_the_filters(bundled_build: Path) -> None:
    code, out, _ = run("search", "nerf", "--year", "2021-2023", "--venue", "CVPR", "--venue", "iccv",
                       "--build", str(bundled_build))
    assert code == 0
    assert out.splitlines()[0].endswith("matching papers (filters: year=2021-2023 venues=CVPR,ICCV)")


def test_similar_prints_the_nearest_papers(bundled_build: Path) -> None:
    code, out, _ = run("similar", "2301.03786", "--top", "3", "--build", str(bundled_build))
    assert code == 0
    assert out.startswith("papers similar to DiffTalk: Crafting Diffusion Models")
    assert out.count("\n 1. ") == 1 and " 3. " in out


@pytest.mark.parametrize(("args", "message"), [
    (["search"], "empty query: give words to search for, or a filter"),
    (["search", "x", "--venue", "CPVR"], "unknown venue 'CPVR' (did you mean CVPR?); values in this build: "),
    (["search", "x", "--year", "2023-2020"], "year range 2023-2020 is backwards; write 2020-2023"),
    (["search", "x", "--year", "recent"], "year 'recent' is not a year or a range"),
    (["search", "x", "--author", "Jane Doe"], "unknown author 'Jane Doe'"),
    (["search", "x", "--topic", "Segmentation"], "unknown topic 'Segmentation'; values in this build: Survey"),
    (["search", "x", "--batch", "-"], "give a QUERY or --batch FILE, not both"),
    (["similar", "no-such-paper"], "no paper with id 'no-such-paper'"),
])
def test_bad_input_is_one_line_on_stderr_and_exit_1(bundled_build: Path, args: list[str], message: str) -> None:
    code, out, err = run(*args, "--build", str(bundled_build))
    assert code == 1 and out == ""
    assert err.startswith(f"tfkg: error: {message}") and err.count("\n") == 1


def test_a_missing_build_says_to_run_ingest(tmp_path: Path) -> None:
    code, _, err = run("search", "nerf", "--build", str(tmp_path / "nowhere"))
    assert code == 1 and "no build here; run `tfkg ingest` first" in err


def test_reading_never_builds_a_build_without_its_index_names_the_command(bundled_build: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFKG_CACHE_DIR", str(tmp_path / "cache"))
    copy = shutil.copytree(bundled_build, tmp_path / "build")
    (copy / "index.faiss").unlink()
    code, out, err = run("search", "nerf", "--top", "1", "--build", str(copy))
    assert code == 1 and out == ""
    assert "the search index is missing or damaged" in err and "tfkg ingest --force" in err
    assert not (copy / "index.faiss").exists() and not (tmp_path / "cache").exists()


def test_a_cut_papers_file_is_a_damaged_build_not_a_smaller_one(bundled_build: Path, tmp_path: Path) -> None:
    copy = shutil.copytree(bundled_build, tmp_path / "build")
    papers = copy / "papers.jsonl"
    rows = papers.read_text(encoding="utf-8").splitlines(keepends=True)
    papers.write_text("".join(rows[:100]), encoding="utf-8")
    code, _, err = run("stats", "--build", str(copy))
    assert code == 1 and f"papers.jsonl: 100 papers, the manifest says {len(rows)}" in err
    (copy / "graph.json").write_text('{"nodes": [', encoding="utf-8")
    code, _, err = run("stats", "--build", str(copy))
    assert code == 1 and "graph.json: the build is damaged" in err
