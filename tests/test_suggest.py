"""`tfkg suggest`: works the peers have and the list lacks (never one it has), papers of a snapshot close
to it, cited works; each with why and a row, in the list's own style, that tfkg reads back into the
section it names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.parse import parse_list, parse_text
from kg.cli.main import main
from kg.core.vocab import Vocabulary
from kg.curation.suggest import ListProfile, Suggestion, from_citations, from_peers, from_snapshot, suggest

from .conftest import BUNDLED_LIST, FIXTURES

SUGGEST = FIXTURES / "suggest"
PEERS = [SUGGEST / "peer_one.md", SUGGEST / "peer_two.md"]
NEW_WORKS = {"2305.90001", "2309.90002", "2210.90003", "2303.90004"}  # the peers' works the list lacks


def profile_of(path: Path, vocab: Vocabulary) -> ListProfile:
    return ListProfile(parse_list(path, vocab), path.read_text(encoding="utf-8").splitlines(), vocab)


def reads_back(path: Path, s: Suggestion, vocab: Vocabulary) -> bool:
    """Paste the row after the last row of its section and read the list again."""
    lines = path.read_text(encoding="utf-8").splitlines()
    at = max(e.line for e in parse_list(path, vocab).entries if e.section == s.section)
    if not s.row.startswith("|"):  # a bullet or a paragraph goes after the last one's block, a line apart
        while at < len(lines) and lines[at].strip():
            at += 1
        lines.insert(at, "")
        at += 1
    lines.insert(at, s.row)
    entry = next((e for e in parse_text("\n".join(lines) + "\n", "pasted.md", "", vocab).entries
                  if e.line == at + 1), None)
    return entry is not None and entry.title == s.title and entry.section == s.section


def test_peers_give_every_work_the_list_lacks_and_none_it_has(vocab: Vocabulary) -> None:
    profile = profile_of(BUNDLED_LIST, vocab)
    chosen = suggest(profile, from_peers(profile, PEERS, vocab), None)
    assert {s.arxiv_id for s in chosen} == NEW_WORKS  # DiffTalk and EVP are listed already, in other forms
    shared = next(s for s in chosen if s.arxiv_id == "2309.90002")
    assert shared.peers == ["peer_one.md", "peer_two.md"] and chosen[0] is shared  # two peers rank first
    assert all(reads_back(BUNDLED_LIST, s, vocab) for s in chosen)


def test_rows_follow_the_list_s_own_style(vocab: Vocabulary) -> None:
    profile = profile_of(BUNDLED_LIST, vocab)
    whispers = next(s for s in suggest(profile, from_peers(profile, PEERS, vocab), None)
                    if s.arxiv_id == "2305.90001")
    assert whispers.row.startswith("| Speaking Avatars From Whispers and Hums | ICCV2023 | [paper](")
    assert "[code](https://github.com/someone/whispers)" in whispers.row and whispers.section == "2023"
    for layout in (FIXTURES / "bullet_list.md", FIXTURES / "reading" / "paragraph_entries.md"):
        profile = profile_of(layout, vocab)
        chosen = suggest(profile, from_peers(profile, PEERS, vocab), None)
        assert chosen and all(reads_back(layout, s, vocab) for s in chosen), layout


def test_a_snapshot_gives_close_papers_the_list_lacks(vocab: Vocabulary) -> None:
    profile = profile_of(BUNDLED_LIST, vocab)
    found = from_snapshot(profile, SUGGEST / "snapshot.jsonl", ["cs.CV", "cs.GR"], top=10)
    assert {s.arxiv_id for s in found} == {"2306.90010", "2307.90013"}  # not DiffTalk, not off-topic papers
    assert all(s.from_snapshot and s.closeness > 0 for s in found)


def test_cited_works_the_list_lacks_are_suggested(vocab: Vocabulary, tmp_path: Path) -> None:
    (tmp_path / "external_references.jsonl").write_text(
        json.dumps({"title": "Wav2Lip Evaluation Revisited", "year": 2022, "arxiv_id": "2204.90020",
                    "cited_by": ["a", "b", "c"]}) + "\n"
        + json.dumps({"title": "Audio-Driven Emotional Video Portraits", "arxiv_id": "2104.07452",
                      "cited_by": ["a"]}) + "\n", encoding="utf-8")
    profile = profile_of(BUNDLED_LIST, vocab)
    cited = from_citations(profile, tmp_path)
    assert [(s.arxiv_id, s.cited_by) for s in cited] == [("2204.90020", 3)]


def test_the_cli_prints_json_with_the_arxiv_id_and_the_row(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["suggest", str(BUNDLED_LIST), *[a for p in PEERS for a in ("--peer", str(p))],
                                       "--json", "--top", "2", "--build", str(tmp_path / "none")])
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert len(items) == 2 and items[0]["arxiv_id"] == "2309.90002" and items[0]["row"].startswith("| ")
    assert items[0]["evidence"]["peers"] == ["peer_one.md", "peer_two.md"]


@pytest.mark.parametrize("bad", ["not json at all\n"])
def test_a_file_that_is_not_a_snapshot_is_named(vocab: Vocabulary, tmp_path: Path, bad: str) -> None:
    from kg.core.errors import UserError

    snapshot = tmp_path / "snapshot.jsonl"
    snapshot.write_text(bad + '{"id": "1", "title": "cs.CV talking head face"}\n', encoding="utf-8")
    profile = profile_of(BUNDLED_LIST, vocab)
    with pytest.raises(UserError, match="not an arXiv metadata snapshot"):
        from_snapshot(profile, snapshot, ["cs.CV"], top=5)
