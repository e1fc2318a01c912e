"""Enrichment inside `tfkg ingest`: what reaches the build, the graph and `tfkg stats`; the no-op
check on a cached rerun; and an ingest process killed mid-enrichment resuming where it stopped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.enrich import enrich
from ingest.http import CONNECT_ATTEMPTS
from ingest.papers import Corpus
from kg.cli.main import main
from kg.core.store import load_build
from kg.core.vocab import Vocabulary

from .conftest import ROOT
from .fake_apis import FIXTURES, FakeApis, Fault
from .test_enrich import DIFFTALK, SADTALKER, SEEING, TITLE_SEARCHES, WAV2LIP, config, corpus  # noqa: F401


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def api_environment(apis: FakeApis) -> dict[str, str]:
    return {"TFKG_ARXIV_API_URL": apis.arxiv_url, "TFKG_S2_API_URL": apis.s2_url,
            "TFKG_ARXIV_INTERVAL": "0", "TFKG_S2_INTERVAL": "0"}


def test_ingest_puts_the_enrichment_into_the_build_and_a_cached_rerun_is_a_no_op(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build, cache = tmp_path / "build", tmp_path / "cache"
    ingest = ("ingest", "--list", str(FIXTURES / "list.md"), "--build", str(build), "--cache-dir", str(cache),
              "--quiet")
    with FakeApis.from_fixtures() as apis:
        for name, value in api_environment(apis).items():
            monkeypatch.setenv(name, value)
        code, out = run(*ingest)
        assert code == 0, out
        loaded = load_build(build)
        edges = {(u, v, d["type"]) for u, v, d in loaded.graph.edges(data=True)}
        assert (f"paper/{DIFFTALK}", f"paper/{SADTALKER}", "cites") in edges
        assert (f"paper/{DIFFTALK}", f"paper/{WAV2LIP}", "cites") in edges
        shuai_shen = [u for u, v, kind in edges if v == "author/2146233214" and kind == "authored_by"]
        assert sorted(shuai_shen) == [f"paper/{DIFFTALK}", f"paper/{SEEING}"]  # one author node, merged by id
        uses = [d for u, _, d in loaded.graph.edges(data=True)
                if u == f"paper/{DIFFTALK}" and d["type"] == "uses_dataset"]
        assert {"source": "abstract", "type": "uses_dataset"} in [{k: d[k] for k in ("source", "type")} for d in uses]
        assert loaded.paper(DIFFTALK).abstract and loaded.paper(DIFFTALK).cites == (SADTALKER, WAV2LIP)
        external = [json.loads(line) for line in (build / "external_references.jsonl").read_text().splitlines()]
        assert external[0]["title"].startswith("NeRF") and len(external[0]["cited_by"]) == 3
        report = json.loads((build / "enrichment.json").read_text(encoding="utf-8"))
        assert {m["paper"] for m in report["mismatches"]} == {"2303.11548"}

        code, out = run("stats", "--build", str(build), "--json")
        stats = json.loads(out)
        assert stats["papers_enriched_by_source"] == {"arxiv": 5, "semanticscholar": 6}
        assert stats["papers_not_enriched"] == 3
        assert stats["link_title_mismatches"] == 2
        assert stats["edges"]["cites"] == 6  # 5 papers cite Wav2Lip, DiffTalk also SadTalker
        code, out = run("stats", "--build", str(build))
        assert "papers enriched by source:" in out and "semanticscholar  6" in out

        sent = apis.count()
        manifest = (build / "manifest.json").read_bytes()
        for again in ((), ("--offline",), ("--refresh",)):
            code, out = run(*ingest, *again)
            assert code == 0 and "is up to date" in out, (again, out)
        assert apis.count() == 2 * sent  # only --refresh asked again, and got the same answers
        assert (build / "manifest.json").read_bytes() == manifest

        next(p for p in apis.s2_papers if p["paperId"].endswith("d001"))["citationCount"] = 200
        code, out = run(*ingest, "--refresh")
        assert code == 0 and out.startswith("built"), out
        assert load_build(build).paper(DIFFTALK).citation_count == 200


def test_the_default_ingest_offline_says_so_once_and_builds(bundled_build: Path) -> None:
    report = json.loads((bundled_build / "enrichment.json").read_text(encoding="utf-8"))
    assert set(report["unreachable"]) == {"arXiv", "Semantic Scholar"}
    assert report["requests"] == {"arXiv": CONNECT_ATTEMPTS, "Semantic Scholar": CONNECT_ATTEMPTS}
    assert report["failed"] == {}
    assert (bundled_build / "external_references.jsonl").read_text(encoding="utf-8") == ""


def test_an_ingest_killed_mid_enrichment_resumes_where_it_stopped(
    corpus: Corpus, vocab: Vocabulary, tmp_path: Path  # noqa: F811 - the corpus fixture
) -> None:
    cache = tmp_path / "cache"
    with FakeApis.from_fixtures() as apis:
        apis.fail_next("s2", Fault(), Fault(), Fault.slow(20))  # the third title search hangs
        process = subprocess.Popen(
            [sys.executable, "-c", "from kg.cli.main import main; main()", "ingest",
             "--list", str(FIXTURES / "list.md"),
             "--build", str(tmp_path / "build"), "--cache-dir", str(cache), "--quiet"],
            cwd=ROOT, env={**os.environ, **api_environment(apis), "TFKG_HTTP_TIMEOUT": "60"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while apis.count("s2") < 3:
            assert process.poll() is None and time.monotonic() < deadline, "the ingest ended before the hang"
            time.sleep(0.05)
        process.kill()
        process.wait()
        answered = [s.query["query"] for s in apis.seen[:2]]
        assert all(json.loads(p.read_text(encoding="utf-8"))["key"] for p in cache.rglob("*.json"))
        assert len(list(cache.rglob("*.json"))) == 2
        sent = apis.count()
        result = enrich(corpus, vocab, config(cache, apis))
        resumed = [s.query["query"] for s in apis.seen[sent:] if s.path.endswith("/match")]
    assert len(resumed) == TITLE_SEARCHES - 2 and not set(resumed) & set(answered)
    assert result.report["failed"] == {}
    assert not (tmp_path / "build").exists()
