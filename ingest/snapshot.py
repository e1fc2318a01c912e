"""A local arXiv metadata snapshot: one JSON object per line (the format of arXiv's bulk metadata
dump: id, title, abstract, authors, categories, doi, journal-ref, versions, update_date...).

Reads: the snapshot file, streaming, one line at a time, keeping only the records of the ids asked
for, so memory stays constant whatever the file's size. Writes: nothing. A file whose first record
is not JSON is a UserError; a bad line later on (cut off, not JSON, over-long) is skipped and
counted, and the papers it may have held are fetched from the API instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any

from ingest.metadata import Metadata, iso_date, text
from kg.core.errors import UserError
from kg.core.model import Author
from kg.core.vocab import slugify

MAX_LINE = 4 * 1024 * 1024
"""Longest line read whole (bytes). Records are a few KB; the longest author lists reach a few
hundred KB. A longer line is skipped rather than read into memory."""

LEADING_ID = re.compile(rb'\s*\{\s*"id"\s*:\s*"([^"\\]+)"')
"""The id at the start of a line, read without parsing the record: most lines are skipped on it."""


@dataclass
class Snapshot:
    """The records found for the wanted ids, and the line numbers of lines that could not be read."""

    path: Path
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    bad_lines: list[int] = field(default_factory=list)


def read_snapshot(path: Path, wanted: Collection[str]) -> Snapshot:
    """The snapshot records of the wanted arXiv ids (without version)."""
    snapshot = Snapshot(path)
    try:
        with path.open("rb") as handle:
            for number, line in _lines(handle):
                match = LEADING_ID.match(line) if line is not None else None
                if match and match.group(1).decode("utf-8", "replace") not in wanted:
                    continue
                record = _record(line)
                if record is None:
                    if number == 1:
                        raise UserError(f"{path}:1: not an arXiv metadata snapshot (one JSON object per line, "
                                        f"with an \"id\"); check the --arxiv-snapshot file")
                    snapshot.bad_lines.append(number)
                elif record["id"] in wanted:
                    snapshot.records[record["id"]] = record
    except OSError as error:
        raise UserError(f"{path}: cannot read the arXiv snapshot: {error.strerror or error}") from error
    return snapshot


def iter_records(path: Path, keep: Callable[[bytes], bool]) -> Iterator[dict[str, Any]]:
    """Every record of a snapshot whose raw line passes `keep` (a cheap test on the bytes, before any
    JSON is parsed), one at a time: memory stays constant whatever the file's size."""
    try:
        with path.open("rb") as handle:
            for number, line in _lines(handle):
                if number == 1 and _record(line) is None:  # the first line is always read whole
                    raise UserError(f"{path}:1: not an arXiv metadata snapshot (one JSON object per line, "
                                    f"with an \"id\"); check the --arxiv-snapshot file")
                if line is None or not keep(line):
                    continue
                record = _record(line)
                if record is not None:
                    yield record
    except OSError as error:
        raise UserError(f"{path}: cannot read the arXiv snapshot: {error.strerror or error}") from error


def to_metadata(record: dict[str, Any]) -> Metadata:
    """Metadata from one snapshot record."""
    categories = record.get("categories")
    return Metadata(
        source="arxiv-snapshot",
        title=text(record.get("title")),
        abstract=text(record.get("abstract")),
        authors=tuple(Author(slugify(name), name) for name in _author_names(record)),
        published=_first_version_date(record.get("versions")) or iso_date(record.get("update_date")),
        categories=tuple(categories.split()) if isinstance(categories, str) else (),
        doi=text(record.get("doi")),
        pdf_url=f"https://arxiv.org/pdf/{record['id']}",
        venue_names=tuple(filter(None, [text(record.get("journal-ref"))])),
    )


def _lines(handle: IO[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) for each line; None for a line longer than MAX_LINE (read past, not kept)."""
    number = 0
    while line := handle.readline(MAX_LINE):
        number += 1
        if len(line) == MAX_LINE and not line.endswith(b"\n"):
            while (rest := handle.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                pass
            yield number, None
        elif line.strip():
            yield number, line


def _record(line: bytes | None) -> dict[str, Any] | None:
    """A record with a string id, or None when the line is not one."""
    try:
        record = json.loads(line) if line is not None else None
    except ValueError:
        return None
    return record if isinstance(record, dict) and isinstance(record.get("id"), str) else None


def _author_names(record: dict[str, Any]) -> list[str]:
    """Author names: from authors_parsed ([last, first, suffix]) when present, else the authors string."""
    parsed = record.get("authors_parsed")
    if isinstance(parsed, list) and all(isinstance(p, list) and p and all(isinstance(x, str) for x in p)
                                        for p in parsed):
        return [" ".join(part for part in (p[1] if len(p) > 1 else "", p[0], *p[2:]) if part) for p in parsed]
    authors = text(record.get("authors"))
    return [name.strip() for name in re.split(r",\s*|\s+and\s+", authors) if name.strip()] if authors else []


def _first_version_date(versions: Any) -> str | None:
    """The date of version 1 ("Mon, 2 Apr 2007 19:18:42 GMT" -> "2007-04-02")."""
    if not isinstance(versions, list) or not versions or not isinstance(versions[0], dict):
        return None
    try:
        return parsedate_to_datetime(str(versions[0].get("created"))).date().isoformat()
    except (TypeError, ValueError):
        return None
