"""The query encoder: the embedding model exported to ONNX once per build, run without torch at query time.

Loading torch and sentence-transformers for one query vector takes seconds; onnxruntime and the
`tokenizers` library take a tenth of one. So `tfkg ingest` exports the model's transformer to ONNX and
writes, into the build folder's `encoder/`: `model.onnx` (with any external weight files the exporter
writes beside it), `tokenizer.json` (the model's fast tokenizer as sentence-transformers uses it) and
`encoder.json` (an EncoderSpec: how to tokenize, which inputs the graph takes, how to pool). The manifest's
"encoder" entry says what was written ({"model", "kind": "onnx", "dim"}) or why not
({"model", "kind": "sentence-transformers", "reason"}).

Reads: the model (through ingest/embed.py, with torch, at build time only) and `<cache_dir>/onnx/`, where
each export is kept by model (and, for a model folder, by its files' sizes and times), so that a rebuild
copies the export instead of making it again. Writes: that cache folder and the build's `encoder/`.

A model whose modules are not a Transformer, a Pooling and an optional Normalize (those are what
sentence-transformers' modules.json and the pooling config say), whose pooling mode is not one of
POOLING_MODES, or whose export disagrees with sentence-transformers on a few texts is not exported: the
build warns once and records why, and searches load the model with sentence-transformers as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ingest.embed import Embedder, model_location
from kg.core.store import atomic_write_text
from kg.core.vocab import slugify

ENCODER_DIR = "encoder"
SPEC_FILE = "encoder.json"
EXPORT_FORMAT = 1
"""Version of what an export folder holds; a change makes the cached exports stale."""

POOLING_MODES = ("cls", "max", "mean", "mean_sqrt_len_tokens")
"""The pooling modes of sentence-transformers' Pooling module that encode() computes."""

LEGACY_POOLING_KEYS = {
    "pooling_mode_cls_token": "cls",
    "pooling_mode_max_tokens": "max",
    "pooling_mode_mean_tokens": "mean",
    "pooling_mode_mean_sqrt_len_tokens": "mean_sqrt_len_tokens",
    "pooling_mode_weightedmean_tokens": "weightedmean",
    "pooling_mode_lasttoken": "lasttoken",
}
"""The pooling config's boolean keys before sentence-transformers 5 (in its order of concatenation)."""

MODEL_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
CHECK_TEXTS = ("one-shot talking face generation", "NeRF", "Audio-driven emotional video portraits with diffusion")
CHECK_COSINE = 0.999
"""An export whose vectors for CHECK_TEXTS fall below this cosine to sentence-transformers' is not used."""

log = logging.getLogger("tfkg.encoder")


