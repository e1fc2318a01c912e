"""The held-out judgements (tests/fixtures/heldout/labels.json) cover every venue_suspect finding and
misspelt-venue warning the current rules produce on the held-out lists, so a rule change that adds
findings there is noticed and judged before benchmarks/heldout_thresholds.py reports on it."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from types import ModuleType

import pytest

from kg.core.settings import DATA_DIR
from kg.core.vocab import Vocabulary

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def heldout() -> ModuleType:
    return importlib.import_module("benchmarks.heldout_thresholds")


@pytest.fixture(scope="module")
def counts(heldout: ModuleType) -> list:
    vocab = Vocabulary.load(DATA_DIR)
    return [heldout.count_list(path, vocab) for path in heldout.heldout_lists()]


def test_every_finding_on_the_heldout_lists_is_judged(heldout: ModuleType, counts: list) -> None:
    found = [f for c in counts for f in c.found]
    assert found, "the held-out lists should give at least one finding to judge"
    new = heldout.unlabelled(found, heldout.load_labels())
    assert not new, "judge these in tests/fixtures/heldout/labels.json:\n" + "\n".join(
        f"{f.file}:{f.line}: {f.kind}: {f.message}" for f in new)


def test_labels_name_real_rows_of_the_heldout_lists_with_a_verdict_and_a_reason(heldout: ModuleType) -> None:
    labels = heldout.load_labels()
    for label in labels:
        lines = (heldout.HELDOUT / label["file"]).read_text(encoding="utf-8").splitlines()
        assert 0 < label["line"] <= len(lines) and lines[label["line"] - 1].strip(), label
        assert label["kind"] in heldout.KINDS and label["verdict"] in ("true", "false", "miss"), label
        assert label["reason"], label
    assert len({(lab["file"], lab["line"], lab["kind"]) for lab in labels}) == len(labels)


def test_every_heldout_list_has_its_source_and_licence(heldout: ModuleType) -> None:
    licences = (heldout.HELDOUT / "LICENSES.md").read_text(encoding="utf-8")
    lists = heldout.heldout_lists()
    assert {p.name for p in heldout.HELDOUT.glob("*.md")} - {p.name for p in lists} == {"LICENSES.md"}
    for path in lists:
        source = path.with_suffix(".source.toml").read_text(encoding="utf-8")
        repo = next(line for line in source.splitlines() if line.startswith("repo = "))
        assert f"## {json.loads(repo.split(' = ', 1)[1])}" in licences, path.name


def test_a_misspelt_venue_warning_is_told_from_a_year_note(heldout: ModuleType) -> None:
    assert heldout.misspelt_warnings("venue 'Arix 2024': read 'Arix' as arXiv") == ["Arix"]
    assert heldout.misspelt_warnings("venue 'CVPR 20233': read year '20233' as 2023") == []
    assert heldout.misspelt_warnings("unknown venue 'MIDL, 2023' kept as written") == []
