"""Defects of a list's rows: each with file:line, a kind and a one-line explanation.

Reads: the parsed entries, dataset and metric items of a build, its papers (for titles fetched by
enrichment), the list's lines (for table columns), the duplicate groups and the venue months.
Writes: `Defect` records, at most one per (line, kind).

Kinds:
  link_title_mismatch  the paper link points to another paper than the title: told from the URL's
                       words, or from the arXiv id's title when enrichment fetched it
  code_link_not_code   a link in the code column that is not a code host
  malformed_markdown   nested or broken link syntax, stray brackets
  title_noise          a repeated prefix, a space before a colon, a broken hyphen, extra spaces,
                       stray punctuation at either end of a title
  missing_paper_link   a paper row with no link to the paper
  placeholder          a cell that only holds "-", "n/a"..., or a link labelled "coming soon" / "temp"
  venue_suspect        a venue that contradicts the arXiv id's date, the paper URL's venue, or a
                       duplicate's peer-reviewed venue
  venue_typo           a venue name or year misspelt, read as the vocabulary spells it ("NeurlPS", "20233")
  wrong_section        a row under a year heading that is not its venue's year
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from rapidfuzz import fuzz

from ingest.inline import label_role
from kg.core.headings import heading_year
from kg.core.links import CVF_PROCEEDINGS, host_of, is_pdf
from kg.core.model import CODE_HOSTS, PAPER_KINDS, DatasetEntry, Entry, Link, MetricEntry, Paper
from kg.core.rows import MARKDOWN_LINK, NESTED_LINK, PLACEHOLDER_LABEL, TableRow, table_row
from kg.core.vocab import PLACEHOLDERS, YEAR, alias_key, normalise_text, title_similarity
from kg.curation.duplicates import DuplicateGroup
from kg.curation.venue_dates import OTHER_PAPER, VenueMonths, arxiv_month, date_conflict

DEFECT_KINDS = (
    "link_title_mismatch",
    "code_link_not_code",
    "malformed_markdown",
    "title_noise",
    "missing_paper_link",
    "placeholder",
    "venue_suspect",
    "venue_typo",
    "wrong_section",
)
# A paper URL whose words agree with the title less than this (fuzz.token_set_ratio) is another paper's;
# measured on the bundled list: correct links score 86-100, the two wrong ones 48 and 65.
SLUG_MATCH = 75.0
# A title fetched through the row's link this unlike the row's title (fuzz.ratio of normalised titles)
# means the link is another paper's; the same threshold as enrichment's TITLE_MISMATCH.
FETCHED_TITLE_MATCH = 75.0
MIN_SLUG_WORDS = 4
CODE_ARCHIVE = re.compile(r"\.(?:zip|rar|7z|tar|tgz|tar\.gz|tar\.bz2)$", re.IGNORECASE)
"""A download of an archive in a code column is the code itself ("codes/dipIQ.rar")."""
MIN_TITLE_WORDS_IN_SLUG = 3
"""Content words a file name must share with the list's titles to name a title at all."""
CVF_SLUG = re.compile(r"^[^_]+_(?P<title>.+)_[A-Za-z]+_\d{4}_paper$")
CODE_SITES = frozenset({"github.com", "gitlab.com", "worksheets.codalab.org", "zenodo.org", "figshare.com"})
"""Sites whose every page leads to code: an owner's page on a code host (its repositories), CodaLab
worksheets (runnable code bundles), and the research archives authors deposit code releases in (Zenodo,
figshare): in a code column, such a deposit is the code."""
WORKSHOP = re.compile(r"\bworkshops?\b", re.IGNORECASE)
MAX_NAME_TITLE_WORDS = 4
TITLE_FILLER = frozenset({"a", "an", "the", "of", "for", "and", "with", "on", "in", "to", "via", "by"})
NOISE = (
    (re.compile(r"^\s*([^\s:]+)\s*:\s*\1\s*:", re.IGNORECASE), "repeated prefix"),
    # Not before a colon: published titles write "MobileVLM : A Fast ..." (judged on the corpus lists).
    (re.compile(r"\S+\s+[;,](?=\s|$)"), "space before punctuation"),
    # "Talk- ing" is a word broken in two. "Identity- and View-Aware" (a suspended hyphen) is correct English,
    # and "Audio- Based", "other- Audio" are how those papers' published titles are written (judged).
    (re.compile(r"\w+-\s+(?!(?:and|or|to|nor)\b)[a-z]\w*"), "broken hyphen"),
    (re.compile(r"\S+ {2,}\S+"), "extra spaces"),
    (re.compile(r"^[,;:.\-]\S*|\S*[,;:\-]$"), "stray punctuation"),
)


