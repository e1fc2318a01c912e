"""Reads an awesome-list markdown file into entries, with file and line for every row.

Reads: a markdown file (tables of papers by year or topic, bullet lists of papers, a datasets list,
a metrics table). Writes: a `ParsedList` of `Entry`, `DatasetEntry` and `MetricEntry` records.

markdown-it-py finds the structure (headings, tables, list items, their lines); this module walks it,
keeping the heading stack (ingest/list_state.py), and hands each table to ingest/tables.py and each
bullet, paragraph and paper heading to ingest/bullets.py. Cells are split from the source line and
parsed as inline markdown (ingest/cells.py), so that a row with extra or broken cells loses nothing.
Rows are never dropped or merged here: a row that cannot be fully understood is flagged and warned
about, and kept.
"""

from __future__ import annotations

import hashlib
import re
import stat
from pathlib import Path

from markdown_it.token import Token

from ingest.bullets import names_a_paper, read_list_item, read_paper_bullet, read_paragraph
from ingest.list_state import ListState
from ingest.tables import read_table
from kg.core import settings
from kg.core.errors import UserError
from kg.core.headings import section_kind
from kg.core.model import ParsedList, Section
from kg.core.vocab import Vocabulary

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".txt", ""})
ALMOST_LIST_ITEM = re.compile(r"^\s{0,3}-[\[【(*`]")
HTML_TAG = re.compile(r"<[^<>]+>")
PRE_OPEN, PRE_CLOSE = re.compile(r"<pre\b", re.IGNORECASE), re.compile(r"</pre\s*>", re.IGNORECASE)
MAX_FRONT_MATTER_LINES = 60
FRONT_MATTER_LINE = re.compile(r"\s*(?:$|#|-\s|[\w-]+\s*:)")
"""A line of YAML front matter: blank, a comment, a list item or a key."""
HTML_HEADING = re.compile(r"\s*<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.IGNORECASE)


class ListError(UserError):
    """A list that cannot be read at all. The message names the file and why."""


def read_list_text(path: Path) -> tuple[str, str]:
    """The list's text and sha256, or a ListError naming the file and why it cannot be read."""
    if not path.exists():
        raise ListError(f"{path}: no such file")
    if path.is_dir():
        raise ListError(f"{path}: is a directory, not a markdown file")
    if path.suffix.lower() not in MARKDOWN_SUFFIXES:
        raise ListError(f"{path}: not a markdown file (expected .md, got {path.suffix!r})")
    if not stat.S_ISREG(path.stat().st_mode):  # a device or a pipe would be read forever or block
        raise ListError(f"{path}: not a regular file (a device, pipe or socket); give a markdown file")
    limit = settings.get_number("max_list_mb")
    if path.stat().st_size > limit * 1_000_000:
        raise ListError(f"{path}: {path.stat().st_size / 1e6:.1f} MB is over the {limit:g} MB limit "
                        f"({settings.SETTINGS['max_list_mb'].env}); is this a list of papers?")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise ListError(f"{path}: not a markdown file (binary content)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ListError(f"{path}:{line}: not UTF-8 text (byte {error.start}: {error.reason})") from error
    return text, hashlib.sha256(data).hexdigest()


def parse_list(path: Path, vocab: Vocabulary, name: str | None = None) -> ParsedList:
    """Parse a list file; name is what entries record as their file (default: the path as given).
    Raises ListError when the file cannot be read or holds no paper entries."""
    text, sha256 = read_list_text(path)
    parsed = parse_text(text, name or str(path), sha256, vocab)
    if not parsed.entries:
        raise ListError(f"{path}: no paper entries found (no table with a title column, no paper bullets)")
    return parsed

def parse_text(text: str, file: str, sha256: str, vocab: Vocabulary) -> ParsedList:
    """Parse markdown text into entries; file is the name recorded on every entry."""
    state = ListState(_without_front_matter(text), file, vocab)
    _walk(state, state.md.parse(state.text))
    for number, line in enumerate(state.lines, start=1):
        if ALMOST_LIST_ITEM.match(line):
            state.warn(number, "line starts like a list item but has no space after the dash; "
                               "markdown reads it as part of the text above")
    return ParsedList(
        file=file,
        sha256=sha256,
        entries=tuple(state.entries),
        datasets=tuple(state.datasets),
        metrics=tuple(state.metrics),
        sections=tuple(_sections(state)),
        warnings=tuple(state.warnings),
    )


def _without_front_matter(text: str) -> str:
    """The text with a leading YAML front matter block (`---` lines around `layout: post`, as Jekyll and Hugo
    pages open) blanked, line for line: markdown would read it as a rule and a heading."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return text
    end = next((i for i, line in enumerate(lines[1:MAX_FRONT_MATTER_LINES], start=1) if line.strip() in ("---", "...")),
               None)
    if end is None or not all(FRONT_MATTER_LINE.match(line) for line in lines[1:end]):
        return text
    return "\n".join([""] * (end + 1) + lines[end + 1 :])


def _walk(state: ListState, tokens: list[Token]) -> None:
    i = 0
    list_depth = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open":
            _heading(state, token, tokens[i + 1])
        elif token.type == "table_open":
            i = read_table(state, tokens, i)
        elif token.type == "list_item_open":
            i = read_list_item(state, tokens, i)
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif token.type == "paragraph_open" and not list_depth and token.map:
            i = read_paragraph(state, tokens, i)
        elif token.type == "html_block" and token.map:
            _html_block(state, token)
        i += 1


def _html_block(state: ListState, token: Token) -> None:
    """Markdown inside an HTML block (`<details><summary>..</summary>` followed by a list) is read as
    markdown: tags are taken off the lines that open with one and the rest parsed in place. A heading
    tag (`<h2>..</h2>`) is a heading. Comments stay unread."""
    start, end = token.map or (0, 0)
    if token.content.lstrip().startswith("<!--"):
        return
    first = start
    for index in range(start, end):
        heading = HTML_HEADING.match(state.lines[index])
        if heading:  # `<h3 id="general">🧩 Analysis In General</h3>`: a heading written in HTML
            _html_lines(state, first, index)
            state.push_heading(int(heading.group(1)), " ".join(HTML_TAG.sub("", heading.group(2)).split()),
                               index + 1)
            first = index + 1
    _html_lines(state, first, end)


def _html_lines(state: ListState, start: int, end: int) -> None:
    """Lines start..end of an HTML block, without their tags, parsed as markdown in place; preformatted
    text (`<pre><code>@article{...}</code></pre>`, a BibTeX entry) is left out, as a fenced block is."""
    lines, preformatted = [], False
    for line in state.lines[start:end]:
        preformatted = preformatted or bool(PRE_OPEN.search(line))
        if preformatted:
            lines.append("")
            preformatted = not PRE_CLOSE.search(line)
            continue
        lines.append(HTML_TAG.sub("", line) if line.lstrip().startswith("<") else line)
    if not any(line.strip() for line in lines):
        return
    inner = state.md.parse("\n" * start + "\n".join(lines))
    _walk(state, [t for t in inner if t.type != "html_block"])


def _sections(state: ListState) -> list[Section]:
    result = []
    for title, line, level in state.sections:
        count = state.section_counts.get(line, 0)
        kind = section_kind(title)
        if kind == "papers" and not count:
            kind = "other"
        result.append(Section(title=title, line=line, level=level, kind=kind, entries=count))
    return result


def _heading(state: ListState, token: Token, inline: Token) -> None:
    cell = state.cell(inline.content)
    line = token.map[0] + 1 if token.map else 0
    if state.section_kind == "papers" and names_a_paper(state, line, cell):
        # "##### • Self6D: Self-Supervised ... [\[PDF\]](url)": a heading line written for each paper
        read_paper_bullet(state, line, state.lines[line - 1], cell)
        return
    state.push_heading(int(token.tag[1:]), cell.text or inline.content.strip(), line)
