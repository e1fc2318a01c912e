"""Reads the bullets, paragraphs and headings of a list that name a paper, a data set or a metric.

A bullet or paragraph is a paper when it reads as one (a title with a link, a venue or a year; a citation);
a bold line alone is a heading in all but name; a to-do, news or a link to videos is no paper. Each row is
added to the list's state (ingest/list_state.py) with the headings' context.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from markdown_it.token import Token

from ingest.cells import Cell
from ingest.inline import ET_AL, NAME_AND_YEAR, QUOTED, RowText, label_role, visible_pieces, year_of
from ingest.list_state import ListState
from kg.core.headings import (
    PSEUDO_HEADING_LEVEL,
    heading_year,
    named_section_kind,
    names_papers,
    names_software_beside_data,
)
from kg.core.links import is_paper_link, is_pdf, make_link, paper_links
from kg.core.model import PAPER_KINDS, SOURCE_HOSTS, EntryFlag, Link
from kg.core.vocab import UNDER_REVIEW, YEAR

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
MAX_BOLD_HEADING_WORDS = 8
MAX_VENUE_LINE_WORDS = 3
"""Words a bold line may have to be a heading in all but name ("**2.1 Fundamental Papers**")."""
FIELD_ITEM = re.compile(r"\s*([A-Za-z][\w.()/-]*(?:\s[\w.()/-]+){0,2})\s*:\s+(\S.*)", re.DOTALL)
"""A field of a work in a bullet of its own: a name of up to three words, a colon, a value ("arxiv: [url](url)",
"project page: ...", "intro: CVPR 2019")."""
LINK_LABEL = re.compile(r"\[([^\[\]]*)\]\(")
LINK_MARKUP = re.compile(r"\[[^\[\]]*\]\([^()\s]*\)")
PROCEEDINGS_HOSTS = frozenset({"cvf", "ieee", "acm", "openreview"})
NAVIGATION_LABEL = re.compile(r"\s*[←→↑↓⬅➡⬆⬇«»⇦⇨]")
AWESOME = re.compile(r"\W*awesome\b", re.IGNORECASE)
BLOG_HOSTS = ("medium.com", "substack.com", "zhuanlan.zhihu.com", "notion.site")
VIDEO_HOSTS = ("youtube.com", "youtu.be", "bilibili.com", "vimeo.com")
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


def _navigation(cell: Cell) -> bool:
    """Whether a row's links only move the reader around: bookmarks into the list ("[2023](#cvpr-2023)") or
    links whose label opens with an arrow ("[← Back to main README](./README.md)")."""
    return bool(cell.links) and all(href.startswith("#") or NAVIGATION_LABEL.match(label) for label, href in cell.links)


def _links_its_paper(read: RowText, links: list[Link]) -> bool:
    """Whether a row's title, of four or more words, links the paper itself on arXiv: a paper, whatever the
    heading above it or the date before it says."""
    return (read.title_link is not None and len(read.title.split()) > MIN_BULLET_TITLE_WORDS
            and any(link.column == "title" and link.arxiv_id for link in links))


def _title_links_a_note(cell: Cell) -> bool:
    """Whether a row's title links a page of the list's own repository (`[Double DQN](DDQN.md)`, after tags in
    code: "`CVPR` [Title](./2016/Title.md)"): the list's note on the paper, which stands for a link when
    deciding that the row names a paper."""
    first = next((p for p in visible_pieces(cell.pieces) if p.kind != "code"), None)
    return (first is not None and first.kind == "link" and bool(first.href)
            and not first.href.startswith("#") and urlsplit(first.href).scheme == "")


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
    return bool(paper_links(links))


def _is_bold_line(cell: Cell) -> bool:
    """A paragraph of bold text alone (an emoji beside it aside: "**OpenPose** 🌟")."""
    visible = [p for p in visible_pieces(cell.pieces) if p.kind != "text" or p.strong or re.search(r"\w", p.text)]
    return bool(visible) and all(p.kind == "text" and p.strong for p in visible)


def _is_bold_heading(cell: Cell) -> bool:
    """A paragraph of bold text alone, short enough to be a heading."""
    return _is_bold_line(cell) and len(cell.text.split()) <= MAX_BOLD_HEADING_WORDS


def names_a_paper(state: ListState, line: int, cell: Cell) -> bool:
    """Whether a heading is a paper's row: it links the paper itself (arXiv, a publisher, a PDF) beside
    a title of more than three words ("#### [ROS navigation stack](...pdf)" names a group)."""
    read = state.read_row(line, cell, default="paper")
    return (len(read.title.split()) > MIN_BULLET_TITLE_WORDS
            and any(is_paper_link(link) for link in state.links_of(read)))


def _work_among_datasets(state: ListState, cell: Cell) -> bool:
    """Whether a row under a heading of datasets is a paper: the heading names papers too ("Datasets,
    Benchmarks & Surveys") and the row's title names a kind of work (a survey, a review); or the heading
    names software too ("HW / SW / Dataset") and the row links an arXiv paper or a PDF and names no data
    set the vocabulary knows (a report on a library: "TensorFlow: Large-scale machine learning ...")."""
    heading = state.kind_heading or ""
    text = " ".join([cell.text, *(label for label, _ in cell.links)])
    if names_papers(heading) and any(state.vocab.concepts[c].kind_of_work for c in state.vocab.concepts_in(text)):
        return True
    links = [make_link(href, label, "paper") for label, href in cell.links]
    return (names_software_beside_data(heading) and not state.vocab.datasets_in(text)
            and any(link.arxiv_id or is_pdf(link.url) for link in links))


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


def read_list_item(state: ListState, tokens: list[Token], start: int) -> int:
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
    raw = state.lines[item.map[0]]
    if inline is None:
        state.warn(line, "list item with no text of its own; not read")
        return start
    own, nested, close = _item_texts(tokens, start)
    cell = state.cell(own)
    if _navigation(cell):
        return start  # the list's table of contents: navigation, not a row
    resume = start
    # "**Title (ICML 2018)**", or a title of several words, alone: its authors and links below
    if not cell.links and (YEAR.search(cell.text) or len(cell.text.split()) > MIN_BULLET_TITLE_WORDS):
        nested_cell = state.cell(nested)
        labels = [label for label, _ in nested_cell.links]
        # the sub-items carry resources ("[[Paper]]", "[[Python Reference]]") and authors, not rows of
        # their own (a title in bold, a long label, a year)
        if (labels and all(len(label.split()) <= MAX_RESOURCE_LABEL_WORDS for label in labels)
                and not any(piece.strong for piece in nested_cell.pieces) and not YEAR.search(nested_cell.text)):
            cell, resume = state.cell(f"{own}  \n{nested}"), close
    elif cell.links and nested and not YEAR.search(cell.text):  # "- Title. [[pdf]](url)" over its citation
        nested_cell = state.cell(nested)
        # sub-items of authors, venue and year ("  - K. Doan, P. Li. *NeurIPS*, 2021.", or the authors and
        # "Communications of the ACM, 1995" apart), no rows of their own: one of them gives a year
        lines = [line.strip() for line in nested.strip().splitlines()]
        dated = [line for line in lines if YEAR.search(line) or state.vocab.parse_venue(line).year]
        if (not nested_cell.links and len(lines) <= MAX_CITATION_SUB_ITEMS and len(dated) == 1
                and not any(piece.strong for piece in nested_cell.pieces)):
            # the dated line, bracketed, is the row's venue tag: "[SIGMOD'08]", "[Communications of the ACM, 1995]"
            # (only beside a line of authors: "Kevin Doan and Ping Li, 2021" alone names who, not where)
            cited = [f"[{line.strip('*_ .')}]" if line in dated and len(lines) > 1
                     and NAME_AND_YEAR_LINE.fullmatch(line) else line for line in lines]
            cell, resume = state.cell("  \n".join([own, *cited])), close
        elif _resources_only(state, nested):
            # sub-items that only link the work's resources ("  - Early published [arXiv](url)", "  - Codes:
            # [Pytorch](url)", "  - Remark: ..."): their links are the row's, their words notes on it
            cell, resume = state.cell("  \n".join([own, *LINK_MARKUP.findall(nested)])), close
    if _is_bold_heading(cell):
        state.push_heading(PSEUDO_HEADING_LEVEL, cell.text, line)
        return start
    kind = state.section_kind
    if kind == "datasets" and _work_among_datasets(state, cell):
        kind = "papers"
    if kind == "datasets":
        name = re.split(r"[\[(:–—]|\s-\s", cell.text)[0] if cell.text else ""
        name = name or next((label for label, _ in cell.links if label), "")
        state.add_dataset(line, raw, name, state.make_links(line, cell, "dataset"), cell.malformed)
        return resume
    if kind == "metrics":
        state.add_metric(line, raw, cell.text, "", state.make_links(line, cell, "paper"))
        return resume
    if kind != "papers" and not (kind == "other" and _cites_a_paper(state, line, cell)):
        state.warn(line, f"list item under {state.section!r}, not a section of papers; not read")
        return resume
    read_paper_bullet(state, line, raw, cell, nested=item.level > 1)
    return resume


def read_paragraph(state: ListState, tokens: list[Token], start: int) -> int:
    """A paragraph that is only bold text is a heading in all but name (`**2.1 Fundamental Papers**`), unless
    the fields of a work follow it (`**Title**` over `- intro: CVPR 2019` and `- arxiv: [url](url)`, or over a
    line of its links alone): then it is that work's row. A paragraph in a papers section that opens with its
    title, in bold or as a link (`**Title**\\ *Authors*\\ CVPR 2023. [[Paper](url)]`), or cites a paper
    with its title in quotes, is a paper; other paragraphs are prose. Returns the index to go on from."""
    token, inline = tokens[start], tokens[start + 1]
    if inline.type != "inline" or not token.map:
        return start
    line = token.map[0] + 1
    cell = state.cell(inline.content)
    fields = _fields_below(state, tokens, start + 3) if _is_bold_line(cell) and state.section_kind == "papers" else None
    # a title may name papers ("... Driving: A Review"); a name of another kind of rows ("**Datasets**"), a year or
    # a venue ("**ICLR'25**" over "- MedRegA: Title [[paper](url)]") is a heading
    if (fields is not None and named_section_kind(cell.text) in (None, "papers") and heading_year(cell.text) is None
            and state.vocab.parse_venue(cell.text).kind == "unknown"):
        text, resume = fields
        read_paper_bullet(state, line, state.lines[line - 1], state.cell(f"{inline.content}  \n{text}"))
        return resume
    venue = state.vocab.parse_venue(cell.text) if not cell.links else None
    if _is_bold_heading(cell) or (venue is not None and venue.known_and_dated
                                  and len(cell.text.split()) <= MAX_VENUE_LINE_WORDS):
        # a line of bold words, or one naming a venue and its year alone ("ICCV'23"), heads the rows below it
        state.push_heading(PSEUDO_HEADING_LEVEL, cell.text, line)
        return start
    if state.section_kind != "papers" and not (state.section_kind == "other" and _cites_a_paper(state, line, cell)):
        return start
    if _navigation(cell):
        return start  # "**CVPR** [2023](#cvpr-2023) [2022](#cvpr-2022)": bookmarks into the list, not a row
    first = next(iter(visible_pieces(cell.pieces)), None)
    after_first = cell.pieces[cell.pieces.index(first) + 1 :] if first is not None else []
    opens_with_title = first is not None and (
        # bold words ending in a colon label what follows ("**Other Paper Collection Repo:** [Github](url)")
        (first.kind == "text" and first.strong and not first.text.rstrip().endswith(":"))
        or (first.kind == "link" and not state.reader.is_generic(first.text))
        or (first.kind == "text" and first.emphasis and bool(after_first) and after_first[0].kind == "break")
        # a method's name, then its linked title: "FullGrad, [Full-Gradient Representation ...](url), NIPS 2019"
        or (first.kind == "text" and bool(NAME_BEFORE_TITLE.fullmatch(first.text)) and bool(after_first)
            and after_first[0].kind == "link" and not state.reader.is_generic(after_first[0].text))
    )
    if opens_with_title or _cites_in_quotes(cell):
        read_paper_bullet(state, line, state.lines[line - 1], cell)
    return start


def _fields_below(state: ListState, tokens: list[Token], start: int) -> tuple[str, int] | None:
    """The fields of a work written below its bold title, as one row's text, and the index of the last token
    they take: a bullet list whose every item is a field (`- arxiv: [https://arxiv.org/abs/..](..)`, `- intro:
    CVPR 2019`, `- github: [url](url)`; a link labelled with its own address takes the field's name as its
    label), or a paragraph of links alone (`[https://arxiv.org/abs/..](..)`). None when what follows is
    anything else, or links no paper: then the bold line is a heading."""
    if start >= len(tokens):
        return None
    if tokens[start].type == "paragraph_open":
        cell = state.cell(tokens[start + 1].content)
        if cell.text or not cell.links or not all(_is_address(label) or state.reader.is_generic(label)
                                                  for label, _ in cell.links):
            return None
        text, end = tokens[start + 1].content, start + 2
    elif tokens[start].type == "bullet_list_open":
        level, lines, end = tokens[start].level, [], start + 1
        while not (tokens[end].type == "bullet_list_close" and tokens[end].level == level):
            if tokens[end].type == "inline" and tokens[end].level == level + 3:
                field = FIELD_ITEM.match(tokens[end].content)
                cell = state.cell(tokens[end].content)
                if field is None or any(not (_is_address(label) or state.reader.is_generic(label))
                                        for label, _ in cell.links):
                    return None  # "- DETR: [End-to-End Object Detection ...](url)": a paper's row of its own
                lines.append(_field_text(*field.groups()))
            end += 1
        text = "  \n".join(lines)
    else:
        return None
    links = [make_link(href, label, "paper") for label, href in state.cell(text).links]
    return (text, end) if any(is_paper_link(link) for link in links) else None


def _resources_only(state: ListState, nested: str) -> bool:
    """Whether the sub-items of a linked row only give its resources: some link, every link labelled with
    everyday words ("arXiv", "Pytorch", "Code"), and every line a field ("Remark: ...") or a few words besides
    its links ("Early published [arXiv](url)"); never a title of its own, a bold name or a year."""
    cell = state.cell(nested)
    lines = [line.strip() for line in nested.strip().splitlines() if line.strip()]
    return (bool(cell.links) and all(label_role(label) or state.reader.is_generic(label) for label, _ in cell.links)
            and not any(piece.strong for piece in cell.pieces) and not YEAR.search(cell.text)
            and all(FIELD_ITEM.match(line) or len(LINK_MARKUP.sub("", line).split()) <= MAX_RESOURCE_LABEL_WORDS
                    for line in lines))


def _field_text(name: str, value: str) -> str:
    """A field as a line of its work's row: links labelled only with their address take the field's name as
    their label ("arxiv: [https://arxiv.org/abs/..](url)" is "[arxiv](url)"); any other field stays as written."""
    relabelled = LINK_LABEL.sub(lambda match: f"[{name}](" if _is_address(match.group(1)) else match.group(0), value)
    return relabelled if relabelled != value else f"{name}: {value}"


def _is_address(label: str) -> bool:
    """Whether a link's label is a web address (`[https://arxiv.org/abs/1711.06396](...)`): it says nothing."""
    return bool(re.match(r"\s*(?:https?://|www\.)", label))


def _cites_a_paper(state: ListState, line: int, cell: Cell) -> bool:
    """Whether a row under a heading of non-papers still cites a paper: it links the paper itself and
    names a venue the vocabulary knows, not as a tutorial, course or talk ("Tutorials" holding an
    arXiv tutorial paper, "Toolkits" holding demo papers, "Related Resources" a journal report), or it
    gives a title in quotes with its arXiv paper."""
    read = state.read_row(line, cell, default="paper")
    links = state.links_of(read)
    if QUOTED.search(cell.text) and any(link.arxiv_id for link in links):
        return True  # a title in quotes and its arXiv paper: "[LaneNet](arxiv)《Real-Time Lane Detection ...》"
    if _dated(cell) and _links_its_paper(read, links):
        return True  # "[2024/12/07] [Video Set Distillation: ...](https://arxiv.org/abs/...)" under "Updates"
    if (not read.title and state.headings and state.headings[-1][0] == PSEUDO_HEADING_LEVEL
            and any(label_role(link.label) == "paper" and is_paper_link(link)
                    for link in links)):
        return True  # "**Dlib Face Alignment**" over "📄 [Paper](...pdf) | [Code](...)": the named tool's paper
    venue_raw = state.venue_from_tags([*read.venue_tags, _venue_in_text(state, cell.text)])
    if (state.vocab.parse_venue(venue_raw).kind == "unknown"
            or any(NOT_A_PAPER_VENUE.search(tag) for tag in [*read.venue_tags, venue_raw])):
        return False
    return any(link.kind in PAPER_KINDS or (is_pdf(link.url) and label_role(link.label) != "project")
               for link in links)


def _venue_in_text(state: ListState, text: str) -> str:
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
        # "MICCAI 2023 PRIME Workshop": the workshop of that venue
        after = re.match(r"\s*(?:[\w-]+\s+){0,2}?(workshops?)\b", text[match.end() :], re.IGNORECASE)
        for size in (3, 2, 1):
            name = " ".join(words[-size:]) if len(words) >= size else ""
            if name and state.vocab.venue_family(name):
                return f"{name} {match.group(1)}" + (f" {after.group(1)}" if after else "")
    return ""


def read_paper_bullet(state: ListState, line: int, raw: str, cell: Cell, nested: bool = False) -> None:
    """A bullet that names a paper: `[Title](url) [CVPR 2022] [[Code](url)]`, `Title [Paper](url)`,
    `**Title** <br> Authors <br> [pdf](url)`, `[Abbrev] [Title](url), `CVPR 2023`` and their variants.
    nested: the bullet is a sub-item of another list item."""
    read = state.read_row(line, cell, default="paper")
    venue_raw = state.venue_from_tags([*read.venue_tags, _venue_in_text(state, cell.text)])
    lead = _text_before_links(cell)
    if (not venue_raw and read.title_link is not None and NAME_AND_YEAR.fullmatch(lead)
            and not re.search(MONTH, lead, re.IGNORECASE)):  # "Added March 2021 [Title](url)" is a date
        venue_raw = lead  # "Neural Networks 2020 [Title](url)": the venue, then the title
    if venue_raw and read.title_link is None:  # "Title, CVPR 2024: [Paper]": the title ends before its venue
        cut = re.search(r"[,.;:]?\s*" + r"\W*\s*".join(map(re.escape, venue_raw.split())), read.title)
        if cut and cut.start() > 0:
            read.title = read.title[: cut.start()].strip(" ,.;:")
    links = state.links_of(read)
    if not read.title and _paper_under_bold_name(state, links):
        return
    # a row of plain words under a heading that names a venue ("## CVPR 2023") needs no venue of its own;
    # plain words in a sub-item are a note on the item above ("  - the first to use CTC for ...")
    heading_venue = state.heading_venue() if not cell.links and not nested else ""
    reason = _not_a_paper(read, cell, venue_raw or heading_venue, links, _title_links_a_note(cell))
    if reason:
        state.warn(line, f"list item not read as a paper: {reason}")
        return
    flags: list[EntryFlag] = (["malformed_markdown"] if cell.malformed else []) + (
        ["placeholder"] if cell.placeholder else []
    )
    # a venue without a year leaves the year to the row ("**[2025]** Title. [PDF](..). *CVPR*.")
    year = year_of(cell.text) if state.vocab.parse_venue(venue_raw).year is None else None
    state.add_entry(line, raw, read.title, venue_raw, year, links, [], [], flags)


def _paper_under_bold_name(state: ListState, links: list[Link]) -> bool:
    """A bullet of links alone ("📄 [Paper](url) | [Code](url)") under a bold name ("**HRNet (High-Resolution
    Network)**", then bullets of its features) gives that name's paper, read at the name's line, once."""
    level, name, line = state.headings[-1] if state.headings else (0, "", 0)
    if (level != PSEUDO_HEADING_LEVEL or line in state.named_by_bold or not paper_links(links)
            or named_section_kind(name) or heading_year(name)):  # "**Surveys**", "**2023**" name no work
        return False
    state.named_by_bold.add(line)
    # the name, without what spells it out, decorates or introduces it: "HRNet (High-Resolution Network)",
    # "OpenPose 🌟", "ViTPose Key Features:"
    title = re.sub(r"\s*\([^()]*\)\s*$", "", BLOCK_LABEL.sub("", re.sub(r"[^\w)]+$", "", name))) or name
    state.add_entry(line, state.lines[line - 1], title, "", year_of(name), links, [], [], [])
    return True


def _is_blog_post(url: str) -> bool:
    """Whether a URL is a post on a blog or a social site (a "blog" or "posts" folder, or a blogging host)."""
    parts = urlsplit(url.lower())
    return (any(parts.netloc == host or parts.netloc.endswith("." + host) for host in BLOG_HOSTS)
            or bool({"blog", "blogs", "posts"} & set(parts.path.split("/"))))


def _not_a_paper(read: RowText, cell: Cell, venue_raw: str, links: list[Link], noted: bool) -> str | None:
    """Why a bullet in a papers section is not a paper, or None when it is one. `noted`: the title links
    the list's own note on it."""
    if read.todo:
        return "a to-do item"
    # a dated row that links a paper itself is a log of papers, not news: "[2016/07] [TMM 2016] Title [[paper](url)]"
    if _dated(cell) and not any(is_paper_link(link) for link in links):
        return "a dated news item"
    if not read.title:
        return "no title"
    if links and all(any(host in link.url.lower() for host in VIDEO_HOSTS) for link in links):
        return "it links only to videos"
    if not venue_raw and links and all(_is_blog_post(link.url) for link in links):
        return "it links only to blog posts"
    if AWESOME.match(read.title) and links and all(link.kind in SOURCE_HOSTS for link in links):
        return "it is another list of resources"  # "[Awesome Sign Language Recognition](github.com/...)"
    words = len(read.title.split())
    paper_link = any(link.column in ("title", "paper") and link.kind not in SOURCE_HOSTS for link in links)
    if words >= MIN_BULLET_TITLE_WORDS and (links or noted or venue_raw
                                            or year_of(cell.text.replace(read.title, ""))):
        return None
    # a name linking the paper itself on arXiv or a proceedings host ("[Meta-SR](openaccess.thecvf.com/...pdf)";
    # not "publisher", which also holds aggregators such as Papers with Code)
    if (venue_raw or (paper_link and any(link.arxiv_id or (link.column == "title" and link.kind in PROCEEDINGS_HOSTS)
                                         for link in links)) or (read.bold_title and links)
            or (noted and year_of(cell.text.replace(read.title, "")))  # "[GAN Q-learning](GANQL.md) 20 July 2018"
            or (links and ET_AL.search(cell.text))):  # "[Alias-Free GAN](url) (Karras et al. 2021)": cited
        return None
    if words >= MIN_BULLET_TITLE_WORDS:
        return "no link, no venue and no year"
    if not links:
        return "no link, no venue and a title of fewer than three words"
    return "a title of fewer than three words with no venue and no arXiv link"
