"""The interactive neighbourhood view (streamlit-agraph, a vis.js network): nodes coloured by type,
the centre larger, every label and tooltip made safe. Returns the id of the node the user clicked."""

from __future__ import annotations

from streamlit_agraph import Config, Edge, Node, agraph

from webapp.neighbourhood import TYPE_COLOURS, Neighbourhood
from webapp.render import tooltip_text

HEX = {"blue": "#1c83e1", "orange": "#ffa421", "green": "#21c354", "violet": "#803df5", "yellow": "#e0b000",
       "red": "#ff4b4b", "gray": "#808495"}
"""Streamlit's light-theme palette, so the graph's colours are the legend's."""


def _short(label: str, width: int = 28) -> str:
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


def show_graph(view: Neighbourhood, height: int = 520) -> str | None:
    """Draw the neighbourhood; the clicked node's id, or None."""
    nodes = []
    for node, attrs in view.nodes:
        kind = attrs.get("type", "")
        label = str(attrs.get("label") or node)
        centre = node == view.centre
        near = attrs.get("hops", 0) <= 1
        nodes.append(Node(
            id=node,
            # Far nodes are named on hover only: 2 hops out, labels would cover each other.
            label=tooltip_text(_short(label, 60 if centre else 28)) if near else "",
            title=tooltip_text(f"{kind}: {label}"),
            color=HEX[TYPE_COLOURS.get(kind, "gray")],
            size=30 if centre else (16 if near else 10),
            shape="star" if centre else "dot",
            font={"size": 16 if centre else 12, "color": "#31333f"},
        ))
    edges = [Edge(source=s, target=t, title=kind, color="#d0d0d0", width=1) for s, t, kind in view.edges]
    config = Config(width="100%", height=height, directed=True, physics=True, hierarchical=False,
                    solver="forceAtlas2Based", stabilization=True, fit=True)
    # agraph's Config writes f"{height}px"; a percentage width lets the view fill its column.
    config.width = "100%"
    return agraph(nodes=nodes, edges=edges, config=config)


def legend(counts: dict[str, int]) -> str:
    """A Markdown legend: one coloured dot per node type with its count (static text, no list data)."""
    return "  ".join(f":{TYPE_COLOURS.get(kind, 'gray')}[●] {kind} ({n})" for kind, n in sorted(counts.items()))

