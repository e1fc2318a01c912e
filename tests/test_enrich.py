"""Enrichment against the fake arXiv and Semantic Scholar APIs (tests/fake_apis.py): batching, the
cache, retries, failures that stay with their papers, offline runs, title checks and merging.

The fixture list (tests/fixtures/enrich/list.md) has 9 papers: 4 with arXiv links (one of them a
link to another paper), 1 with an ACM DOI link, 2 CVF papers Semantic Scholar finds by title (one
of which it knows an arXiv id for), 1 title that only resembles a known paper, and 1 unknown paper.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import replace
from pathlib import Path

import pytest

from ingest.enrich import TITLE_MATCH, EnrichConfig, Enrichment, enrich, title_similarity
from ingest.http import CONNECT_ATTEMPTS, Politeness
from ingest.papers import Corpus, build_corpus
from kg.core.errors import UserError
from kg.core.model import Paper
from kg.core.vocab import Vocabulary

from .conftest import CLOSED_PORT_URL
from .fake_apis import FIXTURES, FakeApis, Fault

FAST = Politeness(interval=0.0, timeout=1.0, retries=2)
ARXIV_IDS = {"2301.03786", "2211.12194", "2301.13430", "2303.11548", "2303.17480", "2008.10010"}
S2_KEYS = 7  # 4 ARXIV: ids, 1 DOI:, 2 paper ids found by title
TITLE_SEARCHES = 4  # the papers with neither arXiv id nor DOI
DIFFTALK, SADTALKER, GENEFACE, WRONG_LINK = "2301.03786", "2211.12194", "2301.13430", "2303.11548"
SEEING = "seeing-what-you-said-talking-face-generation-guided-by-a-lip-reading-expert"
LIPFORMER = "lipformer-high-fidelity-and-generalizable-talking-face-generation-with-a-pre-learned-facial-codebook"
LOOKALIKE = "emotion-controllable-generalized-talking-face-generation"
UNKNOWN = "a-study-of-talking-heads-that-nobody-has-indexed"
WAV2LIP = "a-lip-sync-expert-is-all-you-need-for-speech-to-lip-generation-in-the-wild"


@pytest.fixture(scope="module")
def corpus(vocab: Vocabulary) -> Corpus:
    from ingest.parse import parse_list

    return build_corpus(parse_list(FIXTURES / "list.md", vocab), vocab)


@pytest.fixture
def apis() -> FakeApis:
    with FakeApis.from_fixtures() as server:
        yield server


def config(cache: Path, apis: FakeApis | None = None, **options: object) -> EnrichConfig:
    """Fast politeness (the fake server has no rate limit) and the fake server's URLs."""
    urls = (apis.arxiv_url, apis.s2_url) if apis else (CLOSED_PORT_URL + "/api/query", CLOSED_PORT_URL + "/graph/v1")
    settings = {"arxiv_url": urls[0], "s2_url": urls[1], "arxiv": FAST, "s2": FAST, **options}
    return EnrichConfig(cache, **settings)  # type: ignore[arg-type]


def paper(result: Enrichment, paper_id: str) -> Paper:
    return next(p for p in result.corpus.papers if p.id == paper_id)


def arxiv_ids_asked(apis: FakeApis) -> list[list[str]]:
    return [s.query["id_list"].split(",") for s in apis.seen if s.service == "arxiv"]


# -- batching and the cache -----------------------------------------------------------------------


@pytest.mark.parametrize(("arxiv_batch", "s2_batch"), [(400, 500), (2, 3), (1, 1)])
def test_requests_for_the_listed_papers_come_in_batches(
    corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path, arxiv_batch: int, s2_batch: int
) -> None:
    enrich(corpus, vocab, config(tmp_path, apis, arxiv_batch=arxiv_batch, s2_batch=s2_batch))
    assert apis.count("arxiv") == math.ceil(len(ARXIV_IDS) / arxiv_batch)
    assert apis.count("s2", "/paper/batch") == math.ceil(S2_KEYS / s2_batch)
    assert apis.count("s2", "/paper/search/match") == TITLE_SEARCHES
    asked = arxiv_ids_asked(apis)
    assert all(len(ids) <= arxiv_batch for ids in asked)
    assert {i for ids in asked for i in ids} == ARXIV_IDS
    assert all(len(s.body["ids"]) <= s2_batch for s in apis.seen if s.path.endswith("/paper/batch"))


