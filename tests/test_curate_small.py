"""Curation of small lists written for the tests: bad input, each remaining kind, optional data, the CLI."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from ingest.papers import build_corpus
from ingest.parse import parse_text
from kg.cli.main import main
from kg.core.model import Paper
from kg.core.store import Build, write_json, write_jsonl
from kg.core.vocab import Vocabulary
from kg.curation.curate import curate
from kg.curation.fix import fix_list
from tests.conftest import FIXTURES, ROOT
from tests.curate_helpers import small_build

DATA = ROOT / "data"


def make(name: str, tmp_path: Path, vocab: Vocabulary, edit: Callable[[Paper], Paper] | None = None) -> Build:
    return small_build(FIXTURES / name, tmp_path / "build", vocab, edit)


# -- bad input -------------------------------------------------------------------------------------


def test_list_without_duplicates_or_defects_reports_none(tmp_path: Path, vocab: Vocabulary) -> None:
    report = curate(make("curate_no_duplicates.md", tmp_path, vocab), DATA)
    assert report.duplicates == ()
    assert report.defects == ()
    assert "## Duplicates (0)" in report.to_markdown()
    text, diff = fix_list(make("curate_no_duplicates.md", tmp_path / "again", vocab), report)
    assert diff == "" and text == (FIXTURES / "curate_no_duplicates.md").read_text(encoding="utf-8")


def test_list_that_is_all_duplicates_becomes_one_merged_row(tmp_path: Path, vocab: Vocabulary) -> None:
    build = make("curate_all_duplicates.md", tmp_path, vocab)
    report = curate(build, DATA)
    (group,) = report.duplicates
    assert group.certain and group.lines == (7, 8, 9)
    assert group.canonical.line == 8
    assert "title_noise" in {d.kind for d in report.defects if d.line == 9}
    text, _ = fix_list(build, report)
    reparsed = parse_text(text, "fixed.md", "", vocab)
    (entry,) = reparsed.entries
    assert entry.venue.raw == "ECCV2022"
    assert [link.url for link in entry.code_links] == ["https://github.com/FeiiYin/StyleHEAT"]
    assert [p.id for p in build_corpus(reparsed, vocab).papers] == ["2203.04036"]


def test_crlf_list_keeps_its_line_endings_and_the_diff_only_its_changes(tmp_path: Path, vocab: Vocabulary) -> None:
    crlf = tmp_path / "source" / "crlf.md"
    crlf.parent.mkdir()
    crlf.write_bytes((FIXTURES / "curate_all_duplicates.md").read_bytes().replace(b"\n", b"\r\n"))
    build = small_build(crlf, tmp_path / "build", vocab)
    text, diff = fix_list(build, curate(build, DATA))
    assert text.count("\r\n") == text.count("\n") == 7
    assert sum(line.startswith(("-|", "+|")) for line in diff.splitlines()) == 4


def test_one_row_list_has_one_cell_tables_and_no_groups(tmp_path: Path, vocab: Vocabulary) -> None:
    report = curate(make("curate_one_row.md", tmp_path, vocab), DATA)
    assert report.duplicates == () and report.defects == ()
    assert report.gaps.venue_by_year.years == (2021,)
    assert report.gaps.venue_by_year.counts == {"CVPR": {2021: 1}}
    assert report.gaps.papers_without_code == ()


def test_empty_titles_are_grouped_only_by_their_links(tmp_path: Path, vocab: Vocabulary) -> None:
    build = make("curate_empty_titles.md", tmp_path, vocab)
    report = curate(build, DATA)
    assert [g.lines for g in report.duplicates] == [(7, 9)]
    assert [e.kind for e in report.duplicates[0].evidence] == ["arxiv_id"]
    assert report.duplicates[0].canonical.line == 9
    assert {(d.line, d.kind) for d in report.defects} == {(10, "missing_paper_link")}
    text, _ = fix_list(build, report)
    assert len(parse_text(text, "fixed.md", "", vocab).entries) == 3


# -- kinds the bundled list does not have ----------------------------------------------------------


def test_row_under_another_years_heading_is_in_the_wrong_section(tmp_path: Path, vocab: Vocabulary) -> None:
    report = curate(make("curate_defects.md", tmp_path, vocab), DATA)
    wrong = [d for d in report.defects if d.kind == "wrong_section"]
    assert [(d.line, d.detail) for d in wrong] == [(7, "listed under 2021 but its venue CVPR2022 is 2022")]
    assert any(d.line == 8 and d.kind == "code_link_not_code" for d in report.defects)
    bullet = next(d for d in report.defects if d.kind == "placeholder")
    assert (bullet.line, bullet.detail) == (14, "row: link labelled 'Code (coming soon)'")
    # brackets the list wrote percent-encoded in a URL are no broken markdown; a figshare deposit is code
    assert not [d for d in report.defects if d.line == 15]


def test_duplicate_bullets_are_found_and_the_fix_removes_one(tmp_path: Path, vocab: Vocabulary) -> None:
    build = make("curate_defects.md", tmp_path, vocab)
    report = curate(build, DATA)
    (group,) = report.duplicates
    assert group.lines == (12, 13) and group.canonical.line == 12
    text, diff = fix_list(build, report)
    assert "-- [Lip Sync Transformers for Dubbing Talking Faces](https://arxiv.org/pdf/2301.01081.pdf)" in diff
    assert "[project page](https://example.org/face-reenactment/)" in text
    assert len(parse_text(text, "fixed.md", "", vocab).entries) == 5


def test_a_work_given_again_by_its_short_name_at_its_venue_is_a_duplicate(tmp_path: Path, vocab: Vocabulary) -> None:
    report = curate(make("curate_short_names.md", tmp_path, vocab), DATA)
    drl_vo, soc_nav, tutorials = report.duplicates  # "GraphNav, ICRA 2021": another venue and year, another work
    assert drl_vo.certain and drl_vo.lines == (5, 11) and drl_vo.canonical.line == 5
    assert [(e.kind, e.value) for e in drl_vo.evidence] == [("short_name", "drl vo")]
    assert soc_nav.certain and soc_nav.lines == (7, 13)  # the name set in brackets before the title
    assert not tutorials.certain and tutorials.lines == (17, 18)  # a title of three words, two years: maybe two
    # a repeat needs no link of its own when its first appearance links the paper; DRL-VO links only code
    missing = [d.line for d in report.defects if d.kind == "missing_paper_link"]
    assert missing == [5, 11, 12]


def test_what_renders_right_is_no_defect(tmp_path: Path, vocab: Vocabulary) -> None:
    report = curate(make("curate_false_alarms.md", tmp_path, vocab), DATA)
    # two spaces before a tag after the title, "CoRR" (arXiv's own name), a code host owner's page, a
    # CodaLab worksheet, a PDF named by the title's initials ("NMT"), a row filed under the year it reached
    # arXiv (2020) though its venue is of 2019, a paper's project page named otherwise, a PDF of slides, a PDF
    # named as a citation key, a method's name for a title, "MLGWorkshop", brackets in a URL's query, a PDF
    # named by a DBLP key, one whose name drops the title's slash, one named after its workshop, a workshop's
    # part in brackets ("CVPRW (PBVS)"), a method's name beside a PDF named by its title, an archive of the
    # code in the code column: each was a judged false alarm
    assert [(d.line, d.kind) for d in report.defects] == []


def test_one_title_on_many_rows_is_no_duplicate(tmp_path: Path, vocab: Vocabulary) -> None:
    report = curate(make("curate_repeated_title.md", tmp_path, vocab), DATA)
    assert report.duplicates == ()  # seven rows named alike: a label read as a title, not one work seven times


# -- optional data: embeddings, citations ----------------------------------------------------------


def test_embedding_similarity_alone_makes_a_possible_group(tmp_path: Path, vocab: Vocabulary) -> None:
    build = make("curate_no_duplicates.md", tmp_path, vocab)
    vectors = np.eye(3, 4, dtype=np.float32)
    vectors[1] = vectors[0]
    np.save(build.folder / "embeddings.npy", vectors)
    (group,) = curate(build, DATA).duplicates
    assert not group.certain
    assert group.lines == (7, 8)
    (evidence,) = group.evidence
    assert evidence.kind == "embedding_similarity" and evidence.score == 1.0 and not evidence.strong
    _, diff = fix_list(build, curate(build, DATA))
    assert diff == ""


def test_embeddings_that_do_not_match_the_papers_are_ignored_with_a_note(tmp_path: Path, vocab: Vocabulary) -> None:
    build = make("curate_no_duplicates.md", tmp_path, vocab)
    np.save(build.folder / "embeddings.npy", np.ones((5, 4), dtype=np.float32))
    report = curate(build, DATA)
    assert report.duplicates == ()
    assert any("5 rows for 3 papers" in note for note in report.notes)


def test_cached_references_give_candidate_additions_and_isolated_papers(tmp_path: Path, vocab: Vocabulary) -> None:
    def cite(paper: Paper) -> Paper:
        return dataclasses.replace(paper, cites=("2303.17480",)) if paper.id == "2303.11548" else paper

    build = make("curate_no_duplicates.md", tmp_path, vocab, cite)
    write_jsonl(build.folder / "external_references.jsonl", [
        {"s2_id": "a", "title": "Wav2Lip", "year": 2020, "arxiv_id": "2008.10010", "doi": None,
         "cited_by": ["2303.11548"]},
        {"s2_id": "b", "title": "First Order Motion Model", "year": 2019, "arxiv_id": None, "doi": None,
         "cited_by": ["2303.11548", "2304.08945"]},
    ])
    citations = curate(build, DATA).gaps.citations
    assert citations.available
    assert [(c.title, len(c.cited_by)) for c in citations.candidates] == [
        ("First Order Motion Model", 2), ("Wav2Lip", 1)
    ]
    assert [p.id for p in citations.isolated] == ["2304.08945"]


def test_title_fetched_through_a_link_that_is_another_papers_is_a_mismatch(tmp_path: Path, vocab: Vocabulary) -> None:
    build = make("curate_no_duplicates.md", tmp_path, vocab)
    write_json(build.folder / "enrichment.json", {"mismatches": [
        {"paper": "2304.08945", "entries": [], "link": "arXiv 2304.08945", "list_title": "",
         "fetched_title": "Neural Head Avatars from Monocular RGB Videos", "source": "arxiv", "score": 40.0},
    ]})
    (defect,) = curate(build, DATA).defects
    assert (defect.line, defect.kind) == (9, "link_title_mismatch")
    assert defect.detail == "arXiv 2304.08945 is titled 'Neural Head Avatars from Monocular RGB Videos' on arxiv"


# -- JSON and CLI ----------------------------------------------------------------------------------


def test_json_report_has_the_documented_shape(tmp_path: Path, vocab: Vocabulary) -> None:
    data = json.loads(json.dumps(curate(make("curate_defects.md", tmp_path, vocab), DATA).to_json()))
    assert set(data) == {"list", "summary", "duplicates", "defects", "gaps", "notes"}
    group = data["duplicates"][0]
    assert set(group) == {"kind", "certain", "members", "evidence", "conflicts", "canonical"}
    assert set(group["members"][0]) == {"file", "line", "title", "venue", "section"}
    assert set(group["evidence"][0]) == {"kind", "lines", "value", "strong", "score"}
    assert set(group["canonical"]) == {"line", "title", "venue", "links", "reason"}
    assert set(data["defects"][0]) == {"file", "line", "kind", "detail"}
    assert set(data["gaps"]) == {
        "papers_without_code", "keyword_by_year", "venue_by_year", "unused_datasets", "unused_metrics",
        "metrics_note", "citations",
    }
    assert data["gaps"]["venue_by_year"]["rows"]["ICCV"] == {"2021": 1, "2022": 0, "2023": 0}
    assert data["summary"]["defects"] == {"code_link_not_code": 1, "placeholder": 1, "wrong_section": 1}


def test_cli_prints_markdown_and_json_and_writes_to_a_file(tmp_path: Path, vocab: Vocabulary) -> None:
    build = make("curate_defects.md", tmp_path, vocab)
    runner = CliRunner()
    markdown = runner.invoke(main, ["curate", "--build", str(build.folder), "--data-dir", str(DATA)])
    assert markdown.exit_code == 0 and markdown.output.startswith("# Curation report")
    as_json = runner.invoke(main, ["curate", "--build", str(build.folder), "--json"])
    assert json.loads(as_json.output)["summary"]["duplicate_rows"] == 1
    out = tmp_path / "report.md"
    written = runner.invoke(main, ["curate", "--build", str(build.folder), "-o", str(out)])
    assert written.exit_code == 0 and out.read_text(encoding="utf-8").startswith("# Curation report")


def test_cli_fix_writes_a_copy_and_never_the_input(tmp_path: Path, vocab: Vocabulary) -> None:
    build = make("curate_all_duplicates.md", tmp_path, vocab)
    listed = Path(build.parsed.file)
    before = listed.read_text(encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["curate", "--build", str(build.folder), "--fix"])
    assert result.exit_code == 0, result.output
    default = tmp_path / "curate_all_duplicates.curated.md"
    assert default.exists() and result.output.startswith(f"wrote {default}: ")
    assert "```diff" in result.output and "[duplicate]" in result.output
    refused = runner.invoke(main, ["curate", "--build", str(build.folder), "--fix", "-o", str(listed)])
    assert refused.exit_code == 1 and "is the list being read" in refused.output
    assert listed.read_text(encoding="utf-8") == before
    as_json = json.loads(runner.invoke(main, ["curate", "--build", str(build.folder), "--fix", "--json"]).output)
    assert set(as_json) == {"output", "changes", "left_for_review", "diff"}


def test_cli_refuses_a_list_changed_since_the_build(tmp_path: Path, vocab: Vocabulary) -> None:
    build = make("curate_one_row.md", tmp_path, vocab)
    Path(build.parsed.file).write_text("# changed\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["curate", "--build", str(build.folder)])
    assert result.exit_code == 1
    assert "changed since the build" in result.output and "Traceback" not in result.output


def test_cli_without_a_build_is_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["curate", "--build", str(tmp_path / "none")])
    assert result.exit_code == 1 and result.output.count("\n") == 1


@pytest.mark.parametrize("name", ["curate_no_duplicates.md", "curate_one_row.md", "curate_empty_titles.md"])
def test_markdown_report_of_small_lists_has_every_section(tmp_path: Path, vocab: Vocabulary, name: str) -> None:
    markdown = curate(make(name, tmp_path, vocab), DATA).to_markdown()
    for heading in ("## Duplicates", "## Possible duplicates", "## Defects", "## Gaps", "### Venue x year"):
        assert heading in markdown


def test_a_link_to_another_listed_paper_is_named_and_says_nothing_of_its_venue(
        tmp_path: Path, vocab: Vocabulary) -> None:
    report = curate(make("curate_wrong_links.md", tmp_path, vocab), DATA)
    at_five = [(d.kind, d.detail) for d in report.defects if d.line == 5]
    # the link is CornerNet's (line 9): a link_title_mismatch naming it, and no venue_suspect from its ECCV URL
    assert [kind for kind, _ in at_five] == ["link_title_mismatch"]
    assert at_five[0][1].endswith("(the paper listed at line 9)")


def test_a_file_on_a_code_host_is_noted_and_a_repository_is_code(tmp_path: Path, vocab: Vocabulary) -> None:
    report = curate(make("curate_code_elsewhere.md", tmp_path, vocab), DATA)
    (notebook,) = report.gaps.papers_without_code  # the repository in the project column is code
    assert notebook.code_elsewhere == "https://github.com/someone/demo/blob/main/demo.ipynb"
