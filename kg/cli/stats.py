"""`tfkg stats`: the figures of a build (ingest/stats.py) as aligned text."""

from __future__ import annotations

from typing import Any


def format_stats(stats: dict[str, Any]) -> str:
    """Stats as aligned text, one figure or one table per block."""
    lines = []
    for key, value in stats.items():
        title = key.replace("_", " ")
        if isinstance(value, dict) and not value:
            lines.append(f"{title}: none")
        elif isinstance(value, dict):
            lines.append(f"{title}:")
            width = max((len(k) for k in value), default=0)
            lines += [f"  {k:<{width}}  {v}" for k, v in value.items()]
        else:
            lines.append(f"{title}: {value}")
    return "\n".join(lines)
