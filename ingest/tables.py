"""Reads a markdown table of a list: which column holds what (kg/core/rows.py), whether its rows are papers,
data sets, metrics or something else (a leaderboard, projects), and each row into the list's state."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import partial

from markdown_it.token import Token

from ingest.cells import Cell, cell_words
from ingest.inline import RowText, label_role, year_of
from ingest.list_state import ListState
from kg.core.headings import heading_words
from kg.core.links import BARE_URL, make_link, paper_links
from kg.core.model import CODE_HOSTS, PAPER_KINDS, EntryFlag, Link
from kg.core.rows import TRAILING_NAME, column_role, names_tagged, scores_table, split_row, table_roles
from kg.core.vocab import ARXIV_NUMBER, PLACEHOLDERS, YEAR, alias_key

EMPTY_LINK = re.compile(r"\[\s*\]\(\s*\)")
# A venue cell that says the row is a data set, not a paper.
DATASET_VENUES = frozenset({"dataset", "datasets", "benchmark", "data"})


def _by_its_label(link: Link) -> Link:
    """A link in a column of something else that its label and host both name: code on a code host ("| Project |"
    holding "[Website](url), [GitHub](https://github.com/owner/repo)"), or the paper on arXiv or a paper host
    ("| Key Publication(s) |" holding "[arxiv](https://arxiv.org/abs/...)")."""
    role = label_role(link.label)
    if role == "code" and link.kind in CODE_HOSTS:
        return replace(link, column="code")
    if role == "paper" and link.kind in PAPER_KINDS and link.column == "other":
        return replace(link, column="paper")
    return link


def read_table(state: ListState, tokens: list[Token], start: int) -> int:
    """Read the table starting at tokens[start] into the state; returns the index of its table_close."""
    end = start
    while tokens[end].type != "table_close":
        end += 1
    rows = [t.map for t in tokens[start:end] if t.type == "tr_open" and t.map]
    if not rows:
        return end
    header = split_row(state.lines[rows[0][0]])
    roles = table_roles(header)
    kind = state.section_kind
    if kind == "other":
        for row_map in rows[1:]:
            state.warn(row_map[0] + 1, f"table row under {state.section!r}, not a section of papers; not read")
        return end
    body_cells = [split_row(state.lines[r[0]]) for r in rows[1:]]
    if "title" in roles:
        roles = _title_beside_links(state, header, roles, body_cells)
    # a table of scores ranks models, unless its rows say where each was published: then they are papers
    # that report scores ("| [SEGAN](arxiv) | INTERSPEECH 2017 | 2.16 | 3.48 |")
    if kind == "papers" and (any(heading_words(cell)[:1] == ["rank"] for cell in header)
                             or (scores_table(header, body_cells) and "venue" not in roles)):
        for row_map in rows[1:]:  # | Rank | Model | HumanEval |, | Method | Backbone | VOC2007 | VOC2012 |
            state.warn(row_map[0] + 1, "table row not read as a paper: the table ranks models (a leaderboard)")
        return end
    if "metric" in roles or kind == "metrics":
        handler = partial(_metric_row, state)
    elif kind == "datasets" or ("dataset" in roles and "title" not in roles and "paper" not in roles):
        handler = partial(_dataset_row, state)
    else:
        if "title" not in roles:
            roles = _guess_title_column(state, roles, rows[0][0] + 1)
        handler = partial(_paper_row, state, names_tagged=names_tagged(body_cells, roles))
        body = "\n".join(state.lines[r[0]] for r in rows[1:])
        if not BARE_URL.search(body) and "venue" not in roles and "year" not in roles:
            for row_map in rows[1:]:
                state.warn(row_map[0] + 1, "table row not read as a paper: the table has no links and no venue")
            return end
        if not {"paper", "links", "venue", "year"} & set(roles) and not paper_links(
                [make_link(url, "", "other") for url in BARE_URL.findall(body)]):
            for row_map in rows[1:]:  # "| Title | Project page | Code base |": projects built on a work
                state.warn(row_map[0] + 1, "table row not read as a paper: the table links no paper and names no "
                                          "venue or year")
            return end
    for row_map in rows[1:]:
        line_no = row_map[0] + 1
        raw = state.lines[row_map[0]]
        cells = split_row(raw)
        if not any(EMPTY_LINK.sub("", cell).strip() for cell in cells):  # "| []() | | []() |": a spacer
            state.warn(line_no, "empty table row skipped")
            continue
        handler(line_no, raw, cells, roles)
    return end


def _title_beside_links(state: ListState, header: list[str], roles: list[str | None],
                        body_cells: list[list[str]]) -> list[str | None]:
    """A "Title" column whose every cell is a link labelled as a resource or a venue (`[pdf](url)`,
    `[arXiv](url)`) gives the paper link; the column that also claimed the title ("| Title | Method |") names
    the work."""
    index = roles.index("title")
    cells = [state.cell(row[index]) for row in body_cells if index < len(row)]
    names_no_work = [not cell.text and all(state.reader.is_generic(label) or _venue_label(state, label)
                                           for label, _ in cell.links) for cell in cells]
    if not any(cell.links for cell in cells) or not all(names_no_work):
        return roles
    other = next((i for i, cell in enumerate(header) if i != index and column_role(cell) == "title"), None)
    if other is None or roles[other] is not None:
        return roles
    swapped = list(roles)
    swapped[index], swapped[other] = "paper", "title"
    return swapped


def _guess_title_column(state: ListState, roles: list[str | None], line: int) -> list[str | None]:
    """A paper table whose title column has no known header: "Paper" holds titles when no other
    column does; failing that, the first unknown column."""
    guessed = list(roles)
    for wanted in ("paper", None):
        if wanted in guessed:
            guessed[guessed.index(wanted)] = "title"
            state.warn(line, f"table has no title column; using column {guessed.index('title') + 1} as titles")
            return guessed
    state.warn(line, "table has no title column; its rows are read as titles from the first column")
    return ["title", *guessed[1:]]


def _paper_row(state: ListState, line: int, raw: str, cells: list[str], roles: list[str | None],
               names_tagged: bool = False) -> None:
    """A table row of a paper. names_tagged: the table closes its titles with the method's name in
    brackets (`kg.core.rows.names_tagged`), which is then no part of the title."""
    flags: list[EntryFlag] = []
    if len(cells) > len(roles):
        flags.append("extra_cells")
        state.warn(line, f"row has {len(cells)} cells, header has {len(roles)}; extra cells kept as links")
    title = RowText()
    venue_raw = ""
    year_cell: int | None = None
    keywords: list[str] = []
    datasets: list[str] = []
    links: list[Link] = []
    paper_titles: list[RowText] = []
    for index, source in enumerate(cells):
        role = roles[index] if index < len(roles) else None
        cell = state.cell(source)
        if cell.malformed:
            flags.append("malformed_markdown")
        if cell.placeholder and role not in ("keywords", "dataset"):
            flags.append("placeholder")
        if role == "title":
            title = state.read_row(line, cell, default="paper")
            if names_tagged:
                title.title = TRAILING_NAME.sub("", title.title)
            links += state.links_of(title)
        elif role == "venue":
            venue_raw = cell.text or source  # "_TKDE_", "**CVPR**": the words, not their markup
        elif role == "year":
            match = YEAR.search(cell.text)
            year_cell = int(match.group(1)) if match else None
        elif role in ("keywords", "dataset"):
            items = [i.strip() for i in re.split(r"[,;/]", cell.text) if i.strip()]
            items = [i for i in items if i.lower() not in PLACEHOLDERS]
            (keywords if role == "keywords" else datasets).extend(items)
            links += state.make_links(line, cell, "dataset" if role == "dataset" else "other")
        elif role in ("paper", "links"):
            read = state.read_row(line, cell, default="paper")
            paper_titles.append(read)
            links += state.links_of(read)
        elif role == "code":
            links += state.make_links(line, cell, role)
        else:
            links += [_by_its_label(link) for link in state.make_links(line, cell, role or "other")]
    # A paper link labelled with its venue beside a title column: "| **UNI** | ... | [Nature Medicine](url) |"
    named = [r for r in paper_titles if title.title and r.title and _venue_label(state, r.title)]
    title.venue_tags += [part.strip() for r in named for part in r.title.split(" / ")]
    # A short title column ("Model": "SadTalker") beside a paper link written with the full title.
    longer = next((r for r in paper_titles if r not in named
                   and len(r.title.split()) > max(2, len(title.title.split()))), None)
    if longer is not None and len(title.title.split()) <= 2:
        title = RowText(title=longer.title, venue_tags=title.venue_tags + longer.venue_tags)
    if not venue_raw:
        venue_raw = state.venue_from_tags(title.venue_tags + [t for r in paper_titles for t in r.venue_tags])
    venue = state.vocab.parse_venue(venue_raw)
    if venue.family and alias_key(venue.family) in DATASET_VENUES:
        state.add_dataset(line, raw, title.title, links, "malformed_markdown" in flags)
        return
    if venue.kind == "unknown" and venue.family and not paper_links(links):
        state.warn(line, f"table row not read as a paper: {venue.raw!r} is no venue and no link is to a paper")
        return
    state.add_entry(line, raw, title.title, venue_raw, year_cell, links, keywords, datasets, flags)


def _venue_label(state: ListState, label: str) -> bool:
    """Whether a link's label names where the paper appeared rather than the paper: each part (split
    at " / ") reads as a venue, gives a year or an arXiv number ("ML4H 2023 / arXiv:2307.15189"), or is
    a short capitalised name ("Nature Medicine", "Nat. Biomed. Eng.")."""
    def venue_like(part: str) -> bool:
        words = part.split()
        return bool(words) and (bool(state.reader.venue_tag(part)) or bool(YEAR.search(part))
                                or bool(ARXIV_NUMBER.search(part))
                                or (len(words) <= 3 and all(w[:1].isupper() for w in words)))
    return all(venue_like(part.strip()) for part in label.split(" / "))


def _dataset_row(state: ListState, line: int, raw: str, cells: list[str], roles: list[str | None]) -> None:
    name_index = next((roles.index(r) for r in ("dataset", "title") if r in roles), None)
    if name_index is None:
        name_index = next((i for i, r in enumerate(roles) if r not in ("year", "venue", "links", "paper")), 0)
    parsed = [state.cell(source) for source in cells]
    name_cell = parsed[name_index] if name_index < len(parsed) else Cell(text="")
    links = [link for cell in parsed for link in state.make_links(line, cell, "dataset")]
    name = name_cell.text or next((label for label, _ in name_cell.links if label), "")
    year = next((year_of(c.text) for i, c in enumerate(parsed) if i < len(roles) and roles[i] == "year"), None)
    state.add_dataset(line, raw, name, links, name_cell.malformed, year)


def _metric_row(state: ListState, line: int, raw: str, cells: list[str], roles: list[str | None]) -> None:
    """A metric: its name in the metric column, or the first column; the column after it, or the title
    of the paper that brought it in (`| Title | Abbr | Year |`: the abbreviation names the metric), is its
    reference."""
    parsed = [state.cell(c) for c in cells]
    name_index, reference_index = 0, 1
    if "metric" in roles:
        name_index = roles.index("metric")
        reference_index = name_index + 1
    elif "title" in roles and None in roles:
        # the unnamed column of the shortest words: "Abbr" beside "Authors"
        unnamed = [i for i, role in enumerate(roles) if role is None and i < len(parsed)]
        name_index = min(unnamed, key=lambda i: len(cell_words(parsed[i])), default=roles.index(None))
        reference_index = roles.index("title")
    head = cell_words(parsed[name_index]) if name_index < len(parsed) else ""
    reference = cell_words(parsed[reference_index]) if reference_index < len(parsed) else ""
    reference = "" if reference in PLACEHOLDERS else reference
    links = [link for cell in parsed for link in state.make_links(line, cell, "paper")]
    state.add_metric(line, raw, head, reference, links)