def test_a_second_run_sends_no_request_and_gives_the_same_enrichment(
    corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path
) -> None:
    first = enrich(corpus, vocab, config(tmp_path, apis))
    sent = apis.count()
    second = enrich(corpus, vocab, config(tmp_path, apis))
    assert apis.count() == sent
    assert second.digest == first.digest
    assert second.corpus == first.corpus


def test_refresh_asks_again_for_every_paper(corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path) -> None:
    enrich(corpus, vocab, config(tmp_path, apis))
    sent = apis.count()
    enrich(corpus, vocab, config(tmp_path, apis, refresh=True))
    assert apis.count() == 2 * sent


def test_offline_sends_nothing_and_enriches_from_the_cache(
    corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path
) -> None:
    online = enrich(corpus, vocab, config(tmp_path, apis))
    sent = apis.count()
    offline = enrich(corpus, vocab, config(tmp_path, apis, offline=True))
    assert apis.count() == sent
    assert offline.digest == online.digest
    empty = enrich(corpus, vocab, config(tmp_path / "empty", apis, offline=True))
    assert apis.count() == sent
    assert empty.report["not_enriched"] == len(corpus.papers)
    assert empty.report["failed"] == {}


def test_offline_with_refresh_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="--offline and --refresh"):
        config(tmp_path, None, offline=True, refresh=True)


def test_a_changed_list_fetches_only_its_new_papers(
    corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path
) -> None:
    without_geneface = replace(corpus, papers=tuple(p for p in corpus.papers if p.id != GENEFACE))
    enrich(without_geneface, vocab, config(tmp_path, apis))
    sent = apis.count()
    enrich(corpus, vocab, config(tmp_path, apis))
    new = apis.seen[sent:]
    assert [s.query["id_list"] for s in new if s.service == "arxiv"] == [GENEFACE]
    assert [s.body["ids"] for s in new if s.path.endswith("/paper/batch")] == [[f"ARXIV:{GENEFACE}"]]
    assert not [s for s in new if s.path.endswith("/match")]


# -- retries and failures -------------------------------------------------------------------------


def test_429_is_retried_after_the_time_retry_after_asks_for(
    corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path
) -> None:
    apis.fail_next("s2", Fault.too_many_requests(retry_after=1))
    apis.fail_next("arxiv", Fault.too_many_requests(retry_after=1))
    result = enrich(corpus, vocab, config(tmp_path, apis))
    assert result.report["failed"] == {}
    assert apis.count("s2", "/match") == TITLE_SEARCHES + 1
    assert apis.count("arxiv") == 2
    for service in ("s2", "arxiv"):
        first, retry = [s for s in apis.seen if s.service == service][:2]
        assert retry.query == first.query
        assert retry.at - first.at >= 1.0
    assert paper(result, DIFFTALK).abstract


def test_500_is_retried(corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path) -> None:
    apis.fail_next("arxiv", Fault.server_error())
    result = enrich(corpus, vocab, config(tmp_path, apis))
    assert apis.count("arxiv") == 2
    assert result.report["failed"] == {}
    assert paper(result, SADTALKER).sources["abstract"] == "arxiv"


def test_an_answer_slower_than_the_timeout_is_retried(
    corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path
) -> None:
    apis.fail_next("s2", Fault(), Fault(), Fault(), Fault(), Fault.slow(2.0))  # the batch lookup, after 4 searches
    result = enrich(corpus, vocab, config(tmp_path, apis, s2=replace(FAST, timeout=0.5)))
    assert apis.count("s2", "/paper/batch") == 2
    assert result.report["failed"] == {}
    assert paper(result, DIFFTALK).citation_count == 187


def test_a_request_that_keeps_failing_marks_only_its_papers_and_is_asked_again_next_run(
    corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path
) -> None:
    apis.fail_next("arxiv", *[Fault.server_error()] * (FAST.retries + 1))
    first = enrich(corpus, vocab, config(tmp_path, apis))
    arxiv_papers = {DIFFTALK, SADTALKER, GENEFACE, WRONG_LINK, SEEING, WAV2LIP}
    assert set(first.report["failed"]) == arxiv_papers
    assert "HTTP 500" in first.report["failed"][DIFFTALK]
    assert paper(first, DIFFTALK).sources["citation_count"] == "semanticscholar"
    assert "abstract" not in paper(first, SEEING).sources
    sent = apis.count()
    second = enrich(corpus, vocab, config(tmp_path, apis))
    assert [s.service for s in apis.seen[sent:]] == ["arxiv"]
    assert second.report["failed"] == {}
    assert paper(second, SEEING).sources["abstract"] == "arxiv"


