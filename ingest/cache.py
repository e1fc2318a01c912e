"""The on-disk cache of API answers, one small JSON file per paper and question, and the loop that
fills it batch by batch.

Reads and writes `<cache dir>/enrich/<kind>/<key>.json`, each holding {"key", "fetched_at", "data"}:
data is what the API said about that key (an arXiv entry, a Semantic Scholar paper, a title match),
or null when the API said it has no such paper. Failed requests are not cached, so they are asked
again next run. Each answer is written atomically as soon as its response arrives: a killed run
loses at most the request in flight. An unreadable file is fetched again; a cache folder that cannot
be written is reported once and the run goes on without caching.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path
from typing import Any

from ingest.http import FetchError, Service, Unreachable
from kg.core.store import atomic_write_text

log = logging.getLogger("tfkg.enrich")

MISSING = object()
"""What `ResponseCache.get` returns for a key it holds no answer for."""


class ResponseCache:
    """Answers by kind ("arxiv", "s2", "s2-match") and key, read from and written to one folder."""

    def __init__(self, folder: Path, read: bool = True) -> None:
        """read=False (--refresh) ignores what is cached but still writes the new answers."""
        self.folder = folder
        self.read = read
        self.unreadable: list[Path] = []
        self.unwritable: str | None = None
        """Why answers could not be written (read-only folder, a file in the way), once it happened."""

    def path(self, kind: str, key: str) -> Path:
        """Where the answer for key lives; keys become hashed file names (DOIs and titles hold "/")."""
        return self.folder / kind / f"{sha256(key.encode()).hexdigest()[:24]}.json"

    def get(self, kind: str, key: str) -> Any:
        """The cached answer (None: "no such paper"), or MISSING."""
        if not self.read:
            return MISSING
        path = self.path(kind, key)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return MISSING
        except (OSError, UnicodeDecodeError, ValueError):
            self.unreadable.append(path)
            return MISSING
        if not isinstance(record, dict) or record.get("key") != key or "data" not in record:
            self.unreadable.append(path)
            return MISSING
        return record["data"]

    def put(self, kind: str, key: str, data: Any) -> None:
        """Store an answer; when the folder cannot be written, say why once and carry on without it."""
        if self.unwritable:
            return
        record = {"key": key, "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"), "data": data}
        try:
            atomic_write_text(self.path(kind, key), json.dumps(record, ensure_ascii=False) + "\n")
        except OSError as error:
            self.unwritable = f"{error.strerror or error} ({error.filename or self.folder})"
            log.warning("cache folder %s cannot be written: %s; this run's answers are not cached",
                        self.folder, self.unwritable)


@dataclass
class Fetched:
    """Answers by key (None: the API has no such paper) and the keys whose request failed, with why."""

    answers: dict[str, Any] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


def fetch_cached(
    cache: ResponseCache,
    kind: str,
    keys: Iterable[str],
    service: Service | None,
    fetch_batch: Callable[[Sequence[str]], dict[str, Any]],
    batch_size: int,
) -> Fetched:
    """Answer every key from the cache, and ask the service, batch_size keys per request, for the
    rest. fetch_batch returns {key: answer} for the keys it found; a key it leaves out is "no such
    paper". service None (offline) or unreachable: uncached keys stay unanswered, without failing."""
    result = Fetched()
    missing = []
    for key in dict.fromkeys(keys):
        answer = cache.get(kind, key)
        if answer is MISSING:
            missing.append(key)
        else:
            result.answers[key] = answer
    for start in range(0, len(missing), batch_size):
        batch = missing[start : start + batch_size]
        if service is None or service.unreachable:
            break
        try:
            found = fetch_batch(batch)
        except Unreachable as error:
            service.unreachable = str(error)
            break
        except FetchError as error:
            result.failed.update(dict.fromkeys(batch, f"{service.name}: {error}"))
            continue
        for key in batch:
            result.answers[key] = found.get(key)
            cache.put(kind, key, found.get(key))
    return result
