"""Table rows of a list's source text: which role each cell plays, and writing a row back.

Reads: the list's lines (the text a build was made from). Writes: nothing; `join_row` gives the
text of a row with changed cells, in the row's own style, for `kg/fix.py`. Curation uses the roles to
name the column of a defect ("code: '-'") and to fix a cell without touching its neighbours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.parse import split_row, table_roles

SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


@dataclass(frozen=True)
class TableRow:
    """A table row: the role of each column (None when unknown) and the row's cells as written."""

    roles: tuple[str | None, ...]
    cells: tuple[str, ...]

    def role(self, index: int) -> str | None:
        return self.roles[index] if index < len(self.roles) else None

    def cells_of(self, role: str) -> list[int]:
        """Indexes of the cells in columns of a role."""
        return [i for i in range(len(self.cells)) if self.role(i) == role]


def table_row(lines: Sequence[str], line_no: int) -> TableRow | None:
    """The table row at a 1-based line, with its header's roles; None when the line is not in a table."""
    index = line_no - 1
    if not 0 <= index < len(lines) or "|" not in lines[index] or SEPARATOR.match(lines[index]):
        return None
    above = index - 1
    while above >= 1 and "|" in lines[above] and not SEPARATOR.match(lines[above]):
        above -= 1
    if above < 1 or not SEPARATOR.match(lines[above]):
        return None
    roles = tuple(table_roles(split_row(lines[above - 1])))
    return TableRow(roles, tuple(split_row(lines[index])))


def cell_spans(line: str) -> list[tuple[int, int]]:
    """(start, end) of each cell's text in a row, split as `split_row` splits it (outer pipes dropped)."""
    bounds, in_code, index = [-1], False, 0
    while index < len(line):
        char = line[index]
        if char == "\\":
            index += 2
            continue
        if char == "`":
            in_code = not in_code
        elif char == "|" and not in_code:
            bounds.append(index)
        index += 1
    bounds.append(len(line))
    spans = [(bounds[i] + 1, bounds[i + 1]) for i in range(len(bounds) - 1)]
    stripped = line.strip()
    if stripped.startswith("|"):
        spans = spans[1:]
    if stripped.endswith("|") and not stripped.endswith("\\|") and spans:
        spans = spans[:-1]
    return spans


def join_row(original: str, cells: Sequence[str]) -> str:
    """The original row with its cells replaced by `cells`; unchanged cells keep their text and padding,
    changed ones keep the padding around them."""
    spans = cell_spans(original)
    if len(spans) != len(cells):
        return "|" + "|".join(cells) + "|"
    text = original
    for (start, end), cell in reversed(list(zip(spans, cells, strict=True))):
        written = text[start:end]
        if written.strip() == cell:
            continue
        if written.strip():
            lead, trail = written[: len(written) - len(written.lstrip())], written[len(written.rstrip()) :]
        else:  # an empty cell gets the row's padding style
            lead = trail = " " if cell and " | " in original else ""
        text = text[:start] + lead + cell + trail + text[end:]
    return text