def times(fault: Fault) -> list[Fault]:
    """A fault as often as one request meets it: a 5xx answer is retried, a malformed 200 is not."""
    return [fault] * (FAST.retries + 1 if fault.status >= 500 else 1)


@pytest.mark.parametrize("fault", [Fault.html_page(), Fault.empty(), Fault(cut_off=True), Fault.html_page(503)],
                         ids=["html-page", "empty-body", "cut-off", "html-503"])
def test_a_malformed_arxiv_answer_fails_only_the_papers_of_that_request(
    corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path, fault: Fault
) -> None:
    apis.fail_next("arxiv", *times(fault))
    result = enrich(corpus, vocab, config(tmp_path, apis, arxiv_batch=3))
    first_batch = arxiv_ids_asked(apis)[0]
    failed = {paper_id for paper_id, reason in result.report["failed"].items() if reason.startswith("arXiv")}
    by_arxiv = {p.id: p.arxiv_id or p.external_ids.get("ArXiv") for p in result.corpus.papers}
    assert {by_arxiv[p] for p in failed} == set(first_batch)
    later = {p for p, a in by_arxiv.items() if a and a not in first_batch and p != WRONG_LINK}
    assert later and all(paper(result, p).sources.get("abstract") == "arxiv" for p in later)


@pytest.mark.parametrize("fault", [Fault.html_page(), Fault.empty(), Fault(cut_off=True),
                                   Fault(200, b'{"data": [')], ids=["html-page", "empty-body", "cut-off", "bad-json"])
def test_a_malformed_semantic_scholar_answer_fails_only_the_papers_of_that_request(
    corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path, fault: Fault
) -> None:
    apis.fail_next("s2", *[Fault()] * TITLE_SEARCHES, *times(fault))
    result = enrich(corpus, vocab, config(tmp_path, apis, s2_batch=4))
    first_batch = next(s.body["ids"] for s in apis.seen if s.path.endswith("/paper/batch"))
    failed = {p for p, reason in result.report["failed"].items() if reason.startswith("Semantic Scholar")}
    assert len(failed) == len(first_batch) == 4
    assert all("citation_count" not in paper(result, p).sources for p in failed)
    enriched = [p for p in result.corpus.papers if p.sources.get("citation_count") == "semanticscholar"]
    assert len(enriched) == S2_KEYS - 4 - 1  # the other batch, less the wrong link's paper


