"""Reads an awesome-list markdown file into entries, with file and line for every row.

Reads: a markdown file (tables of papers by year or topic, bullet lists of papers, a datasets list,
a metrics table). Writes: a `ParsedList` of `Entry`, `DatasetEntry` and `MetricEntry` records.

markdown-it-py finds the structure (headings, tables, list items, their lines); each table row's
cells are then split from the source line and parsed as inline markdown, so that a row with extra
or broken cells loses nothing. Rows are never dropped or merged here: a row the parser cannot fully
understand is flagged and warned about, and kept.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ingest.links import BARE_URL, make_link
from kg.errors import UserError
from kg.model import (
    DatasetEntry,
    Entry,
    EntryFlag,
    Link,
    LinkColumn,
    MetricEntry,
    ParsedList,
    ParseWarning,
    Section,
)
from kg.vocab import PLACEHOLDERS, YEAR, Vocabulary, alias_key

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".txt", ""})

# Table headers, compared by alias_key ("Conference/Journal" -> "conferencejournal").
COLUMN_ALIASES: dict[str, frozenset[str]] = {
    "title": frozenset({"title", "papertitle", "name", "papername", "method"}),
    "venue": frozenset(
        {"accept", "accepted", "venue", "conference", "journal", "conferencejournal", "conf", "pub",
         "publication", "published", "publisher", "source", "where"}
    ),
    "year": frozenset({"year", "date"}),
    "paper": frozenset({"paper", "pdf", "arxiv", "paperlink", "paperlinks"}),
    "code": frozenset({"code", "github", "repo", "repository", "implementation", "sourcecode", "codes"}),
    "project": frozenset(
        {"webproj", "web", "proj", "project", "projectpage", "page", "webpage", "homepage", "website", "demo"}
    ),
    "links": frozenset({"links", "link", "resources", "urls", "url"}),
    "keywords": frozenset({"keywords", "keyword", "tags", "tag", "topic", "topics", "category", "type"}),
    "dataset": frozenset({"dataset", "datasets", "data"}),
    "metric": frozenset({"metrics", "metric", "measure", "measures"}),
}
GENERIC_LABELS = re.compile(
    r"^\W*(paper|pdf|arxiv|code|codes|github|project|project ?page|page|proj|web|webpage|website|homepage|"
    r"demo|video|link|download link|slides|supp|supplementary|poster|blog|dataset|data)\b",
    re.IGNORECASE,
)
CODE_LABEL = re.compile(r"\b(code|github|gitlab|repo|implementation)\b", re.IGNORECASE)
PROJECT_LABEL = re.compile(r"\b(project|proj|page|web|website|homepage|demo|video)\b", re.IGNORECASE)
PLACEHOLDER_LABEL = re.compile(r"coming soon|\bsoon\b|\btemp\b|\btbd\b|\btodo\b", re.IGNORECASE)
NON_PAPER_HEADINGS = re.compile(
    r"content|contributing|contribution|license|citation|cite|acknowledg|related|star history|contact|todo",
    re.IGNORECASE,
)


class ListError(UserError):
    """A list that cannot be read at all. The message names the file and why."""


@dataclass
class Cell:
    """One parsed table cell or bullet: plain text, its links, code spans, and problems."""

    text: str
    links: list[tuple[str, str]] = field(default_factory=list)
    code_spans: list[str] = field(default_factory=list)
    malformed: bool = False
    placeholder: bool = False


def read_list_text(path: Path) -> tuple[str, str]:
    """The list's text and sha256, or a ListError naming the file and why it cannot be read."""
    if not path.exists():
        raise ListError(f"{path}: no such file")
    if path.is_dir():
        raise ListError(f"{path}: is a directory, not a markdown file")
    if path.suffix.lower() not in MARKDOWN_SUFFIXES:
        raise ListError(f"{path}: not a markdown file (expected .md, got {path.suffix!r})")
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
    return _ListParser(text, file, vocab).run(sha256)


