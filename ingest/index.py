"""The search index of a build: paper texts, their embeddings, a FAISS index and a BM25 index.

Reads: the papers of a build, the vocabulary, an embedding model and its cache. Writes, into a
build's staging folder: `embeddings.npy` (float32, L2-normalised, row i = line i of papers.jsonl),
`index.faiss` (exact inner product, or HNSW above HNSW_THRESHOLD papers), `bm25_*` files (see
`ingest/lexical.py`), and returns the manifest's "index" entry: {"model", "dim", "count", "kind"}.
Loading checks that entry against the papers and the wanted model and never re-embeds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ingest.embed import Embedder, EmbeddingCache, save_npy
from ingest.lexical import LexicalIndex
from kg.core.errors import UserError
from kg.core.model import CodeRepo, Paper, code_links_of
from kg.core.vocab import Vocabulary

logging.getLogger("faiss").setLevel(logging.WARNING)  # its loader logs every CPU feature probe at INFO
import faiss  # noqa: E402

IndexKind = Literal["flat", "hnsw"]

HNSW_THRESHOLD = 250_000
"""Papers above which the dense index is HNSW instead of exact. Measured by benchmarks/search_bench.py
(docs/search.md) on 2 cores: exact search costs about 0.14 ms per 1,000 papers (14 ms at 100,000),
HNSW about 0.4 ms with a recall@10 of 0.92; exact search stays below a quarter of the 150 ms query
budget up to about 250,000 papers, so it is kept until then."""

HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128

EXACT_SUBSET_LIMIT = 20_000
"""A filter that keeps at most this many papers (and at most a quarter of them) is searched by scoring
the kept rows exactly, whatever the index kind."""


class IndexStale(UserError):
    """The build has no index, or one that does not fit its papers or the wanted model."""


def paper_text(paper: Paper, vocab: Vocabulary) -> str:
    """What a paper is searched by: what the list says of it (`listed_text`) and its abstract when known.
    The abstract comes last: the embedding model reads only the first 256 word pieces, and a real abstract
    alone can fill them, so what the list itself says goes before it."""
    return _with_abstract(listed_text(paper, vocab), paper)


def _with_abstract(listed: str, paper: Paper) -> str:
    """A paper's listed text followed by its abstract, when it has one."""
    return f"{listed} {paper.abstract.strip().rstrip('.')}." if paper.abstract and paper.abstract.strip() else listed


def listed_text(paper: Paper, vocab: Vocabulary) -> str:
    """What the list says of a paper: its title, its keyword labels, the topic headings the list files it
    under (a list sorted by topic says under "Segmentation" what no title says), and the names of its code
    repositories (a method is often known by its repository's name: "Wav2Lip", "SadTalker")."""
    labels = [vocab.concept_label(c) for c in paper.concept_ids]
    parts = [paper.title.strip()]
    if labels:
        parts.append("Keywords: " + ", ".join(labels))
    if paper.topics:
        parts.append("Listed under: " + ", ".join(topic.strip() for topic in paper.topics))
    names = list(dict.fromkeys(repo.id.rsplit("/", 1)[-1] for repo in code_repos(paper)))
    if names:
        parts.append("Code: " + ", ".join(names))
    return ". ".join(part.rstrip(".") for part in parts if part) + "."


def paper_vectors(full: np.ndarray, listed: np.ndarray) -> np.ndarray:
    """Each paper's vector: the normalised mean of the vectors of its whole text and of what the list says
    of it. A long abstract spreads one vector over many things; the list's words keep it on what the paper
    is listed for (on the judged dev half with abstract-length summaries, dense alone scores 0.514 against
    0.462 with the whole text only). For a paper without an abstract the two are one text and one vector."""
    mean = full + listed
    return (mean / np.linalg.norm(mean, axis=1, keepdims=True)).astype(np.float32)


def code_repos(paper: Paper) -> list[CodeRepo]:
    """The code repositories a paper's rows link."""
    return [repo for link in code_links_of(paper.links) if (repo := CodeRepo.from_link(link))]


def choose_kind(count: int) -> IndexKind:
    return "hnsw" if count > HNSW_THRESHOLD else "flat"


def build_faiss(vectors: np.ndarray, kind: IndexKind) -> faiss.Index:
    """A FAISS inner-product index over normalised vectors (so scores are cosine similarities)."""
    dim = vectors.shape[1]
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(vectors)
    return index


@dataclass(frozen=True)
class IndexBuildReport:
    """What building an index did: the manifest entry, how many texts were embedded (not cached), seconds."""

    manifest: dict[str, Any]
    embedded: int
    seconds: float


