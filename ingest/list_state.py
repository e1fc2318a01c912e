"""The state of reading one list: the heading stack above the current line and the records read so far.

Headings decide what the rows under them are (their kind, year, venue and topic); `add_entry`, `add_dataset`
and `add_metric` turn what a row reader found into records, with the headings' context, and warn about what
they cannot read. ingest/parse.py walks the markdown and hands tables and bullets to their readers.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from ingest.cells import Cell, read_cell
from ingest.inline import Piece, RowReader, RowText
from kg.core.headings import PSEUDO_HEADING_LEVEL, heading_words, heading_year, is_navigation, named_section_kind
from kg.core.links import make_link, venue_of_link
from kg.core.model import DatasetEntry, Entry, EntryFlag, Link, LinkColumn, MetricEntry, ParseWarning
from kg.core.vocab import YEAR, Vocabulary

NAME_BEFORE_YEAR = re.compile(r"([A-Za-z][\w&-]*(?:\s+[A-Za-z][\w&-]*){0,2})\s*'?((?:19|20)\d\d)\b")
"""Up to three words and the year after them, in a title: where a venue and its year may be named."""
MAX_VENUE_HEADING_WORDS = 4
"""Words of a heading that may name the venue of the rows under it ("### 2020 ECCV")."""


class ListState:
    """What the reader of one list knows at a point of it (the text's lines, the heading stack) and what it
    has read so far (entries, data sets, metrics, warnings). The readers of tables (ingest/tables.py) and of
    bullets and paragraphs (ingest/bullets.py) read cells through it and add their rows to it."""

    def __init__(self, text: str, file: str, vocab: Vocabulary) -> None:
        self.md = MarkdownIt("commonmark").enable("table").enable("strikethrough")
        self.text = text
        self.lines = text.splitlines()
        self.file = file
        self.vocab = vocab
        self.reader = RowReader(vocab)
        self.headings: list[tuple[int, str, int]] = []  # (level, title, line)
        self.entries: list[Entry] = []
        self.datasets: list[DatasetEntry] = []
        self.metrics: list[MetricEntry] = []
        self.warnings: list[ParseWarning] = []
        self.section_counts: dict[int, int] = {}
        self.sections: list[tuple[str, int, int]] = []
        self.title_line = 0
        """The line of the list's title: its first heading, when of level 1."""
        self.list_venue = ""
        """The venue and year the list's title names ("Awesome ICML 2024 Graph Paper Collection"): every row's
        unless the row or a heading names another."""
        self.named_by_bold: set[int] = set()
        """Lines of bold names already read as a paper from the links in a bullet below them."""

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ParseWarning(self.file, line, message))

    def _venue_named_in(self, title: str) -> str:
        """A venue the vocabulary knows and its year, named inside a title ("Collections Specially for CVPR 2019")."""
        for match in NAME_BEFORE_YEAR.finditer(title):
            words = match.group(1).split()
            for size in range(len(words), 0, -1):
                if self.vocab.parse_venue(f"{' '.join(words[-size:])} {match.group(2)}").known_and_dated:
                    return f"{' '.join(words[-size:])} {match.group(2)}"
        return ""

    def push_heading(self, level: int, title: str, line: int) -> None:
        if not self.sections and level == 1:
            self.title_line = line
            self.list_venue = self._venue_named_in(title)
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        self.headings.append((level, title, line))
        self.sections.append((title, line, level))

    @property
    def kind_heading(self) -> str | None:
        """The innermost heading that names a kind of rows; a year heading and a topic heading name none,
        and bold text used as a heading gives a year or a category, never a kind."""
        innermost = self.headings[-1][2] if self.headings else None
        for level, title, line in reversed(self.headings):
            if line != innermost and is_navigation(title):
                continue  # "## Contents" over the sections themselves ("### Optimization"): not their kind
            # the list's title names the whole list ("Awesome X: Papers, Codes and Datasets"), no section
            if (heading_year(title) is None and level != PSEUDO_HEADING_LEVEL and line != self.title_line
                    and named_section_kind(title)):
                return title
        return None

    @property
    def section_kind(self) -> str:
        """The kind of the rows here: the kind their innermost kind-naming heading names, else papers."""
        heading = self.kind_heading
        return (named_section_kind(heading) if heading else None) or "papers"

    @property
    def section(self) -> str:
        return self.headings[-1][1] if self.headings else ""

    def _count(self) -> None:
        line = self.headings[-1][2] if self.headings else 0
        self.section_counts[line] = self.section_counts.get(line, 0) + 1

    def heading_year(self) -> int | None:
        """The year the innermost year heading stands for."""
        for _, title, _ in reversed(self.headings):
            year = heading_year(title)
            if year is not None:
                return year
        return None

    def heading_venue(self) -> str:
        """The venue the innermost heading of a few words names, when the vocabulary knows it ("### 2020
        ECCV", "## CVPR 2023"): lists grouped by venue give it there, not in each row."""
        for _, title, _ in reversed(self.headings):
            if len(heading_words(title)) <= MAX_VENUE_HEADING_WORDS and self.vocab.parse_venue(title).kind != "unknown":
                return title
        return ""

    def category(self) -> str | None:
        """The innermost heading below the top level that is a topic rather than a year."""
        for level, title, _ in reversed(self.headings):
            if level >= 2 and heading_year(title) is None and YEAR.search(title) is None:
                return title
        return None

    def cell(self, source: str) -> Cell:
        """A cell or bullet's inline markdown, read (ingest/cells.py)."""
        return read_cell(source, self.md)

    def web_links(self, line: int, cell: Cell) -> list[tuple[str, str]]:
        """The cell's links to web addresses; a link to anything else is warned about and left out
        (anchors within the list are navigation and left out silently)."""
        for target in cell.unsafe_links:
            self.warn(line, f"link to {target!r} dropped: only web addresses are kept")
        for tag in cell.stripped_html:
            self.warn(line, f"inline HTML {tag[:60]!r} left out of the row")
        cell.unsafe_links, cell.stripped_html = [], []  # said once
        kept = []
        for label, href in cell.links:
            if href.lower().startswith(("http://", "https://")):
                kept.append((label, href))
            elif href and not href.startswith("#"):
                self.warn(line, f"link {label!r} points to {href[:80]!r}, which is not a web address; left out")
        return kept

    def make_links(self, line: int, cell: Cell, column: LinkColumn) -> list[Link]:
        return [make_link(href, label, column) for label, href in self.web_links(line, cell)]

    def read_row(self, line: int, cell: Cell, default: LinkColumn) -> RowText:
        """The RowText of a cell or bullet, with links that are not web addresses warned about."""
        web = set(self.web_links(line, cell))
        # A link to no web address still shows its label: "[Title]()" is a title with no link.
        pieces = [p if p.kind != "link" or (p.text, p.href) in web or p.href.startswith("#") else
                  Piece("text", p.text, strong=p.strong) for p in cell.pieces]
        return self.reader.read(pieces, default)

    @staticmethod
    def links_of(row: RowText) -> list[Link]:
        return [make_link(href, label, column) for label, href, column in row.links
                if href.lower().startswith(("http://", "https://"))]

    def venue_from_tags(self, tags: list[str]) -> str:
        """The venue a row's tags name: the first the vocabulary knows with a year, else the first with a
        year ("[ML4H 2023 / arXiv:2307.15189](url)"), else the first it knows ("[arxiv](url) ... (ICLR 2016)":
        a link label naming a host says less than a venue and its year), else the first that is more than a
        year ("**[2025]** Title. [PDF](..). *ACM CSUR*."), else the first tag."""
        venues = [(tag, self.vocab.parse_venue(tag)) for tag in tags]
        dated = [tag for tag, venue in venues if venue.kind != "unknown" and venue.year is not None]
        dated_unknown = [tag for tag, venue in venues if venue.family and venue.year is not None]
        known = [tag for tag, venue in venues if venue.kind != "unknown"]
        named = [tag for tag in tags if tag and not YEAR.fullmatch(tag)]
        return (dated or dated_unknown or known or named or [tag for tag in tags if tag] or [""])[0]

    def add_entry(
        self,
        line: int,
        raw: str,
        title: str,
        venue_raw: str,
        year_cell: int | None,
        links: list[Link],
        keywords: list[str],
        datasets: list[str],
        flags: list[EntryFlag],
    ) -> None:
        if not title:
            flags.append("missing_title")
            self.warn(line, "row has no title")
        venue = self.vocab.parse_venue(venue_raw)
        heading = self.vocab.parse_venue(self.heading_venue())
        # A heading that names where the papers under it appeared ("**2014 ECCV**") says more than a row's
        # arXiv link or note: the arXiv copy of a paper published there.
        if heading.family and (venue.family is None or (venue.kind == "preprint" and heading.kind != "preprint")):
            venue = heading
        if venue.family is None and year_cell is None and self.list_venue:
            venue = self.vocab.parse_venue(self.list_venue)
        # a row and headings that name no venue nor year, or only the preprint, may link a paper whose address
        # names where it appeared (CVF's open access: content_CVPR_2019/); a year the row gives stays its own
        # ("2024" beside a WACV 2025 link)
        named = next(filter(None, map(venue_of_link, links)), "")
        if named and ((venue.family is None and year_cell is None) or venue.kind == "preprint"):
            venue = self.vocab.parse_venue(named)
        if venue.kind == "unknown" and venue.family:
            flags.append("unknown_venue")
            self.warn(line, f"unknown venue {venue.raw!r} kept as written")
        elif venue.readings:  # also behind a decoration: "Arix 2024 Oral"
            self.warn(line, f"venue {venue.raw!r}: {'; '.join(venue.readings)}")
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


    def add_dataset(self, line: int, raw: str, text: str, links: list[Link], malformed: bool,
                     year: int | None = None) -> None:
        text = text.strip(" .,:;-[]*")
        year_match = YEAR.search(text)
        year = year or (int(year_match.group(1)) if year_match else None)
        name = YEAR.sub("", text).strip(" .,:;-()") if year_match else text
        if not name:
            self.warn(line, "dataset item has no name")
        flags: tuple[EntryFlag, ...] = ("malformed_markdown",) if malformed else ()
        self.datasets.append(DatasetEntry(self.file, line, self.section, raw, name, year, tuple(links), flags))
        self._count()

    def add_metric(self, line: int, raw: str, head: str, reference: str, links: list[Link]) -> None:
        match = re.match(r"\s*([^()]+?)\s*\((.*)\)\s*[-–:]?\s*(.*)$", head)
        abbreviation, name = (match.group(1), match.group(2)) if match else (head.strip(" -:"), "")
        if not match and re.search(r"\s*[:–]\s|\s-\s", head):
            abbreviation, _, name = re.split(r"(\s*[:–]\s|\s-\s)", head, maxsplit=1)
        self.metrics.append(
            MetricEntry(self.file, line, self.section, raw, abbreviation.strip(" *"), " ".join(name.split()),
                        " ".join(reference.split()), tuple(links))
        )
        self._count()