def test_an_unreachable_server_ends_the_run_offline_after_a_few_quick_tries_and_says_so_once(
    corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    enrich(corpus, vocab, config(tmp_path, apis))
    caplog.set_level(logging.INFO, logger="tfkg")
    result = enrich(corpus, vocab, config(tmp_path, None, refresh=True))
    assert set(result.report["unreachable"]) == {"arXiv", "Semantic Scholar"}
    tries = {"arXiv": CONNECT_ATTEMPTS, "Semantic Scholar": CONNECT_ATTEMPTS}
    assert result.report["requests"] == tries  # a few connection tries, no backed-off retries
    assert result.report["failed"] == {}
    unreachable = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(unreachable) == 1
    assert "Connection refused" in unreachable[0].getMessage()


def test_the_unreachable_run_still_uses_what_the_cache_holds(
    corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path
) -> None:
    online = enrich(corpus, vocab, config(tmp_path, apis))
    cut = enrich(corpus, vocab, config(tmp_path, None))
    assert cut.digest == online.digest
    assert cut.report["unreachable"] == {}  # everything was cached: nothing had to be asked


# -- checking and merging -------------------------------------------------------------------------


def test_a_link_to_another_paper_is_a_mismatch_and_its_metadata_is_not_merged(
    corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path
) -> None:
    result = enrich(corpus, vocab, config(tmp_path, apis))
    mismatches = [m for m in result.report["mismatches"] if m["paper"] == WRONG_LINK]
    assert {m["source"] for m in mismatches} == {"arxiv", "semanticscholar"}
    assert {m["fetched_title"] for m in mismatches} == {"Emotionally Enhanced Talking Face Generation"}
    assert mismatches[0]["entries"] == [f"{FIXTURES / 'list.md'}:16"]
    wrong = paper(result, WRONG_LINK)
    assert (wrong.abstract, wrong.authors, wrong.s2_id) == (None, (), None)
    assert len(result.report["mismatches"]) == 2


def test_a_retitled_version_behind_the_rows_own_link_is_still_merged(
    corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path
) -> None:
    # Semantic Scholar holds DiffTalk under its later title ("... Audio-Driven Portraits Animation").
    result = enrich(corpus, vocab, config(tmp_path, apis))
    assert paper(result, DIFFTALK).s2_id == "0f1dd58e7c0b0b7b3c56a8d3a2c7a1c1a1f0d001"
    assert DIFFTALK not in {m["paper"] for m in result.report["mismatches"]}


def test_a_title_search_result_is_accepted_only_when_the_titles_are_nearly_equal(
    corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path
) -> None:
    result = enrich(corpus, vocab, config(tmp_path, apis))
    looked_up = next(s.body["ids"] for s in apis.seen if s.path.endswith("/paper/batch"))
    assert "0f1dd58e7c0b0b7b3c56a8d3a2c7a1c1a1f0d005" in looked_up  # LipFormer: "With a" vs "with A"
    assert "0f1dd58e7c0b0b7b3c56a8d3a2c7a1c1a1f0d007" not in looked_up  # the look-alike's closest title
    lookalike = "Emotion-Controllable Generalized Talking Face Generation"
    assert title_similarity(lookalike, "Emotionally Enhanced Talking Face Generation") < TITLE_MATCH
    assert paper(result, LIPFORMER).sources["s2_id"] == "semanticscholar"
    assert paper(result, LOOKALIKE).sources == paper(result, UNKNOWN).sources == {
        "title": "list", "venue": "list", "year": "list"}


def test_every_merged_field_names_its_source(corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path) -> None:
    result = enrich(corpus, vocab, config(tmp_path, apis))
    difftalk = paper(result, DIFFTALK)
    assert difftalk.abstract.startswith("Talking head synthesis turns a driving audio clip")
    assert difftalk.sources["abstract"] == "arxiv"
    assert difftalk.categories == ("cs.CV", "cs.SD") and difftalk.sources["categories"] == "arxiv"
    assert difftalk.published == "2023-01-10"
    assert [a.id for a in difftalk.authors] == ["2146233214", "2111014578", "1697700"]
    assert difftalk.sources["authors"] == "semanticscholar"
    assert (difftalk.citation_count, difftalk.doi) == (187, "10.1109/CVPR52729.2023.00197")
    assert difftalk.tldr.startswith("A diffusion model conditioned on audio")
    assert difftalk.external_ids["DBLP"] == "conf/cvpr/ShenZMZL23"
    lipformer = paper(result, LIPFORMER)  # no abstract anywhere, no arXiv version
    assert lipformer.abstract is None and lipformer.published == "2023-06-01"
    assert lipformer.sources["published"] == "semanticscholar"
    seeing = paper(result, SEEING)  # found by title; its arXiv id comes from Semantic Scholar
    assert seeing.arxiv_id is None and seeing.external_ids["ArXiv"] == "2303.17480"
    assert seeing.sources["abstract"] == "arxiv"
    wav2lip = paper(result, WAV2LIP)  # found by the DOI in its ACM link
    assert wav2lip.s2_id == "0f1dd58e7c0b0b7b3c56a8d3a2c7a1c1a1f0d006" and wav2lip.sources["doi"] == "arxiv"


def test_a_preprint_gets_the_peer_reviewed_venue_semantic_scholar_names(
    corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path
) -> None:
    result = enrich(corpus, vocab, config(tmp_path, apis))
    geneface = paper(result, GENEFACE)  # listed as "Arxiv2023"
    assert (geneface.venue.family, geneface.venue.kind, geneface.year) == ("ICLR", "conference", 2023)
    assert geneface.venue.raw == "Arxiv2023"
    assert geneface.sources["venue"] == "semanticscholar"
    assert paper(result, DIFFTALK).sources["venue"] == "list"  # a listed conference stays


def test_abstracts_add_the_datasets_they_name_but_not_concepts(
    corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path
) -> None:
    result = enrich(corpus, vocab, config(tmp_path, apis))
    difftalk, seeing = paper(result, DIFFTALK), paper(result, SEEING)
    assert ("hdtf", "abstract") in {(m.dataset, m.source) for m in difftalk.datasets}
    assert ("diffusion", "keywords") in {(a.concept, a.source) for a in difftalk.concepts}
    assert seeing.abstract and "in sync" in seeing.abstract  # lip-sync named in passing: no concept from it
    assert "lip-sync" not in seeing.concept_ids
    assert "abstract" not in {a.source for p in result.corpus.papers for a in p.concepts}
    datasets = {d.id for d in result.corpus.datasets}
    assert {"hdtf", "lrs2", "lrs3", "lrw", "voxceleb"} <= datasets


def test_cites_link_listed_papers_and_outside_references_count_their_citers(
    corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path
) -> None:
    result = enrich(corpus, vocab, config(tmp_path, apis))
    assert paper(result, DIFFTALK).cites == (SADTALKER, WAV2LIP)
    assert paper(result, DIFFTALK).sources["cites"] == "semanticscholar"
    assert paper(result, WAV2LIP).cites == ()
    external = {r["title"]: r for r in result.external_references}
    nerf = external["NeRF: Representing Scenes as Neural Radiance Fields for View Synthesis"]
    assert nerf == {"s2_id": "9a0e2fbdfd3e8e0d6d1ab4c1b6a3bb3c7c4e1002", "title": nerf["title"], "year": 2020,
                    "arxiv_id": "2003.08934", "doi": "10.1145/3503250", "cited_by": [DIFFTALK, SADTALKER, GENEFACE]}
    assert result.external_references[0] == nerf  # most cited first
    assert external["Lip Reading Sentences in the Wild"]["cited_by"] == [SEEING, WAV2LIP]
    assert "A talking head dataset that was never published" not in external  # no paper id: not a paper S2 knows


# -- bad answers and a bad cache ------------------------------------------------------------------


def test_fields_missing_or_of_the_wrong_type_are_left_out_and_the_rest_is_merged(
    corpus: Corpus, vocab: Vocabulary, tmp_path: Path
) -> None:
    server = FakeApis.from_fixtures()
    sadtalker = next(p for p in server.s2_papers if p["externalIds"].get("ArXiv") == SADTALKER)
    sadtalker.update(citationCount="many", year="2022", venue=42, openAccessPdf="yes", title=None)
    del sadtalker["abstract"], sadtalker["references"]
    server.arxiv_entries[SADTALKER] = server.arxiv_entries[SADTALKER].replace(
        b"<summary>", b"<comment>").replace(b"</summary>", b"</comment>")
    with server:
        result = enrich(corpus, vocab, config(tmp_path, server))
    merged = paper(result, SADTALKER)
    assert merged.citation_count is None and merged.abstract is None and merged.cites == ()
    assert merged.s2_id == "0f1dd58e7c0b0b7b3c56a8d3a2c7a1c1a1f0d002"
    assert [a.id for a in merged.authors] == ["2108143553", "2163441425"]
    assert merged.tldr.startswith("SadTalker predicts") and merged.categories == ("cs.CV",)
    assert result.report["failed"] == {}


def test_an_answer_the_client_library_cannot_read_fails_only_its_request(
    corpus: Corpus, vocab: Vocabulary, tmp_path: Path
) -> None:
    server = FakeApis.from_fixtures()
    next(p for p in server.s2_papers if p["externalIds"].get("ArXiv") == GENEFACE)["publicationDate"] = "31/01/2023"
    with server:
        result = enrich(corpus, vocab, config(tmp_path, server, s2_batch=1))
    assert list(result.report["failed"]) == [GENEFACE]
    assert "unreadable answer" in result.report["failed"][GENEFACE]
    assert paper(result, GENEFACE).sources["abstract"] == "arxiv"
    assert paper(result, SADTALKER).sources["citation_count"] == "semanticscholar"


def test_unreadable_cache_files_are_fetched_again(
    corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = enrich(corpus, vocab, config(tmp_path, apis))
    files = sorted((tmp_path / "enrich" / "arxiv").glob("*.json"))
    files[0].write_text("{not json", encoding="utf-8")
    files[1].write_bytes(b"\x00\xff garbage")
    files[2].write_text('{"key": "someone else", "data": null}', encoding="utf-8")
    sent = apis.count()
    caplog.set_level(logging.WARNING, logger="tfkg")
    second = enrich(corpus, vocab, config(tmp_path, apis))
    assert [len(ids) for ids in arxiv_ids_asked(apis)[1:]] == [3]
    assert apis.count() == sent + 1
    assert second.digest == first.digest
    assert len(second.report["cache"]["unreadable"]) == 3
    assert len([r for r in caplog.records if "unreadable cache files" in r.getMessage()]) == 1


def test_a_cache_folder_that_cannot_be_written_is_reported_once_and_the_run_goes_on(
    corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A file where the cache folder should be: no write can succeed, as in a read-only folder (the
    # tests run as root, for whom permission bits do not stop writes).
    blocked = tmp_path / "cache"
    blocked.write_text("not a folder", encoding="utf-8")
    caplog.set_level(logging.WARNING, logger="tfkg")
    result = enrich(corpus, vocab, config(blocked, apis))
    assert result.report["cache"]["unwritable"]
    assert paper(result, DIFFTALK).sources["abstract"] == "arxiv"
    assert len([r for r in caplog.records if "cannot be written" in r.getMessage()]) == 1
    assert blocked.read_text(encoding="utf-8") == "not a folder"


def test_the_api_key_is_sent_as_a_header_and_never_stored(
    corpus: Corpus, vocab: Vocabulary, apis: FakeApis, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    result = enrich(corpus, vocab, config(tmp_path, apis, s2_api_key="s2-secret-key-123"))
    s2_requests = [s for s in apis.seen if s.service == "s2"]
    assert all(s.headers.get("x-api-key") == "s2-secret-key-123" for s in s2_requests)
    assert all("x-api-key" not in s.headers for s in apis.seen if s.service == "arxiv")
    stored = [p.read_text(encoding="utf-8") for p in tmp_path.rglob("*.json")]
    assert stored and not any("s2-secret-key-123" in text for text in stored)
    assert "s2-secret-key-123" not in json.dumps(result.report) + caplog.text
    assert "s2-secret-key-123" not in repr(config(tmp_path, apis, s2_api_key="s2-secret-key-123"))


def test_a_redirect_to_another_host_never_carries_the_api_key(
    corpus: Corpus, vocab: Vocabulary, tmp_path: Path
) -> None:
    with FakeApis.from_fixtures() as home, FakeApis.from_fixtures() as elsewhere:
        target = elsewhere.s2_url + "/paper/batch"
        home.fail_next("s2", *[Fault(302, b"", {"Location": target})] * 50)
        result = enrich(corpus, vocab, config(tmp_path, home, s2_api_key="s2-secret-key-123"))
    assert home.count("s2") > 0 and elsewhere.count() == 0  # the key never left the configured host
    assert "another host" in json.dumps(result.report)


def test_a_redirect_within_the_host_keeps_the_method_and_the_body(
    corpus: Corpus, vocab: Vocabulary, tmp_path: Path
) -> None:
    with FakeApis.from_fixtures() as apis:
        apis.fail_next("s2", Fault(307, b"", {"Location": "/graph/v1/paper/batch?fields=title,externalIds"},
                                   path="/paper/batch"))
        enrich(corpus, vocab, config(tmp_path, apis, s2_api_key="s2-secret-key-123"))
        first, second = [s for s in apis.seen if s.path.endswith("/paper/batch")][:2]
    assert (first.method, second.method) == ("POST", "POST") and second.body == first.body
    assert second.headers.get("x-api-key") == "s2-secret-key-123"


def test_the_api_key_is_never_sent_in_the_clear_to_another_machine(
    corpus: Corpus, vocab: Vocabulary, tmp_path: Path
) -> None:
    with pytest.raises(UserError, match="refusing to send S2_API_KEY over http"):
        enrich(corpus, vocab, config(tmp_path, None, s2_url="http://api.example.org/graph/v1",
                                     s2_api_key="s2-secret-key-123"))
