"""`tfkg ingest`: list -> entries -> papers -> enrichment -> graph -> build folder.

Reads: a list file, the vocabularies in the data folder, the arXiv and Semantic Scholar APIs through
the cache folder (ingest/enrich.py). Writes: a whole build folder (see `kg/core/store.py`), with the
search index (ingest/index.py) and the query encoder (ingest/query_encoder.py), swapped in only when
every stage succeeded. A build whose manifest records the same inputs is left alone: the run says so
and does nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from ingest.enrich import EnrichConfig, enrich
from ingest.graph import build_graph, edge_counts, node_counts
from ingest.papers import build_corpus
from ingest.parse import parse_list
from ingest.query_encoder import export_encoder
from kg.core import settings
from kg.core.model import Paper
from kg.core.store import BUILD_FORMAT, read_manifest, staged_build, write_core, write_json, write_jsonl
from kg.core.vocab import Vocabulary

log = logging.getLogger("tfkg.ingest")


def tfkg_version() -> str:
    try:
        return version("tfkg")
    except PackageNotFoundError:
        return "0+unknown"


@dataclass
class IngestOptions:
    """What `tfkg ingest` was asked to do."""

    list_path: Path
    build_dir: Path
    data_dir: Path
    cache_dir: Path
    force: bool = False
    progress: bool = True
    model: str = field(default_factory=lambda: settings.get("model"))
    """The embedding model of the search index (TFKG_MODEL); a different model rebuilds."""
    refresh: bool = False
    """Ask the APIs again for every paper, ignoring cached answers (`--refresh`)."""
    offline: bool = False
    """Send no request at all: enrich from the cache (and the snapshot) only (`--offline`)."""
    arxiv_snapshot: Path | None = None
    """A local arXiv metadata snapshot (JSON lines) used instead of the arXiv API for the ids it holds."""


@dataclass(frozen=True)
class IngestResult:
    """What an ingest did: built (with the manifest) or found the build up to date."""

    built: bool
    manifest: dict[str, Any]
    warnings: tuple[str, ...] = ()


def list_name(path: Path) -> str:
    """How entries name their list file: relative to the project when the list is inside it
    ("data/awesome-talking-face-generation.md"), so that reports and RDF exports agree across
    machines and checkouts; otherwise the path as given."""
    try:
        return str(path.resolve().relative_to(settings.PROJECT_ROOT))
    except ValueError:
        return str(path)


def _code_digest() -> str:
    """A hash of tfkg's own source, so that a changed parser or mapping rebuilds even without a
    version bump (the build records what made it, not only what it read)."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for path in sorted([*root.glob("ingest/**/*.py"), *root.glob("kg/**/*.py")]):  # every module, any depth
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ingest(options: IngestOptions) -> IngestResult:
    """Build the list into options.build_dir, unless the build there was made from the same inputs."""
    vocab = Vocabulary.load(options.data_dir)
    parsed = parse_list(options.list_path, vocab, name=list_name(options.list_path))
    warnings = tuple(str(w) for w in parsed.warnings)
    corpus = build_corpus(parsed, vocab)
    enrichment = enrich(corpus, vocab, EnrichConfig.from_settings(
        options.cache_dir, offline=options.offline, refresh=options.refresh, snapshot=options.arxiv_snapshot))
    corpus = enrichment.corpus
    inputs = {
        "list": {"path": str(options.list_path), "sha256": parsed.sha256},
        "vocabulary_sha256": vocab.digest,
        "tfkg_version": tfkg_version(),
        "code_sha256": _code_digest(),
        "model": options.model,
        "enrichment_sha256": enrichment.digest,
    }
    previous = read_manifest(options.build_dir)
    if not options.force and previous and previous.get("format") == BUILD_FORMAT and previous.get("inputs") == inputs:
        return IngestResult(built=False, manifest=previous, warnings=warnings)

    graph = build_graph(corpus, parsed, vocab)
    manifest = {
        "format": BUILD_FORMAT,
        "inputs": inputs,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": {
            "entries": len(parsed.entries),
            "papers": len(corpus.papers),
            "datasets": len(corpus.datasets),
            "metrics": len(corpus.metrics),
            "nodes": node_counts(graph),
            "edges": edge_counts(graph),
        },
        "enrichment": {
            "enriched_by_source": enrichment.report["enriched_by_source"],
            "not_enriched": enrichment.report["not_enriched"],
            "mismatches": len(enrichment.report["mismatches"]),
            "failed": len(enrichment.report["failed"]),
        },
    }
    with staged_build(options.build_dir) as stage:
        write_core(stage, parsed, corpus.papers, corpus.datasets, corpus.metrics, graph)
        write_jsonl(stage / "external_references.jsonl", enrichment.external_references)
        write_json(stage / "enrichment.json", enrichment.report)
        manifest["index"] = _build_search_index(stage, corpus.papers, vocab, options)
        manifest["encoder"] = export_encoder(stage, options.model, options.cache_dir)
        write_json(stage / "manifest.json", manifest)
    return IngestResult(built=True, manifest=manifest, warnings=warnings)


def _build_search_index(
    stage: Path, papers: Sequence[Paper], vocab: Vocabulary, options: IngestOptions
) -> dict[str, Any]:
    """Embed the papers (through the embedding cache) and write the search index into the stage."""
    from ingest.index import build_index  # imports faiss: only when a build is actually made

    report = build_index(stage, papers, vocab, options.model, options.cache_dir, progress=options.progress)
    log.debug("search index: %d papers, %d embedded, %.1fs", len(papers), report.embedded, report.seconds)
    return report.manifest