def split_row(line: str) -> list[str]:
    """Split a table row into cells on unescaped pipes outside code spans; outer pipes are optional."""
    cells, current, in_code, i = [], [], False, 0
    while i < len(line):
        char = line[i]
        if char == "\\" and i + 1 < len(line):
            current.append(line[i : i + 2])
            i += 2
            continue
        if char == "`":
            in_code = not in_code
        if char == "|" and not in_code:
            cells.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    cells.append("".join(current))
    stripped = line.strip()
    if stripped.startswith("|"):
        cells = cells[1:]
    if stripped.endswith("|") and not stripped.endswith("\\|") and cells:
        cells = cells[:-1]
    return [c.strip() for c in cells]


def column_role(header: str) -> str | None:
    """Which role a table header plays ("title", "venue", "code", ...), or None when unknown."""
    key = alias_key(header)
    for role, aliases in COLUMN_ALIASES.items():
        if key in aliases:
            return role
    return None


def _repair_hrefs(links: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], bool]:
    """Links whose destination is itself broken markdown (`[paper]([url1](url2))`) are replaced by
    the URLs inside it, each with the link's label; the flag says whether any was broken."""
    repaired, broken = [], False
    for label, href in links:
        decoded = unquote(href)
        if href.startswith("#") or re.fullmatch(r"[a-z][a-z0-9+.-]*:[^\s\[\]]*", decoded, re.IGNORECASE):
            repaired.append((label, href))
            continue
        broken = True
        repaired += [(label, url) for url in BARE_URL.findall(decoded)]
    return repaired, broken


