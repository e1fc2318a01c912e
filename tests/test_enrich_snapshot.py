"""`--arxiv-snapshot FILE`: a local arXiv metadata snapshot (one JSON object per line) stands in
for the arXiv API for the ids it holds, read in constant memory; bad files and bad lines are told."""

from __future__ import annotations

import json
import logging
import tracemalloc
from pathlib import Path

import pytest

from ingest import snapshot
from ingest.enrich import enrich
from ingest.papers import Corpus
from ingest.snapshot import read_snapshot
from kg.core.errors import UserError
from kg.core.vocab import Vocabulary

from .fake_apis import FakeApis
from .test_enrich import DIFFTALK, GENEFACE, SADTALKER, SEEING, config, corpus, paper  # noqa: F401 - a fixture


def record(arxiv_id: str, title: str, **fields: object) -> dict[str, object]:
    """A snapshot record as arXiv's bulk metadata dump writes one."""
    return {
        "id": arxiv_id,
        "submitter": "A. Submitter",
        "authors": "Shuai Shen, Wenliang Zhao and Jiwen Lu",
        "title": title,
        "comments": "Accepted by CVPR 2023",
        "journal-ref": None,
        "doi": None,
        "report-no": None,
        "categories": "cs.CV cs.SD",
        "license": "http://arxiv.org/licenses/nonexclusive-distrib/1.0/",
        "abstract": "  Talking heads from a snapshot: diffusion on HDTF.\n",
        "versions": [{"version": "v1", "created": "Tue, 10 Jan 2023 05:11:25 GMT"},
                     {"version": "v2", "created": "Tue, 28 Mar 2023 07:12:41 GMT"}],
        "update_date": "2023-03-29",
        "authors_parsed": [["Shen", "Shuai", ""], ["Zhao", "Wenliang", ""], ["Lu", "Jiwen", ""]],
        **fields,
    }


def filler(number: int) -> dict[str, object]:
    return record(f"0704.{number:04d}", f"A paper on something else entirely, number {number}",
                  abstract="word " * 150, authors_parsed=[["Author", f"Number{number}", ""]])


def write_snapshot(path: Path, records: list[dict[str, object]], extra_lines: tuple[str, ...] = ()) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for item in records:
            handle.write(json.dumps(item) + "\n")
        for line in extra_lines:
            handle.write(line)
    return path


def test_papers_in_the_snapshot_are_not_asked_of_the_arxiv_api(
    corpus: Corpus, vocab: Vocabulary, tmp_path: Path  # noqa: F811 - the corpus fixture
) -> None:
    difftalk = "DiffTalk: Crafting Diffusion Models for Generalized Talking Head Synthesis"
    geneface = "GeneFace: Generalized and High-Fidelity Audio-Driven 3D Talking Face Synthesis"
    path = write_snapshot(tmp_path / "arxiv-metadata.json", [
        *(filler(n) for n in range(50)), record(DIFFTALK, difftalk), record(GENEFACE, geneface, authors_parsed=None,
                                                                             authors="Zhenhui Ye and Ziyue Jiang"),
    ])
    with FakeApis.from_fixtures() as apis:
        result = enrich(corpus, vocab, config(tmp_path / "cache", apis, snapshot=path))
        asked = {i for s in apis.seen if s.service == "arxiv" for i in s.query["id_list"].split(",")}
    assert DIFFTALK not in asked and GENEFACE not in asked and SADTALKER in asked
    difftalk_paper = paper(result, DIFFTALK)
    assert difftalk_paper.abstract == "Talking heads from a snapshot: diffusion on HDTF."
    assert difftalk_paper.sources["abstract"] == "arxiv-snapshot"
    assert difftalk_paper.published == "2023-01-10"
    assert difftalk_paper.categories == ("cs.CV", "cs.SD")
    assert paper(result, GENEFACE).sources["published"] == "arxiv-snapshot"
    assert paper(result, SADTALKER).sources["abstract"] == "arxiv"
    assert result.report["enriched_by_source"]["arxiv-snapshot"] == 2
    assert result.report["snapshot"] == {"path": str(path), "records": 2, "bad_lines": []}


