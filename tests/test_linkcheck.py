"""The link checker against a real server on loopback: each outcome, politeness, the cache, and arXiv
forms of one paper checked once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli.main import main
from kg.curation.linkcheck import Politeness, check_links, link_key

from .conftest import CLOSED_PORT_URL
from .link_server import LinkServer

FAST = Politeness(concurrency=8, per_host=4, interval=0.0, timeout=1.0, retries=1)


@pytest.fixture(scope="module")
def server():
    with LinkServer(slow=3.0) as running:
        yield running


@pytest.mark.parametrize(("path", "outcome", "status"), [
    ("/ok", "ok", 200),
    ("/gone", "dead", 404),
    ("/gone-for-good", "dead", 410),
    ("/moved", "moved", 200),
    ("/moved-308", "moved", 200),
    ("/temporary", "ok", 200),
    ("/moved-to-gone", "dead", 404),
    ("/broken", "server_error", 500),
    ("/no-head", "ok", 200),
    ("/busy", "ok", 200),
])
def test_each_answer_has_its_outcome(server: LinkServer, path: str, outcome: str, status: int) -> None:
    found = check_links([server.url(path)], politeness=FAST)[server.url(path)]
    assert (found.outcome, found.status) == (outcome, status)
    if outcome == "moved":
        assert found.location == server.url("/ok")


def test_head_is_tried_first_and_get_only_where_head_is_refused(server: LinkServer) -> None:
    check_links([server.url("/no-head"), server.url("/ok")], politeness=FAST)
    assert server.hits[("GET", "/no-head")] >= 1 and server.hits[("GET", "/ok")] == 0


def test_retry_after_is_honoured(server: LinkServer) -> None:
    with LinkServer() as fresh:
        started = time.monotonic()
        found = check_links([fresh.url("/busy")], politeness=FAST)[fresh.url("/busy")]
        assert found.outcome == "ok" and time.monotonic() - started >= 1.0
        assert fresh.hits[("HEAD", "/busy")] == 2


def test_no_connection_is_unreachable_never_dead_and_a_silent_server_times_out(server: LinkServer) -> None:
    found = check_links([CLOSED_PORT_URL + "/paper.pdf", server.url("/slow")], politeness=FAST)
    assert found[CLOSED_PORT_URL + "/paper.pdf"].outcome == "unreachable"
    assert found[server.url("/slow")].outcome == "unreachable" and "no answer" in found[server.url("/slow")].detail


def test_arxiv_forms_of_one_paper_are_one_link() -> None:
    forms = ["https://arxiv.org/abs/2301.03786", "https://arxiv.org/pdf/2301.03786v2.pdf",
             "http://arxiv.org/abs/2301.03786v1"]
    assert len({link_key(url) for url in forms}) == 1


def test_answers_are_cached_and_failures_asked_again(server: LinkServer, tmp_path: Path) -> None:
    urls = [server.url("/gone"), CLOSED_PORT_URL + "/x"]
    check_links(urls, tmp_path, FAST)
    before = server.hits[("HEAD", "/gone")]
    again = check_links(urls, tmp_path, FAST)
    assert server.hits[("HEAD", "/gone")] == before  # the dead link came from the cache
    assert again[urls[0]].outcome == "dead" and again[urls[1]].outcome == "unreachable"


def test_lint_check_links_reports_dead_and_moved_links_not_unreachable_ones(server: LinkServer,
                                                                            tmp_path: Path) -> None:
    listed = tmp_path / "list.md"
    paper = f"[paper]({server.url('/ok')})"  # every link of the list is on loopback: no test reaches out
    listed.write_text(
        "# L\n\n## 2023\n\n"
        f"- A Paper Whose Page Is Gone Now (CVPR 2023) {paper} [code]({server.url('/gone')})\n"
        f"- A Paper Whose Page Has Moved Away (CVPR 2023) {paper} [project]({server.url('/moved')})\n"
        f"- A Paper On a Machine Out of Reach (CVPR 2023) {paper} [project]({CLOSED_PORT_URL}/p)\n",
        encoding="utf-8")
    result = CliRunner().invoke(main, ["lint", str(listed), "--check-links", "--cache-dir", str(tmp_path / "cache")])
    assert f"{listed}:5:1: dead_link: {server.url('/gone')}: HTTP 404" in result.stdout
    moved = f"{listed}:6:1: moved_link: {server.url('/moved')} moved permanently to {server.url('/ok')}"
    assert moved in result.stdout
    assert ":7:1:" not in result.stdout and "could not be reached" in result.stderr


def test_curate_fix_writes_the_new_address_of_a_moved_link(server: LinkServer, tmp_path: Path, vocab) -> None:
    from ingest.parse import parse_text
    from kg.curation.curate import curate_parsed
    from kg.curation.fix import apply_changes, plan_fixes
    from kg.curation.linkcheck import cached_moves

    from .conftest import ROOT

    text = (f"# L\n\n## 2023\n\n- A Paper Whose Project Page Has Moved (CVPR 2023) [paper]({server.url('/ok')}) "
            f"[project]({server.url('/moved')})\n")
    check_links([server.url("/moved")], tmp_path, FAST)
    parsed = parse_text(text, "list.md", "", vocab)
    changes = plan_fixes(parsed, curate_parsed(parsed, text, vocab, ROOT / "data"), text, cached_moves(tmp_path))
    fixed = apply_changes(text, changes)
    assert f"[project]({server.url('/ok')})" in fixed and "/moved" not in fixed
    assert [c.kind for c in changes] == ["moved_link"]