@dataclass(frozen=True)
class FetchedTitle:
    """A title enrichment fetched through a paper's link and rejected as another paper's
    (`enrichment.json` "mismatches"): the paper id, the link or key asked, the title, the service."""

    paper: str
    link: str
    title: str
    source: str


@dataclass(frozen=True)
class Defect:
    """One problem with one row: where, what kind, and a one-line explanation."""

    file: str
    line: int
    kind: str
    detail: str


def _linked_in_their_group(groups: Sequence[DuplicateGroup], by_line: dict[int, Entry]) -> set[int]:
    """Rows of a certain duplicate group in which some row links the paper: a list that gives a work again
    under another topic often links it only where it first appears. Without a link anywhere in the group,
    each row still misses one."""
    return {line for group in groups if group.certain and group.kind == "paper"
            if any(line in by_line and _paper_links(by_line[line]) for line in group.lines)
            for line in group.lines}


def find_defects(
    entries: Sequence[Entry],
    datasets: Sequence[DatasetEntry],
    metrics: Sequence[MetricEntry],
    papers: Sequence[Paper],
    lines: Sequence[str],
    groups: Sequence[DuplicateGroup],
    months: VenueMonths,
    fetched_titles: Sequence[FetchedTitle] = (),
) -> tuple[Defect, ...]:
    """Every defect of the list, in line order; details of one (line, kind) are joined with "; "."""
    found: list[Defect] = []
    paper_of = {ref: paper for paper in papers for ref in paper.entries}
    fetched_of: dict[str, list[FetchedTitle]] = {}
    for fetched in fetched_titles:
        fetched_of.setdefault(fetched.paper, []).append(fetched)
    titles = {e.line: e.title for e in entries if e.title}
    title_words = {word for title in titles.values() for word in normalise_text(title).split()}
    linked_in_group = _linked_in_their_group(groups, {e.line: e for e in entries})
    dash_is_empty = _placeholder_is_convention(entries, lines)
    for entry in entries:
        paper = paper_of.get(entry.ref)
        found += _link_title_mismatch(entry, titles, title_words, fetched_of.get(paper.id, []) if paper else [])
        found += [
            Defect(entry.file, entry.line, "code_link_not_code", f"code column links {link.url} ({_what(link)})")
            for link in entry.links_in("code")
            if link.kind not in CODE_HOSTS and host_of(link.url) not in CODE_SITES
            and not CODE_ARCHIVE.search(urlsplit(link.url).path)
        ]
        if "malformed_markdown" in entry.flags:
            row = table_row(lines, entry.line)
            found.append(Defect(entry.file, entry.line, "malformed_markdown", _malformed_detail(entry.raw, row)))
        found += [Defect(entry.file, entry.line, "title_noise", d) for d in title_noise(_title_source(entry, lines))]
        if not _paper_links(entry) and entry.line not in linked_in_group:
            found.append(Defect(entry.file, entry.line, "missing_paper_link", "no link to the paper"))
        found += _placeholders(entry.file, entry.line, entry.raw, lines, dash_is_empty)
        found += _venue_suspect(entry, months)
        if entry.venue.readings:
            found.append(Defect(entry.file, entry.line, "venue_typo",
                                f"{entry.venue.raw!r}: {'; '.join(entry.venue.readings)}"))
        found += _wrong_section(entry)
    for item in datasets:
        if "malformed_markdown" in item.flags:
            found.append(Defect(item.file, item.line, "malformed_markdown", _malformed_detail(item.raw, None)))
    for metric in metrics:
        found += _placeholders(metric.file, metric.line, metric.raw, lines, dash_is_empty)
    found += _duplicate_venues(groups, {e.line: e for e in entries})
    return _merge(found)


def title_noise(title: str) -> list[str]:
    """What is noisy about a title as written: one "kind 'text'" explanation per kind of noise."""
    return [f"{name} {match.group(0).strip()!r}" for pattern, name in NOISE if (match := pattern.search(title))]