class QueryEncoder(Protocol):
    """What a search needs of a model: its name, its dimension, and normalised vectors for texts."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class ExportDeclined(Exception):
    """A model that tfkg does not export to ONNX; the message says why."""


@dataclass(frozen=True)
class EncoderSpec:
    """How an exported model turns texts into vectors (encoder.json).

    model: the TFKG_MODEL value; dim: the vector size; max_tokens: the word pieces kept of a text
    (sentence-transformers' max_seq_length); inputs: the ONNX graph's inputs, in MODEL_INPUTS;
    pad_id/pad_type_id/pad_token: how the tokenizer pads a batch; pooling: the Pooling module's modes,
    concatenated in this order. Vectors are always L2-normalised, as ingest/embed.py asks
    sentence-transformers for them, so a Normalize module needs no field.
    """

    model: str
    dim: int
    max_tokens: int
    inputs: tuple[str, ...]
    pad_id: int
    pad_type_id: int
    pad_token: str
    pooling: tuple[str, ...]

    @classmethod
    def read(cls, folder: Path) -> EncoderSpec:
        data = json.loads((folder / SPEC_FILE).read_text(encoding="utf-8"))
        return cls(**{**data, "inputs": tuple(data["inputs"]), "pooling": tuple(data["pooling"])})


class OnnxEncoder:
    """An exported model run by onnxruntime on one thread, with the model's own tokenizer."""

    def __init__(self, spec: EncoderSpec, session: Any, tokenizer: Any) -> None:
        self.spec = spec
        self.name = spec.model
        self.dim = spec.dim
        self._session = session
        self._tokenizer = tokenizer

    @classmethod
    def load(cls, folder: Path) -> OnnxEncoder:
        """Load an export folder (a build's `encoder/`). Raises OSError or ValueError when it is damaged."""
        import onnxruntime
        from tokenizers import Tokenizer

        spec = EncoderSpec.read(folder)
        try:
            tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        except Exception as error:  # tokenizers raises a bare Exception for a missing or bad file
            raise ValueError(f"{folder / 'tokenizer.json'}: {error}") from error
        # sentence-transformers pads to the longest text of a batch and cuts at max_seq_length, whatever
        # padding and truncation the saved tokenizer carries (all-MiniLM-L6-v2's says 128 and fixed)
        tokenizer.enable_truncation(max_length=spec.max_tokens)
        tokenizer.enable_padding(pad_id=spec.pad_id, pad_type_id=spec.pad_type_id, pad_token=spec.pad_token)
        options = onnxruntime.SessionOptions()
        # one thread, as ingest/embed.py gives a query: on a busy 2-core machine two threads wait on each other
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # errors only: its warnings about unused initialisers are not ours
        try:
            session = onnxruntime.InferenceSession(str(folder / "model.onnx"), options,
                                                   providers=["CPUExecutionProvider"])
        except Exception as error:  # onnxruntime raises its own exception types for a bad file
            raise ValueError(f"{folder / 'model.onnx'}: {error}") from error
        return cls(spec, session, tokenizer)

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """One L2-normalised float32 row per text."""
        rows = [self._encode_batch(texts[start:start + batch_size]) for start in range(0, len(texts), batch_size)]
        return np.concatenate(rows) if rows else np.zeros((0, self.dim), dtype=np.float32)

    def _encode_batch(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(list(texts))
        columns = {"input_ids": "ids", "attention_mask": "attention_mask", "token_type_ids": "type_ids"}
        feed = {name: np.array([getattr(e, columns[name]) for e in encodings], dtype=np.int64)
                for name in self.spec.inputs}
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        tokens = self._session.run(None, feed)[0].astype(np.float32)
        vectors = np.concatenate([pool(tokens, mask, mode) for mode in self.spec.pooling], axis=1)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def pool(tokens: np.ndarray, mask: np.ndarray, mode: str) -> np.ndarray:
    """Token vectors (batch, tokens, dim) to one vector per text, over the tokens the mask keeps,
    as sentence-transformers' Pooling module computes each mode."""
    if mode == "cls":
        return tokens[np.arange(len(tokens)), mask.argmax(axis=1)]
    if mode == "max":
        return np.where(mask[..., None] > 0, tokens, -np.inf).max(axis=1)
    summed = (tokens * mask[..., None]).sum(axis=1)
    counts = np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
    return summed / (counts if mode == "mean" else np.sqrt(counts))


def load_query_encoder(folder: Path, manifest: dict[str, Any], model: str) -> QueryEncoder:
    """The query encoder of a build: its ONNX export when it has one for `model`, else the model loaded
    with sentence-transformers (torch), with a warning when the build could have had an export."""
    entry = manifest.get("encoder")
    if isinstance(entry, dict) and entry.get("model") == model and entry.get("kind") == "onnx":
        try:
            return OnnxEncoder.load(folder / ENCODER_DIR)
        except (OSError, ValueError, TypeError, KeyError) as error:
            log.warning("%s: the ONNX query encoder is damaged (%s); loading %r with sentence-transformers "
                        "(run `tfkg ingest --force` for a fast start)", folder / ENCODER_DIR, error, model)
    elif isinstance(entry, dict) and entry.get("model") == model:
        log.debug("%r was not exported to ONNX (%s); loading it with sentence-transformers", model,
                  entry.get("reason"))  # the build warned about it already
    else:
        log.warning("%s has no ONNX query encoder for %r; loading it with sentence-transformers "
                    "(run `tfkg ingest --force` for a fast start)", folder, model)
    return Embedder.load(model)


def export_encoder(stage: Path, model: str, cache_dir: Path) -> dict[str, Any]:
    """Write the query encoder of `model` into stage/encoder/ (from the cache when it has it) and return
    the manifest's "encoder" entry. A model that cannot be exported is a warning, never a failed build."""
    try:
        source = cached_export(model, cache_dir)
    except Exception as error:  # whatever the exporter raises, the build goes on with sentence-transformers
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        log.warning("the embedding model %r was not exported to ONNX (%s); searches will load it with "
                    "sentence-transformers, which starts slower", model, reason)
        return {"model": model, "kind": "sentence-transformers", "reason": reason}
    target = stage / ENCODER_DIR
    target.mkdir()
    for path in source.iterdir():
        _link_or_copy(path, target / path.name)
    return {"model": model, "kind": "onnx", "dim": EncoderSpec.read(target).dim}


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link where the file system allows one (an export is never changed in place), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def cached_export(model: str, cache_dir: Path) -> Path:
    """The export folder of a model in `<cache_dir>/onnx/`, exported now when it is not there yet.
    Raises ExportDeclined (or whatever the exporter raises) when the model cannot be exported."""
    folder = cache_dir / "onnx" / f"{slugify(Path(model).name)[:40]}-{export_key(model)}"
    if (folder / SPEC_FILE).is_file():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".new-"))
    try:
        export(model, staging)
        os.rename(staging, folder)  # whole or not at all: a killed export leaves only a .new- folder
    except OSError:
        if not (folder / SPEC_FILE).is_file():  # not another ingest that finished the same export first
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def export_key(model: str) -> str:
    """What an export depends on: the model setting and, for a model folder (the shipped model is one),
    each file's path, size and modification time."""
    digest = hashlib.sha256(f"{EXPORT_FORMAT}\n{model}\n".encode())
    location = Path(model_location(model))
    if location.is_dir():
        for path in sorted(p for p in location.rglob("*") if p.is_file()):
            status = path.stat()
            digest.update(f"{path.relative_to(location)} {status.st_size} {status.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def export(model: str, folder: Path) -> None:
    """Export a sentence-transformers model into an empty folder (model.onnx, tokenizer.json, encoder.json),
    then check it against sentence-transformers on CHECK_TEXTS."""
    import torch

    class TokenEmbeddings(torch.nn.Module):  # defined here, since torch is imported only to export
        """The transformer's last hidden state (sentence-transformers' token embeddings)."""

        def __init__(self, auto_model: torch.nn.Module) -> None:
            super().__init__()
            self.auto_model = auto_model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor | None = None) -> torch.Tensor:
            extra = {} if token_type_ids is None else {"token_type_ids": token_type_ids}
            return self.auto_model(input_ids=input_ids, attention_mask=attention_mask, **extra)[0]

    embedder = Embedder.load(model)
    spec = describe(model, embedder)
    transformer = embedder.model[0]
    transformer.tokenizer.backend_tokenizer.save(str(folder / "tokenizer.json"))
    sample = transformer.tokenizer(list(CHECK_TEXTS[:2]), padding=True, return_tensors="pt")
    batch, tokens = torch.export.Dim("batch"), torch.export.Dim("tokens")
    logging.getLogger("torch.onnx").setLevel(logging.ERROR)  # it logs every optional package it lacks
    for optimiser in ("onnx_ir", "onnxscript"):  # they log each step of the graph optimisation at INFO
        logging.getLogger(optimiser).setLevel(logging.WARNING)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's notes on its own internals mean nothing to a user
        torch.onnx.export(
            TokenEmbeddings(transformer.auto_model).eval(), (),
            str(folder / "model.onnx"), kwargs={name: sample[name] for name in spec.inputs},
            input_names=list(spec.inputs), output_names=["token_embeddings"],
            dynamic_shapes={name: {0: batch, 1: tokens} for name in spec.inputs}, dynamo=True, verbose=False,
        )
    atomic_write_text(folder / SPEC_FILE, json.dumps(asdict(spec), indent=1) + "\n")
    cosines = (OnnxEncoder.load(folder).encode(CHECK_TEXTS) * embedder.encode(CHECK_TEXTS)).sum(axis=1)
    if cosines.min() < CHECK_COSINE:
        raise ExportDeclined(f"its ONNX export disagrees with sentence-transformers (cosine {cosines.min():.4f})")


