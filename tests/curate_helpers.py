"""Small builds for curation tests, made from a list file without the search index (fast, offline)."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from pathlib import Path

from ingest.graph import build_graph
from ingest.papers import build_corpus
from ingest.parse import parse_list
from kg.core.model import Paper
from kg.core.store import BUILD_FORMAT, Build, load_build, write_core, write_json
from kg.core.vocab import Vocabulary


def small_build(
    list_path: Path, folder: Path, vocab: Vocabulary, edit: Callable[[Paper], Paper] | None = None
) -> Build:
    """A build of a list in folder: parsed, papers (optionally edited), graph, manifest; no index.
    The list is copied beside the build so that tests may change it without touching the fixture."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder.parent / list_path.name
    shutil.copyfile(list_path, copy)
    parsed = parse_list(copy, vocab)
    corpus = build_corpus(parsed, vocab)
    if edit is not None:
        corpus = dataclasses.replace(corpus, papers=tuple(edit(p) for p in corpus.papers))
    write_core(folder, parsed, corpus.papers, corpus.datasets, corpus.metrics, build_graph(corpus, parsed, vocab))
    write_json(folder / "manifest.json", {"format": BUILD_FORMAT, "inputs": {"list": {"path": str(copy)}}})
    return load_build(folder)