def clean_title(title: str) -> str:
    """A title without the noise `title_noise` reports: the prefix said once, no space before
    punctuation, hyphens joined, single spaces, no stray punctuation at either end."""
    text = re.sub(r"^\s*([^\s:]+)\s*:\s*\1\s*:\s*", r"\1: ", title, flags=re.IGNORECASE)
    text = re.sub(r"(\S)\s+([:;,])(?=\s|$)", r"\1\2", text)
    text = re.sub(r"(\w)-\s+(\w)", r"\1-\2", text)
    text = re.sub(r"(\S) {2,}(?=\S)", r"\1 ", text)
    return text.strip().strip(",;:-").lstrip(".").strip()


# -- link_title_mismatch ---------------------------------------------------------------------------


def url_words(url: str) -> str:
    """The title words a paper URL carries in its last path segment (CVF: without author and venue),
    normalised; "" when it carries fewer than MIN_SLUG_WORDS words."""
    segments = [s for s in unquote(urlsplit(url).path).split("/") if s]
    if not segments:
        return ""
    last = re.sub(r"\.(pdf|html?|aspx|php)$", "", segments[-1], flags=re.IGNORECASE)
    cvf = CVF_SLUG.match(last)
    if cvf:
        last = cvf.group("title")
    elif YEAR.search(last):
        return ""  # "ullrich_schlueter_grill-2014-ismir.pdf": a citation key of authors, year and venue
    words = [w for w in normalise_text(last).split() if not w.isdigit() and w not in ("paper", "pdf")]
    return " ".join(words) if sum(len(w) > 1 and w.isalpha() for w in words) >= MIN_SLUG_WORDS else ""


def link_matches_title(url: str, title: str) -> bool | None:
    """Whether a paper URL's words agree with a title; None when the URL carries too few words
    (arXiv ids, short file names) to tell."""
    words = url_words(url) if "arxiv.org" not in url else ""
    if not words or not title:
        return None
    if "".join(words.split()) in "".join(normalise_text(title).split()):
        return True  # a file name that drops the title's punctuation: ".../Huang_SpeedAccuracy_Trade-Offs_for_..."
    name, colon, _ = title.partition(":")
    if colon and set(normalise_text(name).split()) <= set(words.split()):  # ".../19-BMVC-MS-GAN-Mao.pdf"
        return True
    content = [word for word in normalise_text(title).split() if word not in TITLE_FILLER]
    if len(content) == 1 and content[0] not in words.split():
        return None  # a method's name for a title ("HyperIQA"): a file name of title words cannot gainsay it
    if len(content) <= MAX_NAME_TITLE_WORDS and len(set(content) & set(words.split())) >= 2:
        return True  # a method's name: "Weisfeiler-Lehman Subtree Kernels", ".../fast-subtree-kernels-on-graphs.pdf"
    initials = "".join(word[0] for word in content)
    if len(initials) >= 3 and initials in words.split():  # "Neural Machine Translation": ".../Luong-NMT-v4.pdf"
        return True
    return fuzz.token_set_ratio(words, normalise_text(title)) >= SLUG_MATCH


def _link_title_mismatch(entry: Entry, titles: dict[int, str], title_words: set[str],
                         fetched_titles: Sequence[FetchedTitle]) -> list[Defect]:
    """Paper links whose file name, or whose title as fetched, is another paper's. `title_words`: every word of
    the list's titles; a file name made mostly of other words (a DBLP key "dblp-confcvpr-yang-yll-16", a venue
    "NeurIPS_Workshop_23_Diffusion_Models") names no title, so it cannot disagree with one."""
    if not entry.title:
        return []
    found = []
    for link in _paper_links(entry):
        # a web page's path names a project page as often as the paper ("/publication/gradient-based-diff-sampler/")
        if not (link.kind in PAPER_KINDS or is_pdf(link.url)) or link_matches_title(link.url, entry.title) is not False:
            continue
        words = url_words(link.url)
        if sum(word in title_words for word in words.split() if word not in TITLE_FILLER) < MIN_TITLE_WORDS_IN_SLUG:
            continue
        others = ((n, fuzz.token_set_ratio(words, normalise_text(t))) for n, t in titles.items() if n != entry.line)
        line, score = max(others, key=lambda pair: pair[1], default=(0, 0.0))
        named = f" (the paper listed at line {line})" if score >= 90 else ""
        found.append(
            Defect(entry.file, entry.line, "link_title_mismatch", f"paper link {link.url} is about '{words}'{named}")
        )
    for fetched in fetched_titles:
        if title_similarity(fetched.title, entry.title) < FETCHED_TITLE_MATCH:
            found.append(
                Defect(entry.file, entry.line, "link_title_mismatch",
                       f"{fetched.link} is titled '{fetched.title}' on {fetched.source}")
            )
    return found