class _ListParser:
    """One pass over the token stream; keeps the heading stack and collects records."""

    def __init__(self, text: str, file: str, vocab: Vocabulary) -> None:
        self.md = MarkdownIt("commonmark").enable("table").enable("strikethrough")
        self.text = text
        self.lines = text.splitlines()
        self.file = file
        self.vocab = vocab
        self.headings: list[tuple[int, str, int]] = []  # (level, title, line)
        self.entries: list[Entry] = []
        self.datasets: list[DatasetEntry] = []
        self.metrics: list[MetricEntry] = []
        self.warnings: list[ParseWarning] = []
        self.section_counts: dict[int, int] = {}
        self.sections: list[tuple[str, int, int]] = []

    # -- driver -----------------------------------------------------------------------------

    def run(self, sha256: str) -> ParsedList:
        tokens = self.md.parse(self.text)
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.type == "heading_open":
                self._heading(token, tokens[i + 1])
            elif token.type == "table_open":
                i = self._table(tokens, i)
            elif token.type == "list_item_open":
                self._list_item(tokens, i)
            i += 1
        return ParsedList(
            file=self.file,
            sha256=sha256,
            entries=tuple(self.entries),
            datasets=tuple(self.datasets),
            metrics=tuple(self.metrics),
            sections=tuple(self._sections()),
            warnings=tuple(self.warnings),
        )

    def _sections(self) -> list[Section]:
        result = []
        for title, line, level in self.sections:
            count = self.section_counts.get(line, 0)
            kind = self._section_kind_of(title)
            if kind == "papers" and not count:
                kind = "other"
            result.append(Section(title=title, line=line, level=level, kind=kind, entries=count))
        return result

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ParseWarning(self.file, line, message))

    # -- headings ---------------------------------------------------------------------------

    def _heading(self, token: Token, inline: Token) -> None:
        level = int(token.tag[1:])
        title = self.parse_inline(inline.content).text or inline.content.strip()
        line = token.map[0] + 1 if token.map else 0
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        self.headings.append((level, title, line))
        self.sections.append((title, line, level))

    @staticmethod
    def _section_kind_of(title: str) -> str:
        lowered = title.lower()
        if "dataset" in lowered:
            return "datasets"
        if "metric" in lowered:
            return "metrics"
        if NON_PAPER_HEADINGS.search(lowered):
            return "other"
        return "papers"

    @property
    def section_kind(self) -> str:
        return self._section_kind_of(self.headings[-1][1]) if self.headings else "papers"

    @property
    def section(self) -> str:
        return self.headings[-1][1] if self.headings else ""

    def _count(self) -> None:
        line = self.headings[-1][2] if self.headings else 0
        self.section_counts[line] = self.section_counts.get(line, 0) + 1

    def heading_year(self) -> int | None:
        """The year a heading carries ("## 2023", "### 2021 papers"), innermost first."""
        for _, title, _ in reversed(self.headings):
            match = YEAR.search(title)
            if match and len(title.split()) <= 3:
                return int(match.group(1))
        return None

    def category(self) -> str | None:
        """The innermost heading below the top level that is a topic rather than a year."""
        for level, title, _ in reversed(self.headings):
            is_year = YEAR.search(title) is not None and len(title.split()) <= 2
            if level >= 2 and not is_year:
                return title
        return None

    # -- inline cells -----------------------------------------------------------------------

    def parse_inline(self, source: str) -> Cell:
        """Plain text, links and code spans of an inline markdown fragment, and whether it is broken."""
        cell = Cell(text="")
        outside: list[str] = []
        label: list[str] | None = None
        href = ""
        for child in self._inline_children(source):
            if child.type == "link_open":
                label, href = [], str(child.attrs.get("href", ""))
            elif child.type == "link_close" and label is not None:
                cell.links.append(("".join(label).strip(), href))
                label = None
            elif child.type in ("text", "code_inline", "softbreak", "hardbreak"):
                content = child.content if child.type in ("text", "code_inline") else " "
                if child.type == "code_inline":
                    cell.code_spans.append(content)
                (label if label is not None else outside).append(content)
            elif child.type == "image":
                outside.append("")
        leftover = "".join(outside)
        cell.text = " ".join(leftover.split())
        cell.links, broken_href = _repair_hrefs(cell.links)
        # URLs markdown-it did not see as links: bare URLs, and those inside broken link syntax.
        seen = {href for _, href in cell.links}
        for match in BARE_URL.finditer(source):
            url = match.group(0)
            if not any(url.rstrip(").,;") in s or s in url for s in seen):
                cell.links.append(("", url))
                seen.add(url)
        stray = re.sub(r"https?://\S+", "", leftover)
        cell.malformed = (
            stray.count("[") != stray.count("]")
            or stray.count("(") != stray.count(")")
            or "](" in stray
            or any("[" in lbl or "](" in lbl or "http" in lbl for lbl, _ in cell.links)
            or broken_href
        )
        cell.placeholder = cell.text.lower() in PLACEHOLDERS or any(
            PLACEHOLDER_LABEL.search(lbl) for lbl, _ in cell.links
        )
        return cell

    def _inline_children(self, source: str) -> list[Token]:
        tokens = self.md.parseInline(source)
        return list(tokens[0].children or []) if tokens else []

    def make_links(self, cell: Cell, column: LinkColumn) -> list[Link]:
        return [
            make_link(href, label, column)
            for label, href in cell.links
            if href.lower().startswith(("http://", "https://"))
        ]

    # -- tables -----------------------------------------------------------------------------

    def _table(self, tokens: list[Token], start: int) -> int:
        """Parse the table starting at tokens[start]; returns the index of its table_close."""
        end = start
        while tokens[end].type != "table_close":
            end += 1
        rows = [t.map for t in tokens[start:end] if t.type == "tr_open" and t.map]
        if not rows:
            return end
        header = split_row(self.lines[rows[0][0]])
        roles = [column_role(h) for h in header]
        kind = self.section_kind
        if "metric" in roles or (kind == "metrics" and "title" not in roles):
            handler = self._metric_row
        elif kind == "datasets" and "title" not in roles:
            handler = self._dataset_row
        else:
            if "title" not in roles:
                roles = self._guess_title_column(roles, rows[0][0] + 1)
            handler = self._paper_row
        for row_map in rows[1:]:
            line_no = row_map[0] + 1
            raw = self.lines[row_map[0]]
            cells = split_row(raw)
            if not any(cells):
                self.warn(line_no, "empty table row skipped")
                continue
            handler(line_no, raw, cells, roles)
        return end

    def _guess_title_column(self, roles: list[str | None], line: int) -> list[str | None]:
        """A paper table whose title column has no known header: "Paper" holds titles when no other
        column does; failing that, the first unknown column."""
        guessed = list(roles)
        for wanted in ("paper", None):
            if wanted in guessed:
                guessed[guessed.index(wanted)] = "title"
                self.warn(line, f"table has no title column; using column {guessed.index('title') + 1} as titles")
                return guessed
        self.warn(line, "table has no title column; its rows are read as titles from the first column")
        return ["title", *guessed[1:]]

    def _paper_row(self, line: int, raw: str, cells: list[str], roles: list[str | None]) -> None:
        flags: list[EntryFlag] = []
        if len(cells) > len(roles):
            flags.append("extra_cells")
            self.warn(line, f"row has {len(cells)} cells, header has {len(roles)}; extra cells kept as links")
        title_cell = Cell(text="")
        venue_raw = ""
        year_cell: int | None = None
        keywords: list[str] = []
        datasets: list[str] = []
        links: list[Link] = []
        for index, source in enumerate(cells):
            role = roles[index] if index < len(roles) else None
            cell = self.parse_inline(source)
            if cell.malformed:
                flags.append("malformed_markdown")
            if cell.placeholder and role not in ("keywords", "dataset"):
                flags.append("placeholder")
            if role == "title":
                title_cell = cell
                links += self._bullet_links(cell, default="title")
            elif role == "venue":
                venue_raw = source
            elif role == "year":
                match = YEAR.search(cell.text)
                year_cell = int(match.group(1)) if match else None
            elif role in ("keywords", "dataset"):
                items = [i.strip() for i in re.split(r"[,;/]", cell.text) if i.strip()]
                items = [i for i in items if i.lower() not in PLACEHOLDERS]
                (keywords if role == "keywords" else datasets).extend(items)
                links += self.make_links(cell, "dataset" if role == "dataset" else "other")
            elif role in ("paper", "code", "project"):
                links += self.make_links(cell, role)
            elif role == "links":
                links += self._bullet_links(cell, default="paper")
            else:
                links += self.make_links(cell, "other")
        self._add_entry(line, raw, title_cell, venue_raw, year_cell, links, keywords, datasets, flags)

    def _add_entry(
        self,
        line: int,
        raw: str,
        title_cell: Cell,
        venue_raw: str,
        year_cell: int | None,
        links: list[Link],
        keywords: list[str],
        datasets: list[str],
        flags: list[EntryFlag],
    ) -> None:
        title = self._title_from(title_cell)
        if not title:
            flags.append("missing_title")
            self.warn(line, "row has no title")
        venue = self.vocab.parse_venue(venue_raw)
        if venue.kind == "unknown" and venue.family:
            flags.append("unknown_venue")
            self.warn(line, f"unknown venue {venue.raw!r} kept as written")
        self.entries.append(
            Entry(
                file=self.file,
                line=line,
                section=self.section,
                headings=tuple(title for _, title, _ in self.headings),
                raw=raw,
                title=title,
                venue=venue,
                year=venue.year or year_cell or self.heading_year(),
                links=tuple(links),
                keywords=tuple(keywords),
                datasets=tuple(datasets),
                category=self.category(),
                flags=tuple(dict.fromkeys(flags)),
            )
        )
        self._count()

    @staticmethod
    def _title_from(cell: Cell) -> str:
        """The title of a title cell: its text, or the text of the link it is written as."""
        if cell.text:
            return cell.text
        named = [label for label, _ in cell.links if label and not GENERIC_LABELS.match(label)]
        return " ".join(named[0].split()) if named else ""

    def _bullet_links(self, cell: Cell, default: LinkColumn) -> list[Link]:
        """Links of a mixed cell or bullet: the column is told by the link's label."""
        links = []
        for label, href in cell.links:
            if not href.lower().startswith(("http://", "https://")):
                continue
            column: LinkColumn = default
            if CODE_LABEL.search(label):
                column = "code"
            elif PROJECT_LABEL.search(label):
                column = "project"
            elif GENERIC_LABELS.match(label):
                column = "paper"
            links.append(make_link(href, label, column))
        return links

    # -- datasets and metrics ---------------------------------------------------------------

    def _dataset_row(self, line: int, raw: str, cells: list[str], roles: list[str | None]) -> None:
        name_cell = self.parse_inline(cells[0])
        links = [link for source in cells for link in self.make_links(self.parse_inline(source), "dataset")]
        self._add_dataset(line, raw, name_cell.text or self._title_from(name_cell), links, name_cell.malformed)

    def _add_dataset(self, line: int, raw: str, text: str, links: list[Link], malformed: bool) -> None:
        text = text.strip(" .,:;-[]")
        year_match = YEAR.search(text)
        year = int(year_match.group(1)) if year_match else None
        name = YEAR.sub("", text).strip(" .,:;-") if year_match else text
        if not name:
            self.warn(line, "dataset item has no name")
        flags: tuple[EntryFlag, ...] = ("malformed_markdown",) if malformed else ()
        self.datasets.append(DatasetEntry(self.file, line, self.section, raw, name, year, tuple(links), flags))
        self._count()

    def _metric_row(self, line: int, raw: str, cells: list[str], roles: list[str | None]) -> None:
        parsed = [self.parse_inline(c) for c in cells]
        head = parsed[0].text if parsed else ""
        match = re.match(r"\s*([^()]+?)\s*\((.*)\)\s*[-–]?\s*$", head)
        abbreviation, name = (match.group(1), match.group(2)) if match else (head.strip(" -"), "")
        reference = parsed[1].text if len(parsed) > 1 and parsed[1].text not in PLACEHOLDERS else ""
        links = [link for cell in parsed for link in self.make_links(cell, "paper")]
        self.metrics.append(
            MetricEntry(self.file, line, self.section, raw, abbreviation.strip(), " ".join(name.split()),
                        " ".join(reference.split()), tuple(links))
        )
        self._count()

    # -- bullet lists -----------------------------------------------------------------------

    def _list_item(self, tokens: list[Token], start: int) -> None:
        """A bullet: a dataset in a datasets section, a paper when it looks like one, else nothing."""
        item = tokens[start]
        inline = next(
            (t for t in tokens[start + 1 : start + 4] if t.type == "inline"), None
        )
        if inline is None or not item.map:
            return
        line = item.map[0] + 1
        raw = self.lines[item.map[0]]
        cell = self.parse_inline(inline.content)
        kind = self.section_kind
        if kind == "datasets":
            self._add_dataset(line, raw, cell.text.split("[")[0], self.make_links(cell, "dataset"),
                              cell.malformed)
            return
        if kind != "papers" or any(href.startswith("#") for _, href in cell.links):
            return
        self._paper_bullet(line, raw, cell)

    def _paper_bullet(self, line: int, raw: str, cell: Cell) -> None:
        """`1. [Abbrev] [Title](url), `CVPR 2023`. [[Code](url)]` and its variants."""
        venue_raw = next(
            (span for span in cell.code_spans if self.vocab.parse_venue(span).kind != "unknown"), ""
        )
        if not venue_raw:
            found = re.search(r"\b([A-Za-z][A-Za-z&\- ]{1,20}?)\s*['(]?\s*((?:19|20)\d\d)\)?", cell.text)
            if found and self.vocab.venue_family(found.group(1)):
                venue_raw = found.group(0)
        title_links = [(lbl, href) for lbl, href in cell.links if lbl and not GENERIC_LABELS.match(lbl)]
        if title_links:
            title = " ".join(title_links[0][0].split())
        else:
            text = cell.text
            for span in cell.code_spans:
                text = text.replace(span, " ")
            title = re.sub(r"^\s*(\[[^\]]*\]\s*)+", "", text).strip(" ,.;:-[]()")
        http_links = [href for _, href in cell.links if href.lower().startswith(("http://", "https://"))]
        looks_like_paper = bool(http_links) and (bool(venue_raw) or len(title.split()) >= 3)
        if not looks_like_paper:
            return
        links = []
        for label, href in cell.links:
            if not href.lower().startswith(("http://", "https://")):
                continue
            if title_links and (label, href) == title_links[0]:
                links.append(make_link(href, label, "title"))
            else:
                links += self._bullet_links(Cell(text="", links=[(label, href)]), default="paper")
        flags: list[EntryFlag] = (["malformed_markdown"] if cell.malformed else []) + (
            ["placeholder"] if cell.placeholder else []
        )
        self._add_entry(line, raw, Cell(text=title), venue_raw, None, links, [], [], flags)
