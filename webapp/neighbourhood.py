"""A node's neighbourhood in the knowledge graph, for the Paper page's graph view.

Reads: the graph (ingest/graph.py). Writes nothing. Pure. Direction is ignored (a paper's concepts and
the papers citing it are both neighbours). Hop-1 nodes are all kept; further nodes are ranked by how
many kept nodes they touch, so at 2 hops the papers sharing most with the centre come first, and the
view stays within `limit` nodes however big a hub concept is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

TYPE_COLOURS = {
    "paper": "blue",
    "concept": "orange",
    "dataset": "green",
    "venue": "violet",
    "code": "yellow",
    "author": "red",
    "metric": "gray",
    "entry": "gray",
}
"""Node colour by type, as Streamlit colour names (so Markdown legends and badges match the graph)."""

DEFAULT_TYPES = ("paper", "concept", "dataset", "venue", "code", "author", "metric")
"""Entry nodes (list rows) are left out by default: the Paper page lists them as text."""


@dataclass(frozen=True)
class Neighbourhood:
    """nodes: (node id, attributes plus `hops`), centre first; edges: (source, target, edge type)."""

    centre: str
    nodes: tuple[tuple[str, dict[str, Any]], ...]
    edges: tuple[tuple[str, str, str], ...]

    def counts(self) -> dict[str, int]:
        """Nodes by type, centre excluded."""
        return dict(Counter(attrs.get("type", "?") for node, attrs in self.nodes if node != self.centre))


def _neighbours(graph: nx.MultiDiGraph, node: str) -> Iterable[str]:
    yield from graph.successors(node)
    yield from graph.predecessors(node)


def neighbourhood(graph: nx.MultiDiGraph, centre: str, hops: int = 1, types: Iterable[str] = DEFAULT_TYPES,
                  limit: int = 60) -> Neighbourhood:
    """The nodes within `hops` of `centre` whose type is in `types` (at most `limit`), and the edges
    between them. Raises KeyError when the centre is not in the graph."""
    if centre not in graph:
        raise KeyError(centre)
    allowed = set(types)
    kept: dict[str, int] = {centre: 0}
    frontier = [centre]
    for hop in range(1, hops + 1):
        touches: Counter[str] = Counter()
        for node in frontier:
            for other in _neighbours(graph, node):
                if other not in kept and graph.nodes[other].get("type") in allowed:
                    touches[other] += 1
        ranked = sorted(touches, key=lambda n: (-touches[n], str(graph.nodes[n].get("label", n)).lower()))
        frontier = ranked[: max(0, limit - len(kept))]
        kept.update((node, hop) for node in frontier)
        if len(kept) >= limit:
            break
    nodes = tuple((node, {**graph.nodes[node], "hops": hop}) for node, hop in kept.items())
    edges = {
        (source, target, data.get("type", ""))
        for source, target, data in graph.subgraph(kept).edges(data=True)
    }
    return Neighbourhood(centre, nodes, tuple(sorted(edges)))