def _paper_links(entry: Entry) -> tuple[Link, ...]:
    """Links to the paper itself: title, paper or mixed columns, not code hosts; and a PDF anywhere
    (a paper's PDF is often kept on its project site or in its repository) unless its label says it is
    something else ("[Slides]", "[Poster]")."""
    return tuple(link for link in entry.links
                 if (link.column in ("title", "paper", "links") and link.kind not in CODE_HOSTS)
                 or link.kind in PAPER_KINDS or (is_pdf(link.url) and label_role(link.label) != "project"))


def _what(link: Link) -> str:
    if link.kind == "arxiv":
        return "an arXiv paper"
    if link.kind in PAPER_KINDS:
        return f"a paper on {link.kind}"
    return "a web page, not a code host"


# -- markdown and titles ---------------------------------------------------------------------------


def stray_bracket(cell: str) -> int | None:
    """The index in a cell of a closing bracket that nothing opens ("...3D Control]"), if any."""
    blanked = MARKDOWN_LINK.sub(lambda m: " " * len(m.group(0)), cell)
    blanked = re.sub(r"`[^`]*`|https?://\S+", lambda m: " " * len(m.group(0)), blanked)
    for opening, closing in ("[]", "()"):
        depth = 0
        for index, char in enumerate(blanked):
            depth += (char == opening) - (char == closing)
            if depth < 0:
                return index
    return None


def _malformed_detail(raw: str, row: TableRow | None) -> str:
    if NESTED_LINK.search(raw):
        return "nested link: a link's target is itself a markdown link"
    cells = list(enumerate(row.cells)) if row else [(0, raw)]
    for index, cell in cells:
        stray = stray_bracket(cell)
        if stray is not None:
            column = f" in the {row.role(index) or f'column {index + 1}'} column" if row else ""
            return f"stray {cell[stray]!r}{column}: '{cell[max(0, stray - 30):stray + 1].strip()}'"
    return "broken or unclosed link syntax"


def _title_source(entry: Entry, lines: Sequence[str]) -> str:
    """The title as written (with its spacing): the title cell of a table row, else the parsed title.
    Brackets and link syntax are left to malformed_markdown."""
    row = table_row(lines, entry.line)
    if row is None or not row.cells_of("title"):
        return entry.title
    cell = row.cells[row.cells_of("title")[0]]
    link = re.fullmatch(r"\[(?P<label>[^\[\]]*)\]\([^()]*\)", cell)
    source = (link.group("label") if link else cell).strip().strip("[]")
    # the title's own words as written, not what follows it in the cell ("Title  **`kg.`**": a tag)
    words = entry.title.split()
    written = re.search(r"\s+".join(map(re.escape, words)), source) if words else None
    return written.group(0) if written and not source[written.end():].startswith(tuple(",;:-")) else source


def _placeholder_is_convention(entries: Sequence[Entry], lines: Sequence[str]) -> bool:
    """Whether the list writes every empty table cell as a placeholder ("-"): then "-" is how it says
    "none", not a defect. A list that leaves some cells blank and fills others with "-" is inconsistent."""
    blank = filled = 0
    for entry in entries:
        row = table_row(lines, entry.line)
        for cell in row.cells if row else ():
            blank += not cell.strip()
            filled += cell.strip().lower() in PLACEHOLDERS
    return filled > 0 and blank == 0


def _placeholders(file: str, line: int, raw: str, lines: Sequence[str], dash_is_empty: bool) -> list[Defect]:
    """Cells that hold only a placeholder (unless that is the list's way of writing an empty cell), and
    links labelled as placeholders, named by column (a bullet is one cell, "row")."""
    row = table_row(lines, line)
    cells = [(row.role(i) or f"column {i + 1}", cell) for i, cell in enumerate(row.cells)] if row else [("row", raw)]
    found = []
    for column, cell in cells:
        labels = [m.group("label") for m in MARKDOWN_LINK.finditer(cell) if PLACEHOLDER_LABEL.search(m.group("label"))]
        if cell.strip().lower() in PLACEHOLDERS and not dash_is_empty:
            found.append(f"{column}: {cell.strip()!r}")
        elif labels:
            found.append(f"{column}: link labelled {labels[0]!r}")
    return [Defect(file, line, "placeholder", "; ".join(found))] if found else []


