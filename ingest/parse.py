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
import stat
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ingest.inline import ET_AL, NAME_AND_YEAR, QUOTED, Piece, RowReader, RowText, label_role, visible_pieces, year_of
from kg.core import settings
from kg.core.errors import UserError
from kg.core.headings import (
    heading_words,
    heading_year,
    is_navigation,
    named_section_kind,
    names_papers,
    names_software_beside_data,
    section_kind,
)
from kg.core.links import BARE_URL, is_pdf, make_link
from kg.core.model import (
    CODE_HOSTS,
    PAPER_KINDS,
    SOURCE_HOSTS,
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
from kg.core.rows import (
    PLACEHOLDER_LABEL,
    TRAILING_NAME,
    column_role,
    names_tagged,
    scores_table,
    split_row,
    table_roles,
)
from kg.core.vocab import ARXIV_NUMBER, PLACEHOLDERS, UNDER_REVIEW, YEAR, Vocabulary, alias_key

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".txt", ""})

MAX_VENUE_HEADING_WORDS = 4
"""Words of a heading that may name the venue of the rows under it ("### 2020 ECCV")."""
NAME_AND_YEAR_LINE = re.compile(r"[*_]*[A-Z][\w&.'’ -]{1,60}?[*_]*,?\s*(?:'\d\d|(?:19|20)\d\d)[.\s]*")
"""A citation's line naming only where and when: "Communications of the ACM, 1995", "SIGMOD'08", "*ICCV*, 2021"."""
BLOCK_LABEL = re.compile(r"\s+(?:key\s+)?(?:features|highlights|overview|details)$", re.IGNORECASE)
"""Words after a name in bold that introduce the bullets below it ("**ViTPose Key Features:**")."""
MAX_CITATION_SUB_ITEMS = 3
"""Sub-items a paper's citation may take (authors, venue, year) when they are no rows of their own."""
MAX_RESOURCE_LABEL_WORDS = 3
"""Words of a link label that names a resource ("Python Reference"), not a work."""
NAME_BEFORE_TITLE = re.compile(r"\s*(?:[\w.+\-]+(?:\s[\w.+\-]+){0,3}\s*[:,]|\d{1,3}\s*[、.)])\s*")
"""A method's name, or a number, set before a paragraph's linked title: "Blur integrated gradient: ", "1、"."""
NOT_A_PAPER_VENUE = re.compile(r"\b(?:tutorials?|courses?|talks?|slides|lectures?|keynotes?)\b", re.IGNORECASE)
"""Words that make a venue the occasion of something other than a paper: "ACL 2016 Tutorial"."""
# A list item that opens with a date is news ("2024.03.01: v2 released", "[2023/10] ...").
NEWS_ITEM = re.compile(r"^\W{0,3}\d{4}[./-]\d{1,2}(?:[./-]\d{1,2})?\b")
# Bold paragraphs used as headings sit below every real heading level.
PSEUDO_HEADING_LEVEL = 7
MAX_BOLD_HEADING_WORDS = 8
EMPTY_LINK = re.compile(r"\[\s*\]\(\s*\)")
ALMOST_LIST_ITEM = re.compile(r"^\s{0,3}-[\[【(*`]")
# Link targets markdown-it refuses to make links of (and so would drop without a word).
UNSAFE_LINK = re.compile(
    r"\[(?P<label>[^\[\]]*)\]\(\s*(?P<target>(?:javascript|vbscript|data|file):(?:[^()\s]|\([^()]*\))*)\)",
    re.IGNORECASE,
)
# Inline tags that only format text; any other inline HTML is left out of the row with a warning.
FORMATTING_TAG = re.compile(r"</?(?:b|i|em|strong|sup|sub|span|font|u|s|del|code|small|big|mark|a|img|p|div|center)\b",
                            re.IGNORECASE)
