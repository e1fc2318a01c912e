"""Builds under concurrency and crashes: one writer at a time, readers always see one whole build,
and what a killed ingest left behind is cleaned up."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

import pytest

from ingest.graph import build_graph
from ingest.papers import build_corpus
from ingest.parse import parse_list
from kg.core.store import BUILD_FORMAT, BuildMissing, load_build, staged_build, write_core, write_json
from kg.core.vocab import Vocabulary

from .conftest import FIXTURES

LIST = FIXTURES / "curate_defects.md"


def publish(folder: Path, vocab: Vocabulary, stamp: str, hold: threading.Event | None = None) -> None:
    """One small build whose manifest carries a stamp; optionally held open until an event is set."""
    parsed = parse_list(LIST, vocab)
    corpus = build_corpus(parsed, vocab)
    with staged_build(folder) as stage:
        write_core(stage, parsed, corpus.papers, corpus.datasets, corpus.metrics,
                   build_graph(corpus, parsed, vocab))
        write_json(stage / "manifest.json", {"format": BUILD_FORMAT, "built_at": stamp,
                                             "counts": {"papers": len(corpus.papers)}})
        if hold is not None:
            hold.wait(timeout=10)


def test_a_second_writer_waits_and_says_who_holds_the_build(
    vocab: Vocabulary, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "build"
    hold = threading.Event()
    first = threading.Thread(target=publish, args=(folder, vocab, "first", hold))
    first.start()
    while not (tmp_path / ".build.lock.owner").exists():
        threading.Event().wait(0.01)
    caplog.set_level(logging.WARNING, logger="tfkg.store")
    second = threading.Thread(target=publish, args=(folder, vocab, "second"))
    second.start()
    threading.Event().wait(0.3)
    assert second.is_alive()  # waiting for the lock
    hold.set()
    first.join()
    second.join()
    assert "is being written by pid" in caplog.text
    assert load_build(folder).manifest["built_at"] == "second"


def test_readers_always_get_one_whole_build_while_builds_are_published(vocab: Vocabulary, tmp_path: Path) -> None:
    folder = tmp_path / "build"
    publish(folder, vocab, "0")
    problems: list[str] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                build = load_build(folder)
                if len(build.papers) != build.manifest["counts"]["papers"]:
                    problems.append("mixed build")
            except BuildMissing as error:
                problems.append(str(error))

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    for stamp in range(1, 15):
        publish(folder, vocab, str(stamp))
    done.set()
    for reader in readers:
        reader.join()
    assert problems == []
    versions = tmp_path / ".build.versions"
    assert len(list(versions.iterdir())) <= 2  # the current build and the one before it


def test_what_a_killed_ingest_left_is_removed_by_the_next(vocab: Vocabulary, tmp_path: Path) -> None:
    folder = tmp_path / "build"
    publish(folder, vocab, "1")
    leftover = tmp_path / ".build.versions" / "new-killed"
    leftover.mkdir()
    (leftover / "parsed.json").write_text("{", encoding="utf-8")
    publish(folder, vocab, "2")
    assert not leftover.exists()
    assert json.loads((folder / "manifest.json").read_text())["built_at"] == "2"


def test_a_build_folder_from_before_versions_becomes_one(vocab: Vocabulary, tmp_path: Path) -> None:
    folder = tmp_path / "build"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({"format": BUILD_FORMAT}), encoding="utf-8")
    publish(folder, vocab, "new")
    assert folder.is_symlink() and load_build(folder).manifest["built_at"] == "new"