# -- venues and sections ---------------------------------------------------------------------------


def _venue_suspect(entry: Entry, months: VenueMonths) -> list[Defect]:
    found = []
    conflict = date_conflict(entry.venue, entry.arxiv_id, months)
    if conflict:  # a preprint listed years before its id existed names the wrong paper, not the wrong year
        kind = "link_title_mismatch" if conflict.endswith(OTHER_PAPER) else "venue_suspect"
        found.append(Defect(entry.file, entry.line, kind, conflict))
    for link in entry.links_in("title", "paper", "links"):
        match = CVF_PROCEEDINGS.search(link.url) if link.kind == "cvf" else None
        # a link to another paper (its file name says so) says nothing of this paper's venue
        if not match or not entry.venue.family or link_matches_title(link.url, entry.title) is False:
            continue
        family = match.group("family") + match.group("workshop")
        year = int(match.group("year"))
        if match.group("workshop") and WORKSHOP.search(entry.raw) and entry.venue.year in (None, year):
            continue  # "Title (**Workshop**)" under "**CVPR'25**": the row says it is the workshop's
        if alias_key(family) != alias_key(entry.venue.family) or (entry.venue.year and year != entry.venue.year):
            found.append(
                Defect(entry.file, entry.line, "venue_suspect",
                       f"the paper link is for {family} {year} but the venue says {entry.venue.raw}")
            )
    return found


def entry_year_heading(entry: Entry) -> int | None:
    """The year of the innermost heading above a row that stands for one year ("## 2022"), if any."""
    return next((year for title in reversed(entry.headings) if (year := heading_year(title)) is not None), None)


def _wrong_section(entry: Entry) -> list[Defect]:
    """A row under a year heading that is not its venue's year, unless it is the year the paper reached
    arXiv: some lists file papers by arXiv date (judged on a list of lane-detection papers)."""
    section_year = entry_year_heading(entry)
    posted = arxiv_month(entry.arxiv_id) if entry.arxiv_id else None
    if posted and posted[0] == section_year:
        return []
    if section_year and entry.venue.year and section_year != entry.venue.year:
        return [
            Defect(entry.file, entry.line, "wrong_section",
                   f"listed under {section_year} but its venue {entry.venue.raw} is {entry.venue.year}")
        ]
    return []


def _duplicate_venues(groups: Sequence[DuplicateGroup], by_line: dict[int, Entry]) -> list[Defect]:
    """A peer-reviewed duplicate whose venue differs from the canonical row's peer-reviewed venue."""
    found = []
    for group in groups:
        if group.kind != "paper" or not group.certain:
            continue
        best = by_line[group.canonical.line]
        if best.venue.kind in ("preprint", "unknown"):
            continue
        for member in group.members:
            entry = by_line[member.line]
            if entry is best or entry.venue.kind in ("preprint", "unknown"):
                continue
            # a venue without its year beside a year column ("| 2021 | SEW-ResNet | NeurIPS |") gives it there
            ours, theirs = (entry.venue.year or entry.year), (best.venue.year or best.year)
            if (entry.venue.family, ours) != (best.venue.family, theirs):
                found.append(
                    Defect(entry.file, entry.line, "venue_suspect",
                           f"its duplicate at line {best.line} says {best.venue.raw}, this row {entry.venue.raw}")
                )
    return found


def _merge(found: list[Defect]) -> tuple[Defect, ...]:
    """One defect per (line, kind), details joined; in line order, then kind order."""
    merged: dict[tuple[int, str], Defect] = {}
    for defect in found:
        key = (defect.line, defect.kind)
        previous = merged.get(key)
        if previous is None:
            merged[key] = defect
        elif defect.detail not in previous.detail:
            merged[key] = Defect(defect.file, defect.line, defect.kind, f"{previous.detail}; {defect.detail}")
    return tuple(sorted(merged.values(), key=lambda d: (d.line, DEFECT_KINDS.index(d.kind))))
