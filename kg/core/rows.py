"""The rules of a list's tables, shared by the reader and the reports: how a row splits into cells, which
role each column's header gives it, whether a table reports scores or tags its titles, and writing a row back.

Reads: the list's lines (the text a build was made from). Writes: nothing; `join_row` gives the
text of a row with changed cells, in the row's own style, for `kg/curation/fix.py`. Curation uses the roles to
name the column of a defect ("code: '-'") and to fix a cell without touching its neighbours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kg.core.headings import heading_words
from kg.core.vocab import alias_key

COLUMN_ALIASES: dict[str, frozenset[str]] = {
    "title": frozenset({"title", "papertitle", "titleofpaper", "name", "papername", "method", "methods", "article",
                        "work", "model"}),
    "venue": frozenset(
        {"accept", "accepted", "venue", "conference", "journal", "conferencejournal", "journalconference", "conf",
         "pub", "published", "publishedin", "publisher", "source", "where", "venueyear", "conferenceyear",
         "confjournal", "booktitle", "proceedings", "publication", "publicationvenue"}
    ),
    "year": frozenset({"year", "date", "time", "released", "release", "releasedate", "publishdate", "month"}),
    "paper": frozenset({"paper", "papers", "pdf", "arxiv", "paperlink", "paperlinks", "arxivlink", "reference",
                        "references", "ref", "citation"}),
    "code": frozenset({"code", "github", "repo", "repository", "implementation", "sourcecode", "codes", "codelink",
                       "officialcode", "coderepo"}),
    "project": frozenset(
        {"webproj", "web", "proj", "project", "projectpage", "page", "webpage", "homepage", "website", "demo",
         "video", "videos", "demovideo"}
    ),
    "links": frozenset({"links", "link", "resources", "urls", "url", "materials", "downloadlink", "download"}),
    "keywords": frozenset({"keywords", "keyword", "tags", "tag", "topic", "topics", "category", "type", "task",
                           "tasks", "highlight", "highlights"}),
    "dataset": frozenset({"dataset", "datasets", "data", "datasetname", "trainingdata"}),
    "metric": frozenset({"metrics", "metric", "measure", "measures"}),
}
# Parts of header names, tried in order when a header is no known name.
HEADER_STEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("title", ("title",)),
    ("venue", ("venue", "conf", "journal", "publish", "accept")),
    ("year", ("year", "date")),
    ("paper", ("paper", "pdf", "arxiv")),
    ("code", ("code", "github", "repo")),
    ("project", ("project", "page", "website", "demo")),
    ("dataset", ("dataset",)),
)
# Words that make a header the title column, or a data set column, wherever they stand in it.
TITLE_HEADER_WORDS = frozenset({
    "title", "work", "works", "method", "methods", "model", "models", "name", "article", "articles",
})
DATASET_HEADER_WORDS = frozenset({"benchmark", "benchmarks", "dataset", "datasets"})
PLACEHOLDER_LABEL = re.compile(r"coming soon|\bsoon\b|\btemp\b|\btbd\b|\btodo\b", re.IGNORECASE)

# The markdown links of a cell's source text, where a fix must rewrite that text in place (markdown-it
# parses links but gives no positions): a link, and a link whose target is itself a link (broken).
MARKDOWN_LINK = re.compile(r"!?\[(?P<label>[^\[\]]*)\]\((?P<url>[^()\s]*)\)")
NESTED_LINK = re.compile(r"\[(?P<label>[^\[\]]*)\]\(\s*\[(?P<first>[^\[\]\s]+)\]\((?P<second>[^()\s]+)\)\s*\)")

SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


SCORE = re.compile(r"[<>~±]?\d+(?:[.,]\d+)?\s*[%∗*†‡]*")
SCORE_SHARE = 0.6
"""Share of a column's cells that are scores ("66.0∗") for it to report results."""
TRAILING_NAME = re.compile(r"\s+\((?=[^()\s]*[A-Z])[A-Za-z0-9][\w.+\-]{0,19}\)$")
"""A short name in brackets closing a title: "(DSN)", "(I-GCG)"."""
NAMES_TAGGED_SHARE = 0.5
MIN_TAGGED_TITLES = 3
"""A table tags its titles with names when half or more of three or more do: in the corpus the lists that
spell out an acronym in a title do so in a few rows of a table; the one that tags does so in half to most
(17 of 34 in one table)."""


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


def split_row(line: str) -> list[str]:
    """Split a table row into cells on unescaped pipes outside code spans; outer pipes are optional."""
    return [line[start:end].strip() for start, end in cell_spans(line)]


def column_role(header: str) -> str | None:
    """Which role a table header plays ("title", "venue", "code", ...), or None when unknown. A header
    that is no known name is read by the words in it: "Conf/Jour" is a venue, "Papers & Codes" links."""
    key = alias_key(header)
    for role, aliases in COLUMN_ALIASES.items():
        if key in aliases:
            return role
    words = set(re.findall(r"[a-z]+", header.lower()))
    if words & TITLE_HEADER_WORDS:  # "Representative work", "Model name"
        return "title"
    if words & DATASET_HEADER_WORDS:  # "Benchmark", "Training data"
        return "dataset"
    found = [role for role, stems in HEADER_STEMS if any(stem in key for stem in stems)]
    if {"paper", "code"} <= set(found) or {"code", "project"} <= set(found):
        return "links"
    return found[0] if found else None


def table_roles(header: list[str]) -> list[str | None]:
    """The role of each column; when two columns claim one role, the first keeps it, except that a header
    saying "title" keeps the title over one naming the work ("Name | Title": the name is the method's short
    name, the title column holds the paper's title)."""
    claimed = [column_role(cell) for cell in header]
    titled = [i for i, cell in enumerate(header) if claimed[i] == "title" and "title" in alias_key(cell)]
    roles: list[str | None] = []
    for index, role in enumerate(claimed):
        taken = role in roles and role not in ("links", None)
        if role == "title" and titled:
            taken = index != titled[0]
        roles.append(None if taken else role)
    return roles


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


def scores_table(header: list[str], rows: list[list[str]]) -> bool:
    """Whether a table reports results: two or more columns (not a year) whose cells are mostly scores
    ("66.0∗", "62.4†")."""
    def scores(column: int) -> bool:
        cells = [row[column] for row in rows if column < len(row) and row[column].strip()]
        return len(cells) >= 3 and sum(bool(SCORE.fullmatch(c.strip())) for c in cells) >= SCORE_SHARE * len(cells)
    return sum(scores(i) for i, cell in enumerate(header) if "year" not in heading_words(cell)) >= 2


def names_tagged(body_cells: list[list[str]], roles: list[str | None]) -> bool:
    """Whether most title cells of a table end with a short name in brackets ("**Don't Say No: Jailbreaking
    LLM by Suppressing Refusal (DSN)**"): the list tags its titles so, and the name is no part of them. A few
    such titles in a table are titles that spell out their acronym ("... Error Reduction (ROVER)")."""
    if "title" not in roles:
        return False
    index = roles.index("title")
    titles = [re.sub(r"[*_`]|\]\([^)]*\)|\[", "", row[index]).strip() for row in body_cells if index < len(row)]
    titles = [title for title in titles if title]
    return (len(titles) >= MIN_TAGGED_TITLES
            and sum(bool(TRAILING_NAME.search(t)) for t in titles) >= NAMES_TAGGED_SHARE * len(titles))
