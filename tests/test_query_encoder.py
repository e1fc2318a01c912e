"""The query encoder (ingest/query_encoder.py): a build carries the model's ONNX export; it gives the
vectors sentence-transformers gives; `tfkg search` uses it without importing torch; a model that cannot
be exported, or a build without a usable export, still searches, through sentence-transformers."""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ingest.embed import SHIPPED_MODEL, Embedder, model_location
from ingest.index import paper_text
from ingest.pipeline import IngestOptions, ingest
from ingest.query_encoder import ENCODER_DIR, EncoderSpec, OnnxEncoder, pool, pooling_modes
from kg.core.store import load_build, read_manifest, write_json
from kg.core.vocab import Vocabulary
from kg.search.search import Searcher
from tests.conftest import CLOSED_PORT_URL, FIXTURES, ROOT

HEAVY_MODULES = ("torch", "transformers", "sentence_transformers", "onnx", "onnxscript", "streamlit", "pandas",
                 "altair", "sklearn", "rdflib", "pyoxigraph")
"""What a search must not import: the model's training stack and the exporter, the app, the RDF services."""


def texts_to_compare(build: Path, vocab: Vocabulary, count: int = 1000) -> list[str]:
    """`count` distinct texts like those tfkg encodes: the bundled papers' titles and indexed texts, the
    vocabulary's labels and spellings, generated queries (a concept and title
    words), and texts longer than the model reads (cut at its max_seq_length)."""
    papers = load_build(build).papers
    titles = [paper.title for paper in papers]
    labels = [term for c in vocab.concepts.values() for term in (c.label, *c.alt_labels)]
    labels += [d.label for d in vocab.datasets.values()] + [v.name for v in vocab.venues.values()]
    rng = random.Random(15)
    words = [word for title in titles for word in title.split()]
    generated = [" ".join([rng.choice(labels), *rng.sample(words, rng.randint(1, 6))]) for _ in range(count)]
    long = [". ".join(rng.sample(titles, 30)) for _ in range(8)]
    pool_ = [*titles, *(paper_text(p, vocab) for p in papers), *labels, *long, *generated]
    return list(dict.fromkeys(pool_))[:count]


@pytest.mark.slow
def test_onnx_vectors_match_sentence_transformers_on_1000_texts(bundled_build: Path, vocab: Vocabulary,
                                                                 embedder: Embedder) -> None:
    texts = texts_to_compare(bundled_build, vocab)
    assert len(texts) == 1000
    onnx = OnnxEncoder.load(bundled_build / ENCODER_DIR).encode(texts)
    torch_vectors = embedder.encode(texts)
    cosines = (onnx * torch_vectors).sum(axis=1)
    worst = int(cosines.argmin())
    assert cosines.min() >= 0.999, f"cosine {cosines[worst]:.5f} for {texts[worst]!r}"
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)


