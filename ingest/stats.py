"""The figures of a build (entries, nodes and edges by type, papers per year and venue), as a dict:
`tfkg stats` prints it as text or JSON, and the HTTP API serves it at /api/stats.

Reads: a loaded build. Writes nothing.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ingest.graph import edge_counts, node_counts
from kg.core.model import Section
from kg.core.store import Build


def _sorted(counter: Counter[Any]) -> dict[str, int]:
    return {str(key): counter[key] for key in sorted(counter, key=lambda k: (k is None, str(k)))}


def build_stats(build: Build) -> dict[str, Any]:
    """Entries, nodes and edges by type, entries per section, papers per year and venue family,
    and papers with and without an arXiv id."""
    papers = build.papers
    return {
        "list": build.parsed.file,
        "entries": len(build.parsed.entries),
        "dataset_entries": len(build.parsed.datasets),
        "metric_entries": len(build.parsed.metrics),
        "papers": len(papers),
        "nodes": node_counts(build.graph),
        "edges": edge_counts(build.graph),
        "entries_per_section": entries_per_section(build.parsed.sections),
        "papers_per_year": _sorted(Counter(p.year for p in papers)),
        "papers_per_venue": _sorted(Counter(p.venue.family for p in papers)),
        "papers_with_arxiv_id": sum(1 for p in papers if p.arxiv_id),
        "papers_without_arxiv_id": sum(1 for p in papers if not p.arxiv_id),
        "papers_enriched_by_source": _sorted(Counter(s for p in papers for s in set(p.sources.values()) - {"list"})),
        "papers_not_enriched": sum(1 for p in papers if set(p.sources.values()) <= {"list"}),
        "link_title_mismatches": build.manifest.get("enrichment", {}).get("mismatches", 0),
        "parser_warnings": len(build.parsed.warnings),
        "built_at": build.manifest.get("built_at"),
    }


def entries_per_section(sections: tuple[Section, ...]) -> dict[str, int]:
    """Entries per section, keyed by title; a title used by several sections ("2023" under two
    categories) is keyed "title (line N)" for each, so that the counts add up to the entries."""
    counted = [s for s in sections if s.entries]
    repeated = {title for title, n in Counter(s.title for s in counted).items() if n > 1}
    return {(f"{s.title} (line {s.line})" if s.title in repeated else s.title): s.entries for s in counted}