def test_the_snapshot_and_the_cache_enrich_offline(
    corpus: Corpus, vocab: Vocabulary, tmp_path: Path  # noqa: F811
) -> None:
    title = "Seeing What You Said: Talking Face Generation Guided by a Lip Reading Expert"
    path = write_snapshot(tmp_path / "snapshot.jsonl", [record("2303.17480", title)])
    with FakeApis.from_fixtures() as apis:
        enrich(corpus, vocab, config(tmp_path / "cache", apis))  # Semantic Scholar answers, cached
    result = enrich(corpus, vocab, config(tmp_path / "cache", None, offline=True, snapshot=path))
    assert paper(result, SEEING).sources["abstract"] == "arxiv-snapshot"
    assert paper(result, SEEING).sources["citation_count"] == "semanticscholar"  # from the cache
    fresh = enrich(corpus, vocab, config(tmp_path / "empty-cache", None, offline=True, snapshot=path))
    assert fresh.report["enriched_by_source"] == {}  # the snapshot id is only known through Semantic Scholar


def test_author_names_and_dates_are_read_from_either_form() -> None:
    full = snapshot.to_metadata(record("2301.03786", "T"))
    assert [a.name for a in full.authors] == ["Shuai Shen", "Wenliang Zhao", "Jiwen Lu"]
    assert full.published == "2023-01-10" and full.pdf_url == "https://arxiv.org/pdf/2301.03786"
    plain = snapshot.to_metadata(record("2301.03786", "T", authors_parsed="broken", versions=[]))
    assert [a.name for a in plain.authors] == ["Shuai Shen", "Wenliang Zhao", "Jiwen Lu"]
    assert plain.published == "2023-03-29"  # update_date when there are no versions


def test_reading_a_large_snapshot_keeps_memory_constant(tmp_path: Path) -> None:
    path = write_snapshot(tmp_path / "large.jsonl", [*(filler(n) for n in range(20_000)),
                                                      record("2301.03786", "DiffTalk")])
    size = path.stat().st_size
    tracemalloc.start()
    try:
        found = read_snapshot(path, {"2301.03786", "0704.0007"})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size > 20_000_000
    assert set(found.records) == {"2301.03786", "0704.0007"}
    assert peak < 1_000_000  # a few lines at a time, not the 20 MB file


def test_a_file_that_is_not_json_lines_is_a_user_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "papers.csv"
    path.write_text("id,title\n2301.03786,DiffTalk\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"papers\.csv:1: not an arXiv metadata snapshot"):
        read_snapshot(path, {"2301.03786"})
    binary = tmp_path / "snapshot.gz"
    binary.write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(256)))
    with pytest.raises(UserError, match=r"snapshot\.gz:1"):
        read_snapshot(binary, {"2301.03786"})


def test_bad_and_cut_off_lines_are_skipped_and_counted(
    corpus: Corpus, vocab: Vocabulary, tmp_path: Path, caplog: pytest.LogCaptureFixture  # noqa: F811
) -> None:
    path = write_snapshot(tmp_path / "cut.jsonl", [filler(1), record(SADTALKER, "SadTalker")], extra_lines=(
        "this line is not json\n", json.dumps(record(DIFFTALK, "DiffTalk"))[:80],
    ))
    found = read_snapshot(path, {SADTALKER, DIFFTALK})
    assert set(found.records) == {SADTALKER}
    assert found.bad_lines == [3, 4]
    caplog.set_level(logging.WARNING, logger="tfkg")
    with FakeApis.from_fixtures() as apis:
        result = enrich(corpus, vocab, config(tmp_path / "cache", apis, snapshot=path))
        asked = {i for s in apis.seen if s.service == "arxiv" for i in s.query["id_list"].split(",")}
    assert DIFFTALK in asked and SADTALKER not in asked  # the cut-off record's paper comes from the API
    assert paper(result, DIFFTALK).sources["abstract"] == "arxiv"
    assert len([r for r in caplog.records if "cut.jsonl: 2 lines are not JSON records" in r.getMessage()]) == 1


def test_an_over_long_line_is_skipped_without_reading_it_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot, "MAX_LINE", 1024)
    path = write_snapshot(tmp_path / "long.jsonl", [{"id": "0704.0001", "title": "Short"},
                                                    record(SADTALKER, "SadTalker", abstract="x" * 5000),
                                                    record(DIFFTALK, "DiffTalk")])
    found = read_snapshot(path, {SADTALKER, DIFFTALK})
    assert set(found.records) == {DIFFTALK}
    assert found.bad_lines == [2]
