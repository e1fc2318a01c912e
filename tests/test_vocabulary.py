"""The concept vocabulary file: a clear error, naming the file, for a term two concepts claim or a broader
concept that does not exist."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.core.vocab import Vocabulary

ROOT = Path(__file__).resolve().parents[1]


def vocabulary_with(folder: Path, concepts: str) -> Vocabulary:
    for name in ("venues.toml", "datasets.toml"):
        (folder / name).write_text((ROOT / "data" / name).read_text())
    (folder / "concepts.toml").write_text(concepts)
    return Vocabulary.load(folder)


def test_a_term_naming_two_concepts_is_an_error(tmp_path: Path) -> None:
    concepts = '[compression]\nlabel = "compression"\nalt = ["video calls"]\n\n' \
               '[application]\nlabel = "application"\nhidden = ["Video-Calls"]\n'
    with pytest.raises(ValueError, match=r"concepts.toml: 'Video-Calls' names both compression and application"):
        vocabulary_with(tmp_path, concepts)


def test_an_unknown_broader_concept_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"concepts.toml: nerf: unknown broader '3d'"):
        vocabulary_with(tmp_path, '[nerf]\nlabel = "NeRF"\nbroader = "3d"\n')


def test_the_bundled_vocabulary_loads() -> None:
    vocabulary = Vocabulary.load(ROOT / "data")
    assert vocabulary.concepts["one-shot"].hidden_labels  # plain words for queries
    assert vocabulary.concept_id("free view") == "free-view"  # head pose claimed it too, and won
