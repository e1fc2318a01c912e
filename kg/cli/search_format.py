"""Search responses as text for a terminal: a ranked list that says why each paper matched.

Reads: a SearchResponse (kg/search/search.py). Writes nothing; returns the text.
"""

from __future__ import annotations

import os
from pathlib import Path

from kg.core.model import Ref
from kg.search.search import SearchResponse, SearchResult

FACETS_SHOWN = ("year", "venue", "keyword", "dataset", "has_code")
VALUES_SHOWN = 6


def _where(ref: str) -> str:
    """"file:line" with the file relative to the working folder when it is below it."""
    where = Ref.parse(ref)
    file = where.file
    if Path(file).is_absolute() and Path(file).is_relative_to(Path.cwd()):
        file = os.path.relpath(file)
    return str(Ref(file, where.line))


def _result(rank: int, result: SearchResult) -> list[str]:
    paper = result.paper
    venue = paper.venue.label or (str(paper.year) if paper.year else "")
    score = "" if result.score is None else f"  score {result.score:.4f}"
    lines = [f"{rank:>2}. {paper.title}" + (f"  [{venue}]" if venue else "") + score]
    met = [name for name, ok in result.matched.items() if ok]
    missed = [name for name, ok in result.matched.items() if not ok]
    why = []
    if met:
        why.append("matches " + ", ".join(met))
    if missed:
        why.append("misses " + ", ".join(missed))
    if result.words:
        why.append("words " + ", ".join(result.words))
    if "dense" in result.scores:
        why.append(f"similarity {result.scores['dense']:.2f}")
    if why:
        lines.append("    why: " + "; ".join(why))
    if result.snippet:
        lines.append(f"    {result.snippet}")
    where = ", ".join(_where(ref) for ref in paper.entries)
    lines.append(f"    id {paper.id} | listed at {where}" + (" | has code" if paper.has_code else ""))
    main_link = next((link.url for link in paper.links if link.column in ("title", "paper")), None)
    if main_link:
        lines.append(f"    {main_link}")
    return lines


def format_response(response: SearchResponse, heading: str) -> str:
    """A heading, what the query was read as, the notes, the ranked results, and the main facet counts of
    the result set."""
    lines = [heading]
    if response.intent is not None and response.intent.constraints:
        lines.append(f"read as: {response.intent.read_as}")
    lines += [f"note: {note}" for note in response.notes]
    if not response.results:
        lines.append("no results")
    for rank, result in enumerate(response.results, 1):
        lines += _result(rank, result)
    for name in FACETS_SHOWN:
        counts = response.facets.get(name) or {}
        if counts:
            shown = ", ".join(f"{value} ({count})" for value, count in list(counts.items())[:VALUES_SHOWN])
            more = f", +{len(counts) - VALUES_SHOWN} more" if len(counts) > VALUES_SHOWN else ""
            lines.append(f"{name.replace('_', ' ')}: {shown}{more}")
    return "\n".join(lines)
