"""What one source says about one paper, in one shape for every source.

Each source module turns its own answer (an arXiv Atom entry, a Semantic Scholar paper object, a
line of an arXiv snapshot) into a `Metadata`; `ingest/enrich.py` checks it against the list and
merges it into the `Paper`. Every field is optional: a source says what it knows, and a value of the
wrong type in an answer is left out, not guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kg.core.model import Author


@dataclass(frozen=True)
class Reference:
    """A paper cited by a listed paper, as Semantic Scholar knows it."""

    s2_id: str
    title: str | None
    year: int | None
    arxiv_id: str | None
    doi: str | None


@dataclass(frozen=True)
class Metadata:
    """One source's record of a paper.

    source: "arxiv", "arxiv-snapshot" or "semanticscholar"; published: ISO date (YYYY-MM-DD);
    venue_names: names the source gives the venue (full name, then abbreviations), for the venue
    vocabulary to recognise; external_ids: identifier scheme -> value ("ArXiv", "DOI", "DBLP"...).
    """

    source: str
    title: str | None = None
    abstract: str | None = None
    authors: tuple[Author, ...] = ()
    published: str | None = None
    year: int | None = None
    categories: tuple[str, ...] = ()
    doi: str | None = None
    s2_id: str | None = None
    citation_count: int | None = None
    tldr: str | None = None
    pdf_url: str | None = None
    venue_names: tuple[str, ...] = ()
    external_ids: dict[str, str] = field(default_factory=dict)
    references: tuple[Reference, ...] = ()


def text(value: Any) -> str | None:
    """A non-empty string with its whitespace collapsed, or None for anything else."""
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def integer(value: Any) -> int | None:
    """An int (not a bool), or None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def iso_date(value: Any) -> str | None:
    """"YYYY-MM-DD" when value starts with such a date, else None."""
    match = re.match(r"\d{4}-\d{2}-\d{2}", value) if isinstance(value, str) else None
    return match.group(0) if match else None


def strip_version(arxiv_id: str) -> str:
    """"2301.03786v2" -> "2301.03786"."""
    return re.sub(r"v\d+$", "", arxiv_id)
