"""Every work gets its own stable id, whatever its script or length, and only a link to the paper itself
identifies it: an arXiv link in a code or dataset column is another paper's."""

from __future__ import annotations

from pathlib import Path

from ingest.papers import build_corpus
from ingest.parse import parse_list
from kg.core.model import Ref
from kg.core.vocab import Vocabulary, slugify
from kg.curation.curate import curate_parsed
from kg.curation.fix import apply_changes, plan_fixes

from .conftest import FIXTURES, ROOT

LIST = FIXTURES / "distinct_works.md"


def test_titles_in_any_script_or_of_any_length_stay_distinct_works(vocab: Vocabulary) -> None:
    parsed = parse_list(LIST, vocab)
    papers = build_corpus(parsed, vocab).papers
    assert len(papers) == len(parsed.entries) == 10
    assert len({p.id for p in papers}) == 10
    assert not [p for p in papers if p.id == "untitled"]


def test_slugs_keep_letters_drop_accents_and_are_stable() -> None:
    assert slugify("Über sprechende Gesichter") == "uber-sprechende-gesichter"
    assert slugify("Говорящие лица") == "говорящие-лица"
    assert slugify("🗣️🙂") == slugify("🗣️🙂") != slugify("🙃")
    assert slugify("GeneFace++: Generalized") == "genefaceplusplus-generalized"
    long_one, long_two = "word " * 40 + "one", "word " * 40 + "two"
    assert slugify(long_one) != slugify(long_two)


def test_an_arxiv_link_in_the_code_or_dataset_column_identifies_nothing(vocab: Vocabulary) -> None:
    parsed = parse_list(LIST, vocab)
    by_line = {e.line: e for e in parsed.entries}
    assert by_line[15].arxiv_id == "2301.12345" and by_line[16].arxiv_id is None
    report = curate_parsed(parsed, LIST.read_text(encoding="utf-8"), vocab, ROOT / "data")
    assert not [g for g in report.duplicates if g.certain]
    fixed = apply_changes(LIST.read_text(encoding="utf-8"), plan_fixes(parsed, report, LIST.read_text("utf-8")))
    assert "A Dataset Paper Whose Data Comes From SpeakerNet" in fixed


def test_ids_are_the_same_across_runs(vocab: Vocabulary, tmp_path: Path) -> None:
    copy = tmp_path / "again.md"
    copy.write_text(LIST.read_text(encoding="utf-8"), encoding="utf-8")
    first = {p.id for p in build_corpus(parse_list(LIST, vocab), vocab).papers}
    second = {p.id for p in build_corpus(parse_list(copy, vocab), vocab).papers}
    assert first == second


def test_a_row_without_an_arxiv_id_joins_the_arxiv_row_of_the_same_title(vocab: Vocabulary) -> None:
    papers = build_corpus(parse_list(FIXTURES / "one_work_two_rows.md", vocab), vocab).papers
    feelings = next(p for p in papers if p.id == "2104.11111")
    assert [Ref.parse(ref).line for ref in feelings.entries] == [7, 8]
    assert feelings.venue.family == "CVPR"  # the peer-reviewed row speaks for the work
    assert "https://example.org/cvpr/feelings.pdf" in {link.url for link in feelings.links}


def test_a_title_listed_with_two_arxiv_ids_keeps_its_other_rows_apart(vocab: Vocabulary) -> None:
    papers = build_corpus(parse_list(FIXTURES / "one_work_two_rows.md", vocab), vocab).papers
    shared = {p.id: [Ref.parse(ref).line for ref in p.entries] for p in papers if "Share" in p.title}
    assert shared == {"2201.22222": [9], "2202.33333": [10], slugify("A Title Two Preprints Share"): [11]}
