"""Curation of the bundled list against the hand-made labels (tests/fixtures/curation_labels.json)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from ingest.papers import build_corpus
from ingest.parse import parse_text
from kg.core.store import Build, load_build
from kg.core.vocab import Vocabulary
from kg.curation.curate import CurationReport, curate, read_list
from kg.curation.duplicates import DuplicateGroup, find_duplicates
from kg.curation.fix import apply_changes, fix_list, plan_fixes
from kg.curation.venue_dates import VenueMonths
from tests.conftest import FIXTURES, ROOT

LABELS: dict[str, Any] = json.loads((FIXTURES / "curation_labels.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def build(bundled_build: Path) -> Build:
    return load_build(bundled_build)


@pytest.fixture(scope="module")
def report(build: Build) -> CurationReport:
    return curate(build, ROOT / "data")


def group_with(report: CurationReport, *lines: int) -> DuplicateGroup:
    found = [g for g in report.duplicates if set(lines) <= set(g.lines)]
    assert found, f"no group holds lines {lines}"
    return found[0]


def defects_of(report: CurationReport, line: int) -> dict[str, str]:
    return {d.kind: d.detail for d in report.defects if d.line == line}


# -- duplicates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("label", LABELS["duplicates"], ids=lambda label: label["note"][:40])
def test_every_labelled_duplicate_is_one_certain_group(report: CurationReport, label: dict[str, Any]) -> None:
    group = group_with(report, *label["lines"])
    assert group.certain
    assert sorted(group.lines) == sorted(label["lines"])
    assert group.kind == label["kind"]


@pytest.mark.parametrize("label", LABELS["not_duplicates"], ids=lambda label: label["note"][:40])
def test_look_alike_works_are_never_grouped(report: CurationReport, label: dict[str, Any]) -> None:
    a, b = label["lines"]
    assert not any(a in g.lines and b in g.lines for g in report.duplicates)


def test_no_group_beyond_the_labelled_ones(report: CurationReport) -> None:
    labelled = sorted(sorted(g["lines"]) for g in LABELS["duplicates"])
    assert sorted(sorted(g.lines) for g in report.duplicates) == labelled


def test_exact_repeat_keeps_the_first_row(report: CurationReport) -> None:
    group = group_with(report, 60, 61)
    assert group.canonical.line == 60
    assert "exact repeat" in group.canonical.reason
    assert group.conflicts == ()
    assert {e.kind for e in group.evidence} >= {"arxiv_id", "normalised_title", "code_repository"}


def test_same_paper_under_two_cvpr_years_keeps_the_year_matching_its_arxiv_date(report: CurationReport) -> None:
    group = group_with(report, 55, 98)
    assert group.canonical.line == 55
    assert "CVPR2023" in group.canonical.reason
    venue = next(c for c in group.conflicts if c.field == "venue")
    assert dict(venue.values) == {55: "CVPR2023", 98: "CVPR2022"}


def test_spelling_variant_pre_trained_is_the_same_normalised_title(report: CurationReport) -> None:
    group = group_with(report, 87, 109)
    assert "normalised_title" in {e.kind for e in group.evidence}
    assert group.canonical.line == 109
    assert "peer-reviewed venue ECCV2022" in group.canonical.reason
    assert "title" in {c.field for c in group.conflicts}


def test_arxiv_and_conference_titles_of_one_work_are_tied_by_the_arxiv_id(report: CurationReport) -> None:
    group = group_with(report, 149, 170)
    assert {e.kind for e in group.evidence} == {"arxiv_id"}
    assert group.canonical.line == 149
    titles = dict(next(c for c in group.conflicts if c.field == "title").values)
    assert titles[170].startswith("HeadGAN:Video-and-Audio")


def test_rows_without_a_shared_arxiv_id_are_tied_by_title_and_repository(report: CurationReport) -> None:
    group = group_with(report, 135, 142)
    kinds = {e.kind for e in group.evidence}
    assert "arxiv_id" not in kinds
    assert {"normalised_title", "code_repository"} <= kinds
    assert "paper link" in {c.field for c in group.conflicts}


def test_en_dash_and_case_variants_of_a_journal_title_are_one_group(report: CurationReport) -> None:
    group = group_with(report, 196, 197)
    assert [e.kind for e in group.evidence] == ["normalised_title"]


def test_dataset_items_with_one_page_are_one_dataset_and_the_dated_item_is_kept(report: CurationReport) -> None:
    for lines, kept in (((224, 225), 225), ((231, 232), 232), ((246, 247), 247)):
        group = group_with(report, *lines)
        assert group.kind == "dataset"
        assert group.canonical.line == kept
        assert "dataset_link" in {e.kind for e in group.evidence}


def test_fuzzy_title_evidence_carries_its_rapidfuzz_score(build: Build) -> None:
    entries = [e for e in build.parsed.entries if e.line in (87, 109)]
    retitled = [entries[0], dataclasses.replace(entries[1], title=entries[1].title + " model")]
    months = VenueMonths.load(ROOT / "data")
    (group,) = find_duplicates(retitled, (), (), months)
    similarity = next(e for e in group.evidence if e.kind == "title_similarity")
    assert similarity.score is not None and 95 <= similarity.score < 100
    assert similarity.strong


# -- defects ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("label", LABELS["defects"], ids=lambda label: f"{label['line']}-{label['kind']}")
def test_every_labelled_defect_is_reported(report: CurationReport, label: dict[str, Any]) -> None:
    assert label["kind"] in defects_of(report, label["line"]), label["note"]


def test_no_false_alarm_not_even_a_conference_paper_posted_to_arxiv_months_later(report: CurationReport) -> None:
    expected = {(d["line"], d["kind"]) for d in LABELS["defects"]}
    assert {(d.line, d.kind) for d in report.defects} - expected == set()
    assert "venue_suspect" not in defects_of(report, 215)  # LipGAN: ACM MM 2019, on arXiv in 2020-03


def test_paper_link_to_another_paper_is_named_from_the_url(report: CurationReport) -> None:
    assert "neural head avatars from monocular rgb videos" in defects_of(report, 103)["link_title_mismatch"]
    assert "the paper listed at line 203" in defects_of(report, 217)["link_title_mismatch"]


def test_defect_details_name_the_columns(report: CurationReport) -> None:
    assert defects_of(report, 118)["placeholder"] == "code: '-'; project: '-'; keywords: '-'"
    assert "code(coming soon)" in defects_of(report, 144)["placeholder"]
    assert defects_of(report, 117)["malformed_markdown"].startswith("stray ']' in the title column")
    assert "project column" in defects_of(report, 209)["malformed_markdown"]
    assert "nested link" in defects_of(report, 217)["malformed_markdown"]
    assert "an arXiv paper" in defects_of(report, 187)["code_link_not_code"]
    assert "PIRenderer:PIRenderer:" in defects_of(report, 147)["title_noise"]


def test_venue_suspects_say_what_contradicts_the_venue(report: CurationReport) -> None:
    assert "ICCVW 2021" in defects_of(report, 146)["venue_suspect"]
    assert "its duplicate at line 55 says CVPR2023" in defects_of(report, 98)["venue_suspect"]
    assert "AAAI2019" in defects_of(report, 213)["venue_suspect"]


def test_defects_are_in_line_order_with_file_and_line(report: CurationReport) -> None:
    assert [d.line for d in report.defects] == sorted(d.line for d in report.defects)
    assert all(d.file.endswith("awesome-talking-face-generation.md") for d in report.defects)


# -- gaps ------------------------------------------------------------------------------------------


def test_gaps_without_citation_data_say_so(report: CurationReport) -> None:
    citations = report.gaps.citations
    assert not citations.available
    assert citations.note.startswith("no citation data cached")
    assert citations.candidates == () and citations.isolated == ()


def test_gap_tables_cover_every_year_and_list_empty_cells(report: CurationReport) -> None:
    venues = report.gaps.venue_by_year
    assert venues.years == tuple(range(2019, 2024))
    assert venues.counts["CVPR"][2023] == 11
    assert ("CVPR", 2019) not in venues.empty and ("ICLR", 2019) in venues.empty
    assert report.gaps.keyword_by_year.empty


def test_a_repository_linked_in_the_project_column_is_the_papers_code(report: CurationReport) -> None:
    titles = {p.title for p in report.gaps.papers_without_code}
    # its project column links https://github.com/FuxiVirtualHuman/AAAI22-one-shot-talking-face
    assert "One-shot Talking Face Generation from Single-speaker Audio-Visual Correlation Learning" not in titles
    assert not any(title.startswith("SadTalker") for title in titles)


def test_unused_datasets_are_ones_no_paper_links(report: CurationReport, build: Build) -> None:
    used = {d for p in build.papers for d in p.dataset_ids}
    unused = {u.id for u in report.gaps.unused_datasets}
    assert unused and not unused & used
    assert unused | used >= {d.id for d in build.datasets}


# -- --fix -----------------------------------------------------------------------------------------


def test_fixed_list_parses_into_the_same_papers_minus_the_duplicates(
    build: Build, report: CurationReport, vocab: Vocabulary
) -> None:
    text, diff = fix_list(build, report)
    reparsed = parse_text(text, "fixed.md", "", vocab)
    changes = plan_fixes(build.parsed, report, read_list(build)[1])
    removed = {c.line for c in changes if c.after is None}
    kept = {c.line: c.detail for c in changes if c.kind == "kept"}
    # Two rows link PDFs their kept twins lack: they stay, for a person to merge.
    assert sorted(kept) == [142, 197] and all("lacks its links" in detail for detail in kept.values())
    certain = {line for g in report.duplicates if g.certain for line in g.lines if line != g.canonical.line}
    assert removed == certain - set(kept)
    papers = {p.id for p in build_corpus(reparsed, vocab).papers}
    kept_refs = {e.ref for e in build.parsed.entries if e.line not in removed}
    expected = {p.id for p in build.papers if any(ref in kept_refs for ref in p.entries)}
    assert papers == expected
    assert len(reparsed.entries) == len(build.parsed.entries) - len(removed & {e.line for e in build.parsed.entries})
    assert len(reparsed.datasets) == len(build.parsed.datasets) - 3
    assert diff.startswith("--- ") and diff.count("\n-|StyleTalk") == 1


def test_fixed_list_has_only_the_reviewed_duplicates_and_fewer_defects(
    build: Build, report: CurationReport, vocab: Vocabulary
) -> None:
    text, _ = fix_list(build, report)
    reparsed = parse_text(text, "fixed.md", "", vocab)
    corpus = build_corpus(reparsed, vocab)
    groups = find_duplicates(reparsed.entries, reparsed.datasets, corpus.papers, VenueMonths.load(ROOT / "data"))
    left = [g for g in groups if g.certain]
    assert len(left) == 2 and all(len(g.members) == 2 for g in left)  # the pairs left for review
    titles = {e.title for e in reparsed.entries}
    assert "PIRenderer: Controllable Portrait Image Generation via Semantic Neural Rendering" in titles
    assert "HifiHead: One-Shot High Fidelity Neural Head Synthesis with 3D Control" in titles
    assert not [e for e in reparsed.entries if "malformed_markdown" in e.flags]


def test_fix_lists_each_change_and_leaves_wrong_links_to_a_person(
    build: Build, report: CurationReport
) -> None:
    text = (ROOT / "data" / "awesome-talking-face-generation.md").read_text(encoding="utf-8")
    changes = plan_fixes(build.parsed, report, text)
    by_line = {(c.line, c.kind): c for c in changes}
    assert by_line[(61, "duplicate")].after is None
    assert "project column filled from line 190" in by_line[(141, "merge")].detail
    assert any("adobe-research/MakeItTalk" in c.detail for c in changes if (c.line, c.kind) == (174, "merge"))
    assert by_line[(187, "code_link_not_code")].detail.startswith("removed https://arxiv.org/abs/2008.07783")
    assert "[project page](https://ait.ethz.ch/projects/2022/IMavatar/)" in by_line[(104, "code_link_not_code")].after
    assert "arxiv.org/pdf/1804.04786.pdf" in by_line[(217, "malformed_markdown")].after
    assert not any(c.line == 103 for c in changes)
    assert apply_changes(text, ()) == text