def build_index(stage: Path, papers: Sequence[Paper], vocab: Vocabulary, model: str, cache_dir: Path,
                kind: IndexKind | None = None, progress: bool = False) -> IndexBuildReport:
    """Embed the papers (through the cache) and write the dense and lexical indexes into stage.
    The model is loaded only when some text is not in the cache yet."""
    started = time.perf_counter()
    listed_texts = [listed_text(paper, vocab) for paper in papers]
    texts = [_with_abstract(listed, paper) for listed, paper in zip(listed_texts, papers, strict=True)]
    cache = EmbeddingCache(cache_dir, model)

    def encode(batch: Sequence[str]) -> np.ndarray:
        return Embedder.load(model).encode(batch, progress=progress)

    full, embedded = cache.embed(texts, encode)
    listed, embedded_listed = cache.embed(listed_texts, encode)
    vectors = paper_vectors(full, listed) if len(full) else np.zeros((0, Embedder.load(model).dim), dtype=np.float32)
    manifest = write_index(stage, texts, vectors, model, kind)
    return IndexBuildReport(manifest, embedded + embedded_listed, time.perf_counter() - started)


def write_index(stage: Path, texts: Sequence[str], vectors: np.ndarray, model: str,
                kind: IndexKind | None = None) -> dict[str, Any]:
    """Write embeddings.npy, index.faiss and the BM25 files for texts and their vectors; return the
    manifest's index entry."""
    kind = kind or choose_kind(len(texts))
    save_npy(stage / "embeddings.npy", vectors)
    faiss.write_index(build_faiss(vectors, kind), str(stage / "index.faiss"))
    LexicalIndex.build(texts).save(stage)
    return {"model": model, "dim": int(vectors.shape[1]), "count": len(texts), "kind": kind}


@dataclass(frozen=True)
class DenseIndex:
    """The dense side of a loaded index: the vectors and the FAISS index over them."""

    vectors: np.ndarray
    faiss_index: faiss.Index
    kind: IndexKind

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Rows and cosine similarities of the k nearest papers to one normalised query vector,
        among the allowed rows (a boolean mask) when given; best first."""
        count = len(self.vectors)
        k = min(k, count if allowed is None else int(allowed.sum()))
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if allowed is not None and allowed.all():
            allowed = None
        if allowed is not None and allowed.sum() <= min(EXACT_SUBSET_LIMIT, count // 4):
            rows = np.flatnonzero(allowed)  # few rows: scoring only them beats any index
            return _top(rows, self.vectors[rows] @ query, k)
        if allowed is not None and self.kind == "flat":
            scores = self.vectors @ query
            scores[~allowed] = -np.inf
            return _top(np.arange(count), scores, k)
        params = None
        if self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=max(HNSW_EF_SEARCH, k))
            if allowed is not None:
                params.sel = faiss.IDSelectorBatch(np.flatnonzero(allowed).astype(np.int64))
        scores, rows = self.faiss_index.search(query.reshape(1, -1), k, params=params)
        keep = rows[0] >= 0
        return rows[0][keep].astype(np.int64), scores[0][keep]


def _top(rows: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    if k < len(rows):
        best = np.argpartition(-scores, k - 1)[:k]
        rows, scores = rows[best], scores[best]
    order = np.argsort(-scores, kind="stable")
    return rows[order], scores[order].astype(np.float32)


def check_index(folder: Path, manifest: dict[str, Any], paper_count: int, model: str) -> dict[str, Any]:
    """The manifest's index entry, when it fits the build's papers and the wanted model; else IndexStale
    saying what to run."""
    entry = manifest.get("index")
    if not isinstance(entry, dict) or not all(key in entry for key in ("model", "dim", "count", "kind")):
        raise IndexStale(f"{folder}: this build has no search index; run `tfkg ingest --force`")
    if entry["model"] != model:
        raise IndexStale(
            f"{folder}: the index was built with model {entry['model']!r}, not {model!r} (TFKG_MODEL); "
            "run `tfkg ingest` to rebuild it with this model"
        )
    if entry["count"] != paper_count:
        raise IndexStale(f"{folder}: the index has {entry['count']} papers, the build {paper_count}; "
                         "run `tfkg ingest --force`")
    return entry


def load_dense(folder: Path, entry: dict[str, Any]) -> DenseIndex:
    """Read embeddings.npy and index.faiss, checking them against the manifest entry."""
    try:
        vectors = np.load(folder / "embeddings.npy", allow_pickle=False)
        faiss_index = faiss.read_index(str(folder / "index.faiss"))
    except (OSError, ValueError, RuntimeError) as error:
        raise IndexStale(f"{folder}: the search index is missing or damaged ({error}); "
                         "run `tfkg ingest --force`") from error
    if vectors.shape != (entry["count"], entry["dim"]) or faiss_index.ntotal != entry["count"]:
        raise IndexStale(f"{folder}: the search index does not match its manifest; run `tfkg ingest --force`")
    return DenseIndex(vectors, faiss_index, entry["kind"])


def load_lexical(folder: Path, count: int) -> LexicalIndex:
    try:
        return LexicalIndex.load(folder, count)
    except (OSError, ValueError, KeyError) as error:
        raise IndexStale(f"{folder}: the BM25 index is missing or damaged ({error}); "
                         "run `tfkg ingest --force`") from error