ENUMERATION = re.compile(r"(?:^|(?<=\s))\w\)")
HTML_TAG = re.compile(r"<[^<>]+>")
PRE_OPEN, PRE_CLOSE = re.compile(r"<pre\b", re.IGNORECASE), re.compile(r"</pre\s*>", re.IGNORECASE)
HTML_HEADING = re.compile(r"\s*<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.IGNORECASE)
VIDEO_HOSTS = ("youtube.com", "youtu.be", "bilibili.com", "vimeo.com")
# A venue cell that says the row is a data set, not a paper.
DATASET_VENUES = frozenset({"dataset", "datasets", "benchmark", "data"})
# A day and month between a venue's name and its year in running text ("arxiv, 17 Jan 2019", "NeurIPS, Dec. 2021").
MONTH = (r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
         r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
DAY_AND_MONTH = re.compile(rf"[\s,]*(?:\d{{1,2}}\s+{MONTH}|{MONTH}(?:\s+\d{{1,2}})?)[\s,]*$", re.IGNORECASE)
ARXIV_NUMBER_BEFORE_YEAR = re.compile(r"(?:arxiv\s*:\s*)?\d{4}\.\d{4,5}(?:v\d+)?[\s,]*$", re.IGNORECASE)
# A bullet reads as a paper when its title has this many words, or fewer with a venue or a paper link.
MIN_BULLET_TITLE_WORDS = 3


def _dated(cell: Cell) -> bool:
    """Whether a row opens with a date ("2023-05", "[2024/12/07]"): news, or a log of papers added."""
    first = next(iter(visible_pieces(cell.pieces)), None)
    return first is not None and first.kind == "text" and bool(NEWS_ITEM.match(first.text))


def _links_its_paper(read: RowText, links: list[Link]) -> bool:
    """Whether a row's title, of four or more words, links the paper itself on arXiv: a paper, whatever the
    heading above it or the date before it says."""
    return (read.title_link is not None and len(read.title.split()) > MIN_BULLET_TITLE_WORDS
            and any(link.column == "title" and link.arxiv_id for link in links))


def _title_links_a_note(cell: Cell) -> bool:
    """Whether a row's title links a page of the list's own repository (`[Double DQN](DDQN.md)`): the
    list's note on the paper, which stands for a link when deciding that the row names a paper."""
    first = next(iter(visible_pieces(cell.pieces)), None)
    return (first is not None and first.kind == "link" and bool(first.href)
            and not first.href.startswith("#") and urlsplit(first.href).scheme == "")


def _badge_text(src: str) -> str:
    """What a shields.io badge says, read from its address (`img.shields.io/badge/ICLR_2022-5291C8` says "ICLR
    2022": `_` is a space, the last part a colour); "" for any other image."""
    parts = urlsplit(src)
    if not parts.netloc.endswith("shields.io") or not parts.path.startswith("/badge/"):
        return ""
    words = unquote(parts.path.removeprefix("/badge/")).replace("--", "\x00").split("-")[:-1]  # drop the colour
    return " ".join(" ".join(words).replace("__", "\x01").replace("_", " ").replace("\x00", "-")
                    .replace("\x01", "_").split())


def _cell_words(cell: Cell) -> str:
    """What a cell says: its text, or the labels of its links when it holds links alone ("[Image quality ...](url)")."""
    return cell.text or " ".join(label for label, _ in cell.links if label)


def _text_before_links(cell: Cell) -> str:
    """The row's words before its first link: "Neural Networks 2020" in "Neural Networks 2020 [Title](url)"."""
    before = []
    for piece in visible_pieces(cell.pieces):
        if piece.kind != "text":
            break
        before.append(piece.text)
    return " ".join(" ".join(before).split())


def _cites_in_quotes(cell: Cell) -> bool:
    """Whether a paragraph is a citation: authors, the title in quotes, then a link to the paper
    (`Jialin Liu, Fei Chao. "Task Level Data Augmentation for Meta-Learning." ICLR(2021). [[pdf]](url)`)."""
    quoted = QUOTED.search(cell.text)
    if quoted is None or len(quoted.group(1).split()) < MIN_BULLET_TITLE_WORDS:
        return False
    links = [make_link(href, label, "paper") for label, href in cell.links if href.startswith(("http:", "https:"))]
    return bool(_paper_links(links))


def _code_by_its_label(link: Link) -> Link:
    """A link labelled as code to a code host, in a column of something else, is code: "| Project |" holding
    "[Website](url), [GitHub](https://github.com/owner/repo)"."""
    return replace(link, column="code") if label_role(link.label) == "code" and link.kind in CODE_HOSTS else link


def _is_bold_heading(cell: Cell) -> bool:
    """A paragraph of bold text alone (an emoji beside it aside: "**OpenPose** 🌟"), short enough to be a
    heading."""
    visible = [p for p in visible_pieces(cell.pieces) if p.kind != "text" or p.strong or re.search(r"\w", p.text)]
    return (bool(visible) and all(p.kind == "text" and p.strong for p in visible)
            and len(cell.text.split()) <= MAX_BOLD_HEADING_WORDS)


def _paper_links(links: list[Link]) -> list[Link]:
    """Links that point to a paper: arXiv, paper hosts and PDFs anywhere, anything but code in a paper
    column. (A link in a mixed "Links" column is no sign that a row is a paper: tools are linked so too.)"""
    return [link for link in links
            if link.kind in PAPER_KINDS or is_pdf(link.url)
            or (link.column in ("paper", "title") and link.kind not in CODE_HOSTS)]


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
    pieces: list[Piece] = field(default_factory=list)
    stripped_html: list[str] = field(default_factory=list)
    unsafe_links: list[str] = field(default_factory=list)


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
    return _ListParser(text, file, vocab).run(sha256)


def _repair_hrefs(links: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], bool]:
    """Links whose destination is itself broken markdown (`[paper]([url1](url2))`) are replaced by
    the URLs inside it, each with the link's label; the flag says whether any was broken."""
    repaired, broken = [], False
    for label, href in links:
        decoded = unquote(href)
        # Only link syntax inside a destination makes it broken; a space written as %20, or brackets in a
        # query ("?_iepl%5Bcontexts%5D=..."), do not.
        if not re.search(r"\]\(|\[\s*https?:", decoded):
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
        self.named_by_bold: set[int] = set()
        """Lines of bold names already read as a paper from the links in a bullet below them."""

    # -- driver -----------------------------------------------------------------------------

    def run(self, sha256: str) -> ParsedList:
        self._walk(self.md.parse(self.text))
        for number, line in enumerate(self.lines, start=1):
            if ALMOST_LIST_ITEM.match(line):
                self.warn(number, "line starts like a list item but has no space after the dash; "
                                  "markdown reads it as part of the text above")
        return ParsedList(
            file=self.file,
            sha256=sha256,
            entries=tuple(self.entries),
            datasets=tuple(self.datasets),
            metrics=tuple(self.metrics),
            sections=tuple(self._sections()),
            warnings=tuple(self.warnings),
        )

    def _walk(self, tokens: list[Token]) -> None:
        i = 0
        list_depth = 0
        while i < len(tokens):
            token = tokens[i]
            if token.type == "heading_open":
                self._heading(token, tokens[i + 1])
            elif token.type == "table_open":
                i = self._table(tokens, i)
            elif token.type == "list_item_open":
                i = self._list_item(tokens, i)
            elif token.type in ("bullet_list_open", "ordered_list_open"):
                list_depth += 1
            elif token.type in ("bullet_list_close", "ordered_list_close"):
                list_depth -= 1
            elif token.type == "paragraph_open" and not list_depth and token.map:
                self._paragraph(token, tokens[i + 1])
            elif token.type == "html_block" and token.map:
                self._html_block(token)
            i += 1

    def _html_block(self, token: Token) -> None:
        """Markdown inside an HTML block (`<details><summary>..</summary>` followed by a list) is read as
        markdown: tags are taken off the lines that open with one and the rest parsed in place. A heading
        tag (`<h2>..</h2>`) is a heading. Comments stay unread."""
        start, end = token.map or (0, 0)
        if token.content.lstrip().startswith("<!--"):
            return
        first = start
        for index in range(start, end):
            heading = HTML_HEADING.match(self.lines[index])
            if heading:  # `<h3 id="general">🧩 Analysis In General</h3>`: a heading written in HTML
                self._html_lines(first, index)
                self._push_heading(int(heading.group(1)), " ".join(HTML_TAG.sub("", heading.group(2)).split()),
                                   index + 1)
                first = index + 1
        self._html_lines(first, end)

    def _html_lines(self, start: int, end: int) -> None:
        """Lines start..end of an HTML block, without their tags, parsed as markdown in place; preformatted
        text (`<pre><code>@article{...}</code></pre>`, a BibTeX entry) is left out, as a fenced block is."""
        lines, preformatted = [], False
        for line in self.lines[start:end]:
            preformatted = preformatted or bool(PRE_OPEN.search(line))
            if preformatted:
                lines.append("")
                preformatted = not PRE_CLOSE.search(line)
                continue
            lines.append(HTML_TAG.sub("", line) if line.lstrip().startswith("<") else line)
        if not any(line.strip() for line in lines):
            return
        inner = self.md.parse("\n" * start + "\n".join(lines))
        self._walk([t for t in inner if t.type != "html_block"])

    def _sections(self) -> list[Section]:
        result = []
        for title, line, level in self.sections:
            count = self.section_counts.get(line, 0)
            kind = section_kind(title)
            if kind == "papers" and not count:
                kind = "other"
            result.append(Section(title=title, line=line, level=level, kind=kind, entries=count))
        return result

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ParseWarning(self.file, line, message))

    # -- headings ---------------------------------------------------------------------------

    def _heading(self, token: Token, inline: Token) -> None:
        cell = self.parse_inline(inline.content)
        line = token.map[0] + 1 if token.map else 0
        if self.section_kind == "papers" and self._names_a_paper(line, cell):
            # "##### • Self6D: Self-Supervised ... [\[PDF\]](url)": a heading line written for each paper
            self._paper_bullet(line, self.lines[line - 1], cell)
            return
        self._push_heading(int(token.tag[1:]), cell.text or inline.content.strip(), line)

    def _names_a_paper(self, line: int, cell: Cell) -> bool:
        """Whether a heading is a paper's row: it links the paper itself (arXiv, a publisher, a PDF) beside
        a title of more than three words ("#### [ROS navigation stack](...pdf)" names a group)."""
        read = self.read_row(line, cell, default="paper")
        return (len(read.title.split()) > MIN_BULLET_TITLE_WORDS
                and any(link.kind in PAPER_KINDS or is_pdf(link.url) for link in self._links_of(read)))

    def _push_heading(self, level: int, title: str, line: int) -> None:
        if not self.sections and level == 1:
            self.title_line = line
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

    def _work_among_datasets(self, cell: Cell) -> bool:
        """Whether a row under a heading of datasets is a paper: the heading names papers too ("Datasets,
        Benchmarks & Surveys") and the row's title names a kind of work (a survey, a review); or the heading
        names software too ("HW / SW / Dataset") and the row links an arXiv paper or a PDF and names no data
        set the vocabulary knows (a report on a library: "TensorFlow: Large-scale machine learning ...")."""
        heading = self.kind_heading or ""
        text = " ".join([cell.text, *(label for label, _ in cell.links)])
        if names_papers(heading) and any(self.vocab.concepts[c].kind_of_work for c in self.vocab.concepts_in(text)):
            return True
        links = [make_link(href, label, "paper") for label, href in cell.links]
        return (names_software_beside_data(heading) and not self.vocab.datasets_in(text)
                and any(link.arxiv_id or is_pdf(link.url) for link in links))

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

    # -- inline cells -----------------------------------------------------------------------

    def parse_inline(self, source: str) -> Cell:
        """Plain text, links, code spans and pieces of an inline markdown fragment, and whether it is broken."""
        cell = Cell(text="")
        # A link to a script or inline data is no link: its label stays as text, its target is warned about.
        cell.unsafe_links = [m.group("target") for m in UNSAFE_LINK.finditer(source)]
        source = UNSAFE_LINK.sub(lambda m: m.group("label"), source)
        outside: list[str] = []
        label: list[str] | None = None
        href = ""
        strong = emphasis = 0
        images: set[str] = set()  # badge images are pictures, not links of the row
        for child in self._inline_children(source):
            if child.type == "link_open":
                label, href = [], str(child.attrs.get("href", ""))
            elif child.type == "link_close" and label is not None:
                cell.links.append(("".join(label).strip(), href))
                cell.pieces.append(Piece("link", "".join(label).strip(), href, strong > 0, emphasis > 0))
                label = None
            elif child.type == "strong_open":
                strong += 1
            elif child.type == "strong_close":
                strong = max(0, strong - 1)
            elif child.type == "em_open":
                emphasis += 1
            elif child.type == "em_close":
                emphasis = max(0, emphasis - 1)
            elif child.type in ("text", "code_inline", "softbreak", "hardbreak"):
                content = child.content if child.type in ("text", "code_inline") else " "
                if child.type == "code_inline":
                    cell.code_spans.append(content)
                if label is not None:
                    label.append(content)
                    continue
                outside.append(content)
                if child.type == "code_inline":
                    cell.pieces.append(Piece("code", content))
                elif child.type == "hardbreak":
                    cell.pieces.append(Piece("break", ""))
                else:
                    cell.pieces.append(Piece("text", content, strong=strong > 0, emphasis=emphasis > 0))
            elif child.type == "html_inline":
                if re.match(r"<br\s*/?>", child.content, re.IGNORECASE):
                    cell.pieces.append(Piece("break", ""))
                elif not FORMATTING_TAG.match(child.content):
                    cell.stripped_html.append(child.content)
                outside.append(" ")
            elif child.type == "image":
                images.add(str(child.attrs.get("src", "")))
                outside.append("")
                if label is not None and not child.content.strip():  # a badge of no alt text: its own words
                    label.append(_badge_text(str(child.attrs.get("src", ""))))
        leftover = "".join(outside)
        cell.text = " ".join(leftover.split())
        cell.links, broken_href = _repair_hrefs(cell.links)
        if broken_href:  # the repaired links stand where the first link stood
            first = next(i for i, p in enumerate(cell.pieces) if p.kind == "link")
            others = [p for p in cell.pieces if p.kind != "link"]
            cell.pieces = others[:first] + [Piece("link", lbl, url) for lbl, url in cell.links] + others[first:]
        # URLs markdown-it did not see as links: bare URLs, and those inside broken link syntax.
        # markdown-it percent-encodes what it parses ("Slides/非线性ICP.pdf"), the source keeps the characters
        seen = {form for _, href in cell.links for form in (href, unquote(href))} | images
        for match in BARE_URL.finditer(source):
            url = match.group(0)
            if not any(url.rstrip(").,;") in s or s in url for s in seen):
                cell.links.append(("", url))
                cell.pieces.append(Piece("link", "", url))
                seen.add(url)
        stray = re.sub(r"https?://\S+", "", leftover)
        # Enumerations in prose ("1) ... 2) ...") close no bracket: they excuse extra closing parentheses only.
        extra_closing = stray.count(")") - stray.count("(")
        cell.malformed = (
            stray.count("[") != stray.count("]")
            or not 0 <= extra_closing <= len(ENUMERATION.findall(stray))
            or "](" in stray
            or any(lbl.count("[") != lbl.count("]") or "](" in lbl or "http" in lbl for lbl, _ in cell.links)
            or broken_href
        )
        cell.placeholder = cell.text.lower() in PLACEHOLDERS or any(
            PLACEHOLDER_LABEL.search(lbl) for lbl, _ in cell.links
        )
        return cell

    def _inline_children(self, source: str) -> list[Token]:
        tokens = self.md.parseInline(source)
        return list(tokens[0].children or []) if tokens else []

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
        roles = table_roles(header)
        kind = self.section_kind
        if kind == "other":
            for row_map in rows[1:]:
                self.warn(row_map[0] + 1, f"table row under {self.section!r}, not a section of papers; not read")
            return end
        body_cells = [split_row(self.lines[r[0]]) for r in rows[1:]]
        if "title" in roles:
            roles = self._title_beside_links(header, roles, body_cells)
        # a table of scores ranks models, unless its rows say where each was published: then they are papers
        # that report scores ("| [SEGAN](arxiv) | INTERSPEECH 2017 | 2.16 | 3.48 |")
        if kind == "papers" and (any(heading_words(cell)[:1] == ["rank"] for cell in header)
                                 or (scores_table(header, body_cells) and "venue" not in roles)):
            for row_map in rows[1:]:  # | Rank | Model | HumanEval |, | Method | Backbone | VOC2007 | VOC2012 |
                self.warn(row_map[0] + 1, "table row not read as a paper: the table ranks models (a leaderboard)")
            return end
        if "metric" in roles or kind == "metrics":
            handler = self._metric_row
        elif kind == "datasets" or ("dataset" in roles and "title" not in roles and "paper" not in roles):
            handler = self._dataset_row
        else:
            if "title" not in roles:
                roles = self._guess_title_column(roles, rows[0][0] + 1)
            handler = partial(self._paper_row, names_tagged=names_tagged(body_cells, roles))
            body = "\n".join(self.lines[r[0]] for r in rows[1:])
            if not BARE_URL.search(body) and "venue" not in roles and "year" not in roles:
                for row_map in rows[1:]:
                    self.warn(row_map[0] + 1, "table row not read as a paper: the table has no links and no venue")
                return end
            if not {"paper", "links", "venue", "year"} & set(roles) and not _paper_links(
                    [make_link(url, "", "other") for url in BARE_URL.findall(body)]):
                for row_map in rows[1:]:  # "| Title | Project page | Code base |": projects built on a work
                    self.warn(row_map[0] + 1, "table row not read as a paper: the table links no paper and names no "
                                              "venue or year")
                return end
        for row_map in rows[1:]:
            line_no = row_map[0] + 1
            raw = self.lines[row_map[0]]
            cells = split_row(raw)
            if not any(EMPTY_LINK.sub("", cell).strip() for cell in cells):  # "| []() | | []() |": a spacer
                self.warn(line_no, "empty table row skipped")
                continue
            handler(line_no, raw, cells, roles)
        return end

    def _title_beside_links(self, header: list[str], roles: list[str | None],
                            body_cells: list[list[str]]) -> list[str | None]:
        """A "Title" column whose every cell is a link labelled as a resource or a venue (`[pdf](url)`,
        `[arXiv](url)`) gives the paper link; the column that also claimed the title ("| Title | Method |") names
        the work."""
        index = roles.index("title")
        cells = [self.parse_inline(row[index]) for row in body_cells if index < len(row)]
        names_no_work = [not cell.text and all(self.reader.is_generic(label) or self._venue_label(label)
                                               for label, _ in cell.links) for cell in cells]
        if not any(cell.links for cell in cells) or not all(names_no_work):
            return roles
        other = next((i for i, cell in enumerate(header) if i != index and column_role(cell) == "title"), None)
        if other is None or roles[other] is not None:
            return roles
        swapped = list(roles)
        swapped[index], swapped[other] = "paper", "title"
        return swapped

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

    def _paper_row(self, line: int, raw: str, cells: list[str], roles: list[str | None],
                   names_tagged: bool = False) -> None:
        """A table row of a paper. names_tagged: the table closes its titles with the method's name in
        brackets (`kg.core.rows.names_tagged`), which is then no part of the title."""
        flags: list[EntryFlag] = []
        if len(cells) > len(roles):
            flags.append("extra_cells")
            self.warn(line, f"row has {len(cells)} cells, header has {len(roles)}; extra cells kept as links")
        title = RowText()
        venue_raw = ""
        year_cell: int | None = None
        keywords: list[str] = []
        datasets: list[str] = []
        links: list[Link] = []
        paper_titles: list[RowText] = []
        for index, source in enumerate(cells):
            role = roles[index] if index < len(roles) else None
            cell = self.parse_inline(source)
            if cell.malformed:
                flags.append("malformed_markdown")
            if cell.placeholder and role not in ("keywords", "dataset"):
                flags.append("placeholder")
            if role == "title":
                title = self.read_row(line, cell, default="paper")
                if names_tagged:
                    title.title = TRAILING_NAME.sub("", title.title)
                links += self._links_of(title)
            elif role == "venue":
                venue_raw = cell.text or source  # "_TKDE_", "**CVPR**": the words, not their markup
            elif role == "year":
                match = YEAR.search(cell.text)
                year_cell = int(match.group(1)) if match else None
            elif role in ("keywords", "dataset"):
                items = [i.strip() for i in re.split(r"[,;/]", cell.text) if i.strip()]
                items = [i for i in items if i.lower() not in PLACEHOLDERS]
                (keywords if role == "keywords" else datasets).extend(items)
                links += self.make_links(line, cell, "dataset" if role == "dataset" else "other")
            elif role in ("paper", "links"):
                read = self.read_row(line, cell, default="paper")
                paper_titles.append(read)
                links += self._links_of(read)
            elif role == "code":
                links += self.make_links(line, cell, role)
            else:
                links += [_code_by_its_label(link) for link in self.make_links(line, cell, role or "other")]
        # A paper link labelled with its venue beside a title column: "| **UNI** | ... | [Nature Medicine](url) |"
        named = [r for r in paper_titles if title.title and r.title and self._venue_label(r.title)]
        title.venue_tags += [part.strip() for r in named for part in r.title.split(" / ")]
        # A short title column ("Model": "SadTalker") beside a paper link written with the full title.
        longer = next((r for r in paper_titles if r not in named
                       and len(r.title.split()) > max(2, len(title.title.split()))), None)
        if longer is not None and len(title.title.split()) <= 2:
            title = RowText(title=longer.title, venue_tags=title.venue_tags + longer.venue_tags)
        if not venue_raw:
            venue_raw = self._venue_from_tags(title.venue_tags + [t for r in paper_titles for t in r.venue_tags])
        venue = self.vocab.parse_venue(venue_raw)
        if venue.family and alias_key(venue.family) in DATASET_VENUES:
            self._add_dataset(line, raw, title.title, links, "malformed_markdown" in flags)
            return
        if venue.kind == "unknown" and venue.family and not _paper_links(links):
            self.warn(line, f"table row not read as a paper: {venue.raw!r} is no venue and no link is to a paper")
            return
        self._add_entry(line, raw, title.title, venue_raw, year_cell, links, keywords, datasets, flags)

    def _venue_label(self, label: str) -> bool:
        """Whether a link's label names where the paper appeared rather than the paper: each part (split
        at " / ") reads as a venue, gives a year or an arXiv number ("ML4H 2023 / arXiv:2307.15189"), or is
        a short capitalised name ("Nature Medicine", "Nat. Biomed. Eng.")."""
        def venue_like(part: str) -> bool:
            words = part.split()
            return bool(words) and (bool(self.reader.venue_tag(part)) or bool(YEAR.search(part))
                                    or bool(ARXIV_NUMBER.search(part))
                                    or (len(words) <= 3 and all(w[:1].isupper() for w in words)))
        return all(venue_like(part.strip()) for part in label.split(" / "))

    def read_row(self, line: int, cell: Cell, default: LinkColumn) -> RowText:
        """The RowText of a cell or bullet, with links that are not web addresses warned about."""
        web = set(self.web_links(line, cell))
        # A link to no web address still shows its label: "[Title]()" is a title with no link.
        pieces = [p if p.kind != "link" or (p.text, p.href) in web or p.href.startswith("#") else
                  Piece("text", p.text, strong=p.strong) for p in cell.pieces]
        return self.reader.read(pieces, default)

    @staticmethod
    def _links_of(row: RowText) -> list[Link]:
        return [make_link(href, label, column) for label, href, column in row.links
                if href.lower().startswith(("http://", "https://"))]

    def _venue_from_tags(self, tags: list[str]) -> str:
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

    def _add_entry(
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

    # -- datasets and metrics ---------------------------------------------------------------

    def _dataset_row(self, line: int, raw: str, cells: list[str], roles: list[str | None]) -> None:
        name_index = next((roles.index(r) for r in ("dataset", "title") if r in roles), None)
        if name_index is None:
            name_index = next((i for i, r in enumerate(roles) if r not in ("year", "venue", "links", "paper")), 0)
        parsed = [self.parse_inline(source) for source in cells]
        name_cell = parsed[name_index] if name_index < len(parsed) else Cell(text="")
        links = [link for cell in parsed for link in self.make_links(line, cell, "dataset")]
        name = name_cell.text or next((label for label, _ in name_cell.links if label), "")
        year = next((year_of(c.text) for i, c in enumerate(parsed) if i < len(roles) and roles[i] == "year"), None)
        self._add_dataset(line, raw, name, links, name_cell.malformed, year)

    def _add_dataset(self, line: int, raw: str, text: str, links: list[Link], malformed: bool,
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

    def _metric_row(self, line: int, raw: str, cells: list[str], roles: list[str | None]) -> None:
        """A metric: its name in the metric column, or the first column; the column after it, or the title
        of the paper that brought it in (`| Title | Abbr | Year |`: the abbreviation names the metric), is its
        reference."""
        parsed = [self.parse_inline(c) for c in cells]
        name_index, reference_index = 0, 1
        if "metric" in roles:
            name_index = roles.index("metric")
            reference_index = name_index + 1
        elif "title" in roles and None in roles:
            # the unnamed column of the shortest words: "Abbr" beside "Authors"
            unnamed = [i for i, role in enumerate(roles) if role is None and i < len(parsed)]
            name_index = min(unnamed, key=lambda i: len(_cell_words(parsed[i])), default=roles.index(None))
            reference_index = roles.index("title")
        head = _cell_words(parsed[name_index]) if name_index < len(parsed) else ""
        reference = _cell_words(parsed[reference_index]) if reference_index < len(parsed) else ""
        reference = "" if reference in PLACEHOLDERS else reference
        links = [link for cell in parsed for link in self.make_links(line, cell, "paper")]
        self._add_metric(line, raw, head, reference, links)

    def _add_metric(self, line: int, raw: str, head: str, reference: str, links: list[Link]) -> None:
        match = re.match(r"\s*([^()]+?)\s*\((.*)\)\s*[-–:]?\s*(.*)$", head)
        abbreviation, name = (match.group(1), match.group(2)) if match else (head.strip(" -:"), "")
        if not match and re.search(r"\s*[:–]\s|\s-\s", head):
            abbreviation, _, name = re.split(r"(\s*[:–]\s|\s-\s)", head, maxsplit=1)
        self.metrics.append(
            MetricEntry(self.file, line, self.section, raw, abbreviation.strip(" *"), " ".join(name.split()),
                        " ".join(reference.split()), tuple(links))
        )
        self._count()

    # -- bullet lists -----------------------------------------------------------------------

    @staticmethod
    def _item_texts(tokens: list[Token], start: int) -> tuple[str, str, int]:
        """A list item's own inline text and that of the lists nested in it, one line per paragraph, and
        the index of its list_item_close. An item may give its title in one paragraph and its authors and
        links in the next ("1. **Title.** `ACL 2023`", a blank line, then "    *Authors.* [[Paper](..)]")."""
        level = tokens[start].level
        own: list[str] = []
        nested: list[str] = []
        close = len(tokens) - 1
        for index in range(start + 1, len(tokens)):
            token = tokens[index]
            if token.type == "list_item_close" and token.level == level:
                close = index
                break
            if token.type == "inline" and token.level == level + 2:
                own.append(token.content)
            elif token.type == "inline" and token.level > level + 2:
                nested.append(token.content)
        return "  \n".join(own), "  \n".join(nested), close  # a hard line break between paragraphs

    def _list_item(self, tokens: list[Token], start: int) -> int:
        """A bullet: a dataset or metric in such a section, a paper when it reads as one; any other
        bullet is warned about, except the list's table of contents. Returns the index to go on from: a
        paper whose authors and links sit in sub-items (`- **Title (ICML 2018)**` over `  - [[Paper]](url)`)
        takes them in."""
        item = tokens[start]
        inline = next(
            (t for t in tokens[start + 1 : start + 4] if t.type == "inline"), None
        )
        if not item.map:
            return start
        line = item.map[0] + 1
        raw = self.lines[item.map[0]]
        if inline is None:
            self.warn(line, "list item with no text of its own; not read")
            return start
        own, nested, close = self._item_texts(tokens, start)
        cell = self.parse_inline(own)
        if cell.links and all(href.startswith("#") for _, href in cell.links):
            return start  # the list's table of contents: navigation, not a row
        resume = start
        # "**Title (ICML 2018)**", or a title of several words, alone: its authors and links below
        if not cell.links and (YEAR.search(cell.text) or len(cell.text.split()) > MIN_BULLET_TITLE_WORDS):
            nested_cell = self.parse_inline(nested)
            labels = [label for label, _ in nested_cell.links]
            # the sub-items carry resources ("[[Paper]]", "[[Python Reference]]") and authors, not rows of
            # their own (a title in bold, a long label, a year)
            if (labels and all(len(label.split()) <= MAX_RESOURCE_LABEL_WORDS for label in labels)
                    and not any(piece.strong for piece in nested_cell.pieces) and not YEAR.search(nested_cell.text)):
                cell, resume = self.parse_inline(f"{own}  \n{nested}"), close
        elif cell.links and nested and not YEAR.search(cell.text):  # "- Title. [[pdf]](url)" over its citation
            nested_cell = self.parse_inline(nested)
            # sub-items of authors, venue and year ("  - K. Doan, P. Li. *NeurIPS*, 2021.", or the authors and
            # "Communications of the ACM, 1995" apart), no rows of their own: one of them gives a year
            lines = [line.strip() for line in nested.strip().splitlines()]
            dated = [line for line in lines if YEAR.search(line) or self.vocab.parse_venue(line).year]
            if (not nested_cell.links and len(lines) <= MAX_CITATION_SUB_ITEMS and len(dated) == 1
                    and not any(piece.strong for piece in nested_cell.pieces)):
                # the dated line, bracketed, is the row's venue tag: "[SIGMOD'08]", "[Communications of the ACM, 1995]"
                # (only beside a line of authors: "Kevin Doan and Ping Li, 2021" alone names who, not where)
                cited = [f"[{line.strip('*_ .')}]" if line in dated and len(lines) > 1
                         and NAME_AND_YEAR_LINE.fullmatch(line) else line for line in lines]
                cell, resume = self.parse_inline("  \n".join([own, *cited])), close
        if _is_bold_heading(cell):
            self._push_heading(PSEUDO_HEADING_LEVEL, cell.text, line)
            return start
        kind = self.section_kind
        if kind == "datasets" and self._work_among_datasets(cell):
            kind = "papers"
        if kind == "datasets":
            name = re.split(r"[\[(:–—]|\s-\s", cell.text)[0] if cell.text else ""
            name = name or next((label for label, _ in cell.links if label), "")
            self._add_dataset(line, raw, name, self.make_links(line, cell, "dataset"), cell.malformed)
            return resume
        if kind == "metrics":
            self._add_metric(line, raw, cell.text, "", self.make_links(line, cell, "paper"))
            return resume
        if kind != "papers" and not (kind == "other" and self._cites_a_paper(line, cell)):
            self.warn(line, f"list item under {self.section!r}, not a section of papers; not read")
            return resume
        self._paper_bullet(line, raw, cell)
        return resume

    def _paragraph(self, token: Token, inline: Token) -> None:
        """A paragraph that is only bold text is a heading in all but name (`**2.1 Fundamental Papers**`).
        A paragraph in a papers section that opens with its title, in bold or as a link
        (`**Title**\\ *Authors*\\ CVPR 2023. [[Paper](url)]`), or cites a paper with its title in quotes,
        is a paper; other paragraphs are prose."""
        if inline.type != "inline" or not token.map:
            return
        line = token.map[0] + 1
        cell = self.parse_inline(inline.content)
        if _is_bold_heading(cell):
            self._push_heading(PSEUDO_HEADING_LEVEL, cell.text, line)
            return
        if self.section_kind != "papers" and not (self.section_kind == "other" and self._cites_a_paper(line, cell)):
            return
        if cell.links and all(href.startswith("#") for _, href in cell.links):
            return  # "**CVPR** [2023](#cvpr-2023) [2022](#cvpr-2022)": bookmarks into the list, not a row
        first = next(iter(visible_pieces(cell.pieces)), None)
        after_first = cell.pieces[cell.pieces.index(first) + 1 :] if first is not None else []
        opens_with_title = first is not None and (
            # bold words ending in a colon label what follows ("**Other Paper Collection Repo:** [Github](url)")
            (first.kind == "text" and first.strong and not first.text.rstrip().endswith(":"))
            or (first.kind == "link" and not self.reader.is_generic(first.text))
            or (first.kind == "text" and first.emphasis and bool(after_first) and after_first[0].kind == "break")
            # a method's name, then its linked title: "FullGrad, [Full-Gradient Representation ...](url), NIPS 2019"
            or (first.kind == "text" and bool(NAME_BEFORE_TITLE.fullmatch(first.text)) and bool(after_first)
                and after_first[0].kind == "link" and not self.reader.is_generic(after_first[0].text))
        )
        if opens_with_title or _cites_in_quotes(cell):
            self._paper_bullet(line, self.lines[line - 1], cell)


    def _cites_a_paper(self, line: int, cell: Cell) -> bool:
        """Whether a row under a heading of non-papers still cites a paper: it links the paper itself and
        names a venue the vocabulary knows, not as a tutorial, course or talk ("Tutorials" holding an
        arXiv tutorial paper, "Toolkits" holding demo papers, "Related Resources" a journal report), or it
        gives a title in quotes with its arXiv paper."""
        read = self.read_row(line, cell, default="paper")
        links = self._links_of(read)
        if QUOTED.search(cell.text) and any(link.arxiv_id for link in links):
            return True  # a title in quotes and its arXiv paper: "[LaneNet](arxiv)《Real-Time Lane Detection ...》"
        if _dated(cell) and _links_its_paper(read, links):
            return True  # "[2024/12/07] [Video Set Distillation: ...](https://arxiv.org/abs/...)" under "Updates"
        if (not read.title and self.headings and self.headings[-1][0] == PSEUDO_HEADING_LEVEL
                and any(label_role(link.label) == "paper" and (link.kind in PAPER_KINDS or is_pdf(link.url))
                        for link in links)):
            return True  # "**Dlib Face Alignment**" over "📄 [Paper](...pdf) | [Code](...)": the named tool's paper
        venue_raw = self._venue_from_tags([*read.venue_tags, self._venue_in_text(cell.text)])
        if (self.vocab.parse_venue(venue_raw).kind == "unknown"
                or any(NOT_A_PAPER_VENUE.search(tag) for tag in [*read.venue_tags, venue_raw])):
            return False
        return any(link.kind in PAPER_KINDS or (is_pdf(link.url) and label_role(link.label) != "project")
                   for link in links)

    def _venue_in_text(self, text: str) -> str:
        """A venue named in running text before a year ("... Chai, Joyce NeurIPS 2023."): up to three
        words before a year that the vocabulary knows."""
        for match in YEAR.finditer(text):
            before = text[max(0, match.start() - 40) : match.start()]
            if UNDER_REVIEW.search(before):
                continue
            # The name stands right before the year ("CVPR 2023", "ACM MM, 2021"), or before a date that ends
            # in it ("arxiv, 17 Jan 2019"), not a sentence away.
            before = DAY_AND_MONTH.sub("", before)
            before = ARXIV_NUMBER_BEFORE_YEAR.sub("", before)  # "arXiv preprint arXiv:1901.01892, 2019": the number
            adjacent = re.search(r"([\w&@'\-]+(?:\s+[\w&@'\-]+){0,2})[\s,'’(]*$", before)
            words = adjacent.group(1).split() if adjacent else []
            after = re.match(r"\s*(workshops?)\b", text[match.end() :], re.IGNORECASE)
            for size in (3, 2, 1):
                name = " ".join(words[-size:]) if len(words) >= size else ""
                if name and self.vocab.venue_family(name):
                    return f"{name} {match.group(1)}" + (f" {after.group(1)}" if after else "")
        return ""

    def _paper_bullet(self, line: int, raw: str, cell: Cell) -> None:
        """A bullet that names a paper: `[Title](url) [CVPR 2022] [[Code](url)]`, `Title [Paper](url)`,
        `**Title** <br> Authors <br> [pdf](url)`, `[Abbrev] [Title](url), `CVPR 2023`` and their variants."""
        read = self.read_row(line, cell, default="paper")
        venue_raw = self._venue_from_tags([*read.venue_tags, self._venue_in_text(cell.text)])
        lead = _text_before_links(cell)
        if (not venue_raw and read.title_link is not None and NAME_AND_YEAR.fullmatch(lead)
                and not re.search(MONTH, lead, re.IGNORECASE)):  # "Added March 2021 [Title](url)" is a date
            venue_raw = lead  # "Neural Networks 2020 [Title](url)": the venue, then the title
        if venue_raw and read.title_link is None:  # "Title, CVPR 2024: [Paper]": the title ends before its venue
            cut = re.search(r"[,.;:]?\s*" + r"\W*\s*".join(map(re.escape, venue_raw.split())), read.title)
            if cut and cut.start() > 0:
                read.title = read.title[: cut.start()].strip(" ,.;:")
        links = self._links_of(read)
        if not read.title and self._paper_under_bold_name(links):
            return
        # a row of plain words under a heading that names a venue ("## CVPR 2023") needs no venue of its own
        heading_venue = self.heading_venue() if not cell.links else ""
        reason = self._not_a_paper(read, cell, venue_raw or heading_venue, links, _title_links_a_note(cell))
        if reason:
            self.warn(line, f"list item not read as a paper: {reason}")
            return
        flags: list[EntryFlag] = (["malformed_markdown"] if cell.malformed else []) + (
            ["placeholder"] if cell.placeholder else []
        )
        # a venue without a year leaves the year to the row ("**[2025]** Title. [PDF](..). *CVPR*.")
        year = year_of(cell.text) if self.vocab.parse_venue(venue_raw).year is None else None
        self._add_entry(line, raw, read.title, venue_raw, year, links, [], [], flags)

    def _paper_under_bold_name(self, links: list[Link]) -> bool:
        """A bullet of links alone ("📄 [Paper](url) | [Code](url)") under a bold name ("**HRNet (High-Resolution
        Network)**", then bullets of its features) gives that name's paper, read at the name's line, once."""
        level, name, line = self.headings[-1] if self.headings else (0, "", 0)
        if (level != PSEUDO_HEADING_LEVEL or line in self.named_by_bold or not _paper_links(links)
                or named_section_kind(name) or heading_year(name)):  # "**Surveys**", "**2023**" name no work
            return False
        self.named_by_bold.add(line)
        # the name, without what spells it out, decorates or introduces it: "HRNet (High-Resolution Network)",
        # "OpenPose 🌟", "ViTPose Key Features:"
        title = re.sub(r"\s*\([^()]*\)\s*$", "", BLOCK_LABEL.sub("", re.sub(r"[^\w)]+$", "", name))) or name
        self._add_entry(line, self.lines[line - 1], title, "", year_of(name), links, [], [], [])
        return True

    @staticmethod
    def _not_a_paper(read: RowText, cell: Cell, venue_raw: str, links: list[Link], noted: bool) -> str | None:
        """Why a bullet in a papers section is not a paper, or None when it is one. `noted`: the title links
        the list's own note on it."""
        if read.todo:
            return "a to-do item"
        if _dated(cell) and not _links_its_paper(read, links):
            return "a dated news item"
        if not read.title:
            return "no title"
        if links and all(any(host in link.url.lower() for host in VIDEO_HOSTS) for link in links):
            return "it links only to videos"
        words = len(read.title.split())
        paper_link = any(link.column in ("title", "paper") and link.kind not in SOURCE_HOSTS for link in links)
        if words >= MIN_BULLET_TITLE_WORDS and (links or noted or venue_raw
                                                or year_of(cell.text.replace(read.title, ""))):
            return None
        if (venue_raw or (paper_link and any(link.arxiv_id for link in links)) or (read.bold_title and links)
                or (noted and year_of(cell.text.replace(read.title, "")))  # "[GAN Q-learning](GANQL.md) 20 July 2018"
                or (links and ET_AL.search(cell.text))):  # "[Alias-Free GAN](url) (Karras et al. 2021)": cited
            return None
        if words >= MIN_BULLET_TITLE_WORDS:
            return "no link, no venue and no year"
        if not links:
            return "no link, no venue and a title of fewer than three words"
        return "a title of fewer than three words with no venue and no arXiv link"
