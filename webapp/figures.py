"""The Explore page's figures as tables: papers per year by keyword, papers per venue, the most
connected datasets and concepts, and the keyword x year matrix.

Reads: a FacetTable (kg/search/facets.py) and the graph. Writes nothing. Pure; the page draws the charts.
Keyword counts follow the facets: a paper about NeRF counts for "3D" too.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from kg.search.facets import FacetTable, Filters


def keyword_label(table: FacetTable, concept_id: str) -> str:
    concept = table.vocab.concepts.get(concept_id)
    return concept.label if concept else concept_id


def keyword_year(table: FacetTable, keywords: list[str] | None = None) -> pd.DataFrame:
    """Columns keyword (id), label, year, papers: one row per keyword and year, zeros included.
    keywords: which concept ids (default: every keyword some paper has)."""
    overall = table.counts(None)
    years = sorted(int(year) for year in overall["year"])
    wanted = keywords if keywords is not None else list(overall["keyword"])
    rows = []
    for year in years:
        counts = table.counts(table.mask(Filters(years=(year, year))))["keyword"]
        rows += [(k, keyword_label(table, k), year, counts.get(k, 0)) for k in wanted]
    return pd.DataFrame(rows, columns=["keyword", "label", "year", "papers"])


def venues(table: FacetTable) -> pd.DataFrame:
    """Columns venue, kind, papers: papers per venue family, most first."""
    kinds: dict[str, str] = {}
    for paper in table.papers:
        if paper.venue.family:
            kinds.setdefault(paper.venue.family, paper.venue.kind)
    counts = table.counts(None)["venue"]
    return pd.DataFrame([(v, kinds.get(v, "unknown"), n) for v, n in counts.items()],
                        columns=["venue", "kind", "papers"])


def most_connected(graph: nx.MultiDiGraph, node_type: str, top: int = 10) -> pd.DataFrame:
    """Columns node, id, label, papers: the nodes of a type linked to the most distinct papers."""
    rows = []
    for node, kind in graph.nodes(data="type"):
        if kind != node_type:
            continue
        papers = {other for other in (*graph.successors(node), *graph.predecessors(node))
                  if graph.nodes[other].get("type") == "paper"}
        if papers:
            rows.append((node, node.split("/", 1)[1], str(graph.nodes[node].get("label", node)), len(papers)))
    rows.sort(key=lambda row: (-row[3], row[2].lower()))
    return pd.DataFrame(rows[:top], columns=["node", "id", "label", "papers"])