def test_the_build_carries_the_export_and_its_pipeline_as_the_model_config_says(bundled_build: Path) -> None:
    manifest = read_manifest(bundled_build)
    assert manifest["encoder"] == {"model": SHIPPED_MODEL, "kind": "onnx", "dim": 384}
    folder = bundled_build / ENCODER_DIR
    assert {"model.onnx", "tokenizer.json", "encoder.json"} <= {path.name for path in folder.iterdir()}
    spec = EncoderSpec.read(folder)
    model = Path(model_location(SHIPPED_MODEL))
    sentence_bert = json.loads((model / "sentence_bert_config.json").read_text(encoding="utf-8"))
    pooling = json.loads((model / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    assert spec.pooling == pooling_modes(pooling) == ("mean",)
    assert spec.max_tokens == sentence_bert["max_seq_length"] == 256  # not the 128 of its tokenizer.json
    assert spec.inputs == ("input_ids", "attention_mask", "token_type_ids")


@pytest.mark.usefixtures("no_model_loads")
def test_a_searcher_encodes_queries_with_the_export_and_loads_no_model(bundled_build: Path, vocab: Vocabulary) -> None:
    searcher = Searcher.load(bundled_build, vocab=vocab)
    response = searcher.search("audio-driven NeRF talking head")
    assert isinstance(searcher.embedder, OnnxEncoder)
    assert response.results and response.results[0].scores["dense"] > 0.4


def test_tfkg_search_imports_neither_torch_nor_the_app(bundled_build: Path) -> None:
    script = (
        "import json, sys\n"
        "from kg.cli.main import main\n"
        f"main(['search', 'one-shot diffusion emotion', '--json', '--build', {str(bundled_build)!r}],"
        " standalone_mode=False)\n"
        f"print(json.dumps(sorted(name for name in {HEAVY_MODULES!r} if name in sys.modules)))\n"
        "print('onnxruntime' in sys.modules)\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TFKG_ARXIV_API_URL": CLOSED_PORT_URL,
           "TFKG_S2_API_URL": CLOSED_PORT_URL}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    response, imported, used_onnx = done.stdout.splitlines()
    assert json.loads(response)["results"]
    assert json.loads(imported) == []
    assert used_onnx == "True"


def test_the_app_answers_a_search_without_importing_torch(bundled_build: Path) -> None:
    script = (
        "import json, sys\n"
        "from tests.app_helpers import open_page, paper_links\n"
        "app = open_page('search', {'q': 'one-shot diffusion emotion'})\n"
        "print(json.dumps([len(app.exception), len(paper_links(app))]))\n"
        "print(json.dumps(sorted(name for name in ('torch', 'transformers', 'sentence_transformers')"
        " if name in sys.modules)))\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TFKG_BUILD": str(bundled_build)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    shown, imported = (json.loads(line) for line in done.stdout.splitlines()[-2:])
    exceptions, results = shown
    assert exceptions == 0 and results > 0
    assert imported == []


@pytest.fixture(scope="module")
def weighted_pooling_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped model with weighted-mean pooling, which the query encoder does not compute: its
    files are links to the shipped ones, but for the pooling config."""
    source, folder = Path(model_location(SHIPPED_MODEL)), tmp_path_factory.mktemp("model") / "weighted-minilm"
    for path in source.rglob("*"):
        if path.is_file():
            (folder / path.relative_to(source)).parent.mkdir(parents=True, exist_ok=True)
            (folder / path.relative_to(source)).symlink_to(path)
    config = folder / "1_Pooling" / "config.json"
    settings = json.loads(config.read_text(encoding="utf-8"))
    config.unlink()
    config.write_text(json.dumps({**settings, "pooling_mode_mean_tokens": False,
                                  "pooling_mode_weightedmean_tokens": True}), encoding="utf-8")
    return folder


@pytest.mark.slow
def test_a_model_that_cannot_be_exported_warns_once_and_searches_with_sentence_transformers(
        weighted_pooling_model: Path, vocab: Vocabulary, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    model = str(weighted_pooling_model)
    with caplog.at_level(logging.WARNING, logger="tfkg"):
        result = ingest(IngestOptions(FIXTURES / "other_tables.md", tmp_path / "build", ROOT / "data",
                                      tmp_path / "cache", progress=False, model=model))
    assert result.built
    warnings = [r.getMessage() for r in caplog.records if "not exported to ONNX" in r.getMessage()]
    assert len(warnings) == 1 and "weightedmean" in warnings[0] and "sentence-transformers" in warnings[0]
    assert result.manifest["encoder"]["kind"] == "sentence-transformers"
    assert "weightedmean" in result.manifest["encoder"]["reason"]
    assert not (tmp_path / "build" / ENCODER_DIR).exists()
    searcher = Searcher.load(tmp_path / "build", model=model, vocab=vocab)
    assert searcher.search("talking face").total > 0
    assert isinstance(searcher.embedder, Embedder)


@pytest.mark.slow
@pytest.mark.parametrize(("damage", "left_out", "said"), [
    ("no encoder entry", "model.onnx.data", "has no ONNX query encoder"),
    ("weights missing", "model.onnx.data", "the ONNX query encoder is damaged"),
    ("tokenizer missing", "tokenizer.json", "the ONNX query encoder is damaged"),
])
def test_a_build_without_a_usable_export_warns_and_searches_with_sentence_transformers(
        bundled_build: Path, vocab: Vocabulary, embedder: Embedder, tmp_path: Path, caplog: pytest.LogCaptureFixture,
        damage: str, left_out: str, said: str) -> None:
    copy = tmp_path / "build"
    shutil.copytree(bundled_build, copy, ignore=shutil.ignore_patterns(left_out))
    if damage == "no encoder entry":  # a build made before tfkg exported the model
        manifest = read_manifest(copy)
        del manifest["encoder"]
        write_json(copy / "manifest.json", manifest)
    with caplog.at_level(logging.WARNING, logger="tfkg"):
        searcher = Searcher.load(copy, vocab=vocab)
        response = searcher.search("lip sync")
    assert isinstance(searcher.embedder, Embedder) and response.total > 0
    assert any(said in r.getMessage() and "tfkg ingest --force" in r.getMessage() for r in caplog.records)


def test_pooling_follows_sentence_transformers_modes() -> None:
    tokens = np.array([[[1.0, 0.0], [3.0, 4.0], [9.0, 9.0]]], dtype=np.float32)
    mask = np.array([[1, 1, 0]], dtype=np.float32)  # the third token is padding
    assert pool(tokens, mask, "mean").tolist() == [[2.0, 2.0]]
    assert pool(tokens, mask, "max").tolist() == [[3.0, 4.0]]
    assert pool(tokens, mask, "cls").tolist() == [[1.0, 0.0]]
    assert np.allclose(pool(tokens, mask, "mean_sqrt_len_tokens"), [[4 / np.sqrt(2), 4 / np.sqrt(2)]])


def test_pooling_modes_are_read_in_both_config_spellings() -> None:
    assert pooling_modes({"pooling_mode": "cls"}) == ("cls",)
    assert pooling_modes({"pooling_mode": ["mean", "max"]}) == ("mean", "max")
    assert pooling_modes({"pooling_mode_mean_tokens": True, "pooling_mode_cls_token": False}) == ("mean",)
    assert pooling_modes({"pooling_mode_max_tokens": True, "pooling_mode_cls_token": True}) == ("cls", "max")
    assert pooling_modes({"word_embedding_dimension": 384}) == ("mean",)