def describe(model: str, embedder: Embedder) -> EncoderSpec:
    """The EncoderSpec of a loaded model, read from its modules as sentence-transformers loaded them from
    modules.json and each module's config; ExportDeclined when encode() could not reproduce them."""
    st_model = embedder.model
    kinds = [type(module).__name__ for module in st_model]
    if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        raise ExportDeclined(f"its modules are {' + '.join(kinds)}, not Transformer + Pooling (+ Normalize)")
    if getattr(st_model, "default_prompt_name", None):
        raise ExportDeclined(f"it puts the prompt {st_model.default_prompt_name!r} before every text")
    transformer, pooling = st_model[0], st_model[1]
    if getattr(transformer, "do_lower_case", False):
        raise ExportDeclined("its Transformer module lowercases texts itself (do_lower_case)")
    tokenizer = transformer.tokenizer
    if not hasattr(tokenizer, "backend_tokenizer"):
        raise ExportDeclined("its tokenizer has no `tokenizers` (fast) version")
    if getattr(tokenizer, "padding_side", "right") != "right":
        raise ExportDeclined("its tokenizer pads on the left")
    inputs = tuple(tokenizer(["a text"]).keys())
    if not set(inputs) <= set(MODEL_INPUTS) or not {"input_ids", "attention_mask"} <= set(inputs):
        raise ExportDeclined(f"its tokenizer gives {', '.join(inputs)}, not {', '.join(MODEL_INPUTS)}")
    modes = pooling_modes(pooling.get_config_dict())
    unknown = [mode for mode in modes if mode not in POOLING_MODES]
    if unknown:
        raise ExportDeclined(f"its pooling mode {', '.join(unknown)} is not one of {', '.join(POOLING_MODES)}")
    return EncoderSpec(
        model=model, dim=embedder.dim, max_tokens=int(st_model.max_seq_length or tokenizer.model_max_length),
        inputs=tuple(name for name in MODEL_INPUTS if name in inputs), pad_id=int(tokenizer.pad_token_id),
        pad_type_id=int(getattr(tokenizer, "pad_token_type_id", 0)), pad_token=str(tokenizer.pad_token),
        pooling=modes,
    )


def pooling_modes(config: dict[str, Any]) -> tuple[str, ...]:
    """The modes of a Pooling module's config, in either of sentence-transformers' two spellings:
    `pooling_mode` (a name or a list) or the older boolean `pooling_mode_*_tokens` keys (mean when none)."""
    if "pooling_mode" in config:
        mode = config["pooling_mode"]
        return (mode,) if isinstance(mode, str) else tuple(mode)
    return tuple(mode for key, mode in LEGACY_POOLING_KEYS.items() if config.get(key)) or ("mean",)
