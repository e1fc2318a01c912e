"""Curation keeps apart what only looks alike, and --fix never loses a link or a listing: works that
share a copied link, one title at two venues, datasets on one page, a duplicate under another category."""

from __future__ import annotations

import pytest

from ingest.parse import parse_list, parse_text
from kg.core.vocab import Vocabulary
from kg.curation.curate import CurationReport, curate_parsed
from kg.curation.fix import apply_changes, plan_fixes

from .conftest import FIXTURES, ROOT

LIST = FIXTURES / "curate_lookalikes.md"


@pytest.fixture(scope="module")
def report(vocab: Vocabulary) -> CurationReport:
    return curate_parsed(parse_list(LIST, vocab), LIST.read_text(encoding="utf-8"), vocab, ROOT / "data")


def certain_groups(report: CurationReport) -> list[tuple[int, ...]]:
    return [g.lines for g in report.duplicates if g.certain]


def test_a_copied_arxiv_link_does_not_make_two_works_one(report: CurationReport) -> None:
    assert (7, 8) not in certain_groups(report)
    assert any(g.lines == (7, 8) and not g.certain for g in report.duplicates)  # shown for review


def test_one_title_at_two_peer_reviewed_venues_is_two_works(report: CurationReport) -> None:
    assert (9, 10) not in certain_groups(report)


def test_one_title_linking_two_arxiv_papers_is_two_works(report: CurationReport) -> None:
    assert (29, 30) not in certain_groups(report)  # "Point Transformer", 2011.00931 and 2012.09164


def test_a_work_given_by_its_name_and_by_its_title_with_one_arxiv_id_is_one(report: CurationReport) -> None:
    assert (31, 32) in certain_groups(report)  # "CMT" in a table of methods, and its paper's title


def test_datasets_on_one_page_with_two_names_are_two(report: CurationReport) -> None:
    assert not [g for g in report.duplicates if g.kind == "dataset" and g.certain]


def test_a_suspended_hyphen_is_not_title_noise(report: CurationReport) -> None:
    assert not [d for d in report.defects if d.line == 11 and d.kind == "title_noise"]


def test_fix_removes_a_duplicate_only_within_its_category_and_with_its_links(
    report: CurationReport, vocab: Vocabulary
) -> None:
    text = LIST.read_text(encoding="utf-8")
    parsed = parse_list(LIST, vocab)
    assert (12, 13, 19) in certain_groups(report)
    changes = plan_fixes(parsed, report, text)
    kept = {c.line: c.detail for c in changes if c.kind == "kept"}
    assert "another category" in kept[19]  # the Text-driven listing stays
    assert "lacks its links https://arxiv.org/abs/2305.44444" in kept[12]  # the arXiv row has no cell to go to
    assert sorted(c.line for c in changes if c.after is None) == [25, 27, 31]  # twins below, and "CMT" by name
    fixed = parse_text(apply_changes(text, changes), "fixed.md", "", vocab)
    assert {e.arxiv_id for e in parsed.entries} <= {e.arxiv_id for e in fixed.entries}


def test_the_kept_row_is_the_most_complete_and_the_reason_says_why(report: CurationReport) -> None:
    groups = {g.lines: g.canonical for g in report.duplicates if g.certain}
    assert groups[(25, 26)].line == 26 and groups[(25, 26)].reason == "same venue; this row has the fullest title"
    assert groups[(27, 28)].line == 28
    assert groups[(27, 28)].reason == "named venue Arxiv2021 over no venue (line 27)"  # arXiv is not peer review


def test_candidate_pairs_find_every_alike_title_an_all_pairs_comparison_finds(vocab: Vocabulary) -> None:
    import itertools

    from rapidfuzz import fuzz

    from kg.core.vocab import normalise_text
    from kg.curation.duplicates import Thresholds, similar_titles

    corpus = sorted((ROOT / "tests" / "fixtures" / "corpus").glob("*.md"))
    titles = [normalise_text(e.title) for path in [ROOT / "data" / "awesome-talking-face-generation.md", *corpus]
              if path.name != "README.md" and path.name != "LICENSES.md"
              for e in parse_list(path, vocab).entries]
    cutoff = Thresholds().possible_title
    everything = {(i, j) for i, j in itertools.combinations(range(len(titles)), 2)
                  if fuzz.ratio(titles[i], titles[j], score_cutoff=cutoff)}
    assert len(titles) > 2000 and everything
    assert {(i, j) for i, j, _ in similar_titles(titles, cutoff)} == everything
