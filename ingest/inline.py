"""How one row of a list names its paper: title, venue tag and the role of each link.

Reads: the inline markdown of a bullet or a table cell, already parsed by markdown-it into `Piece`s.
Writes: a `RowText` (title, venue tags, links with their roles, notes).

The rules are about markdown structure and the vocabularies, never about one list:
- a link's role comes from the words of its label ("Code", "[ProjectPage]", "Paper (arXiv)") and then
  from its host (a GitHub repository is code, arXiv or OpenReview is the paper, *.github.io a project page);
- a label made only of such everyday words is not a title; any other label is ("Video Diffusion Models"
  is a title, "Video" is not);
- a venue tag is a bracketed, parenthesised, code or emphasised span that the venue vocabulary reads as a
  venue (or an acronym followed by a year), wherever it stands;
- an abbreviation tag (`[NeRF-AD]`) before the title is not part of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from kg.core.links import arxiv_id, classify
from kg.core.model import CODE_HOSTS, PAPER_KINDS, LinkColumn
from kg.core.vocab import EMOJI_SHORTCODE, VENUE_DECORATIONS, YEAR, Vocabulary, alias_key, century

PieceKind = Literal["text", "link", "code", "break", "venue"]

# Words that make up the labels of links to a paper's resources rather than to the paper by its title.
PAPER_WORDS = frozenset({
    "paper", "papers", "pdf", "arxiv", "openreview", "doi", "ieee", "ieeexplore", "acm", "cvf", "springer",
    "abs", "abstract", "publication", "pub", "html", "full", "text", "journal", "proceedings", "preprint",
    "article",
})
CODE_WORDS = frozenset({
    "code", "codes", "github", "gitlab", "repo", "repository", "implementation", "impl", "pytorch",
    "tensorflow", "tf", "jax", "keras", "official", "unofficial", "source", "sourcecode",
})
PROJECT_WORDS = frozenset({
    "project", "projects", "proj", "page", "projectpage", "web", "webpage", "website", "site", "homepage",
    "home", "demo", "demos", "video", "videos", "youtube", "bilibili", "slides", "slide", "poster", "blog",
    "talk", "presentation", "colab", "notebook", "space", "spaces", "app", "online", "live", "gallery",
    "samples", "sample", "examples", "results", "audio", "supp", "supplementary", "supplemental", "material",
    "ppt",
})
DATASET_WORDS = frozenset({
    "dataset", "datasets", "data", "download",
})
OTHER_WORDS = frozenset({
    "link", "links", "here", "the", "of", "and", "for", "model", "models", "weights", "checkpoint",
    "checkpoints", "hf", "huggingface", "hugging", "face", "bib", "bibtex", "citation", "tweet", "twitter",
    "zhihu", "star", "stars", "release", "released", "coming", "soon", "temp", "tbd", "todo", "n", "a", "docs",
    "documentation", "leaderboard", "api", "in",
})
GENERIC_WORDS = PAPER_WORDS | CODE_WORDS | PROJECT_WORDS | DATASET_WORDS | OTHER_WORDS
POINTER_WORDS = frozenset({"link", "links", "here", "url"})
"""Words of a label that only points ("[Link]", "[here]"): the link's host says what it is."""
# A label of more words than this is a title even when every word is an everyday one.
MAX_GENERIC_WORDS = 4

BRACKETED = re.compile(r"[\[(【（]\s*([^\[\]()【】（）]{2,60}?)\s*[\])】）]")
# A date written after a title: "Title 10 Jun 2019".
TRAILING_DATE = re.compile(
    r"\s+\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?:19|20)\d\d\s*$", re.IGNORECASE)
# What a citation writes between a title and its venue: "Title, in *KDD* 2024." (the venue is a tag by now).
CITED_IN = re.compile(r",\s*(?:published\s+|appeared\s+)?(?:in|at)[\s.,;:]*$", re.IGNORECASE)
# Authors or a year written after a title as text: "Title, G. Hinton and R. Salakhutdinov.", "Title. Chen and
# Manning.", "Title (2014, C. Dong et al.", "Title (Weikum et al, 2010)", "Title, Bo Xu, 2019" (initials and
# surnames, two surnames, an opened year, a bracketed "et al.", or a year in the last few words after a comma).
AUTHORS_AFTER_TITLE = re.compile(
    r"(?:,\s+(?:[A-Z]\.\s?){1,3}[A-Z][\w'’\-]+\b"
    r"|\.\s+[A-Z][\w'’\-]+(?:\s+and\s+[A-Z][\w'’\-]+|\s+et\.?\s+al\b)[.\s]*$"
    r"|\s+\((?:19|20)\d\d,).*$"
    r"|\s+\([A-Z][\w'’\-]+\s+e[tl]\.?\s+al\b[^()]*\)"
    r"|,\s*(?:[^,]{1,40},\s*){0,2}?(?:[A-Z][\w.&'’\-]*\s+){0,2}(?:19|20)\d\d\s*(?:\([^()]*\))?[.\s]*$")
BROKEN_LINK_AFTER_TITLE = re.compile(r"\[+[^\[\]]*\]+\s*\[\s*https?://.*$")
"""A link written with brackets for parentheses, glued to the title: "Title[[paper][https://arxiv.org/...]]"."""
# Tags of one token that close a title written as text: "Title [bnn] [hardware]".
LABEL_TAGS = re.compile(r"(?:\s*\[\s*[^\[\]\s]{1,20}\s*\])+[\s\[(]*$")
# A tag of one token before a title: "[NeRF-AD]", "(SadTalker)".
ABBREVIATION_TAG = re.compile(r"^\s*\[\s*[^\[\]\s]{1,40}(?:\s[^\[\]\s]{1,20})?\s*\]\s*")
MAX_ITALIC_VENUE_WORDS = 6
INITIAL = re.compile(r"\b[A-Z]\.\s")
"""An initial in a run of names: "R. G. Kaiming He, P. Dollar"."""
MAX_TAG_WORDS = 3
"""Bold words before a longer title in italics that are a tag (a name, the authors), not the title."""
ET_AL = re.compile(r"\be[tl]\.?\s+al\b", re.IGNORECASE)
ENDS_IN_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?:[/.-]\d{1,2}){0,2}$")  # a year, or a date: "arXiv-2021/12/1"
MIN_LINKED_TITLE_WORDS = 3
"""Words of a link label that make it a title rather than a name ("[Masked Vision-Language Transformers ...]")."""
PRESENTED_AS = VENUE_DECORATIONS | {"workshop"}
"""Words in brackets closing a title that say how or where in its venue the work was presented."""
DATES_ONLY = re.compile(r"\s*(?:[\[(]\s*(?:19|20)\d\d[./-]\d{1,2}(?:[./-]\d{1,2})?\s*[\])]\s*)*")
"""Nothing but dates in brackets: "[2020/09] " before a row's venue tag."""
NAME_SEPARATOR = re.compile(r"\s*(?:[—–:]|-\s|\()")  # "**CLIP** — ...", "**GatorTron** (90B words)"
CONNECTING_WORDS = frozenset({
    "a", "an", "the", "of", "for", "with", "and", "or", "to", "in", "on", "via", "by", "from", "using",
    "towards", "toward",
})
QUOTED = re.compile(r"[\"“《「]([^\"”》」]{8,300})[\"”》」]")
TODO_ITEM = re.compile(r"^\s*\[[ xX]\]\s")
ACRONYM_YEAR = re.compile(
    r"^\s*((?=[A-Za-z&-]{2})[A-Z][A-Za-z&]{0,11}(?:-[A-Z][A-Za-z&]{0,11})?)\W{0,3}(?:(?:19|20)\d\d|['’‘]\d\d)\b")
# A word written as an acronym: "IJRR", "T-RO", "TBIOM" ("IEEE TBIOM", "ACM CSUR").
ACRONYM = re.compile(r"(?=[A-Z&-]{2})[A-Z][A-Z0-9&]*(?:-[A-Z0-9&]+)?")
# A venue written out and dated: "Robotics and Autonomous Systems 2013", "Robotica 2015".
NAME_AND_YEAR = re.compile(
    r"[A-Z][\w&.'’-]*(?:\s+(?:[A-Z][\w&.'’-]*|of|and|on|for|in|the|with|&)){0,11}\s+(?:19|20)\d\d")
MAX_ACRONYM_VENUE_WORDS = 4
VOLUME = re.compile(r"\s*(?!(?:19|20)\d\d\b)\d{1,4}\s*")
"""A journal's volume, set in bold by chemistry and physics citation styles (a year is none)."""
JOURNAL_BEFORE_VOLUME = re.compile(r",\s*([A-Za-z][\w&'’-]*(?:\s+(?:[A-Z][\w&'’-]*|of|and|in|on|for|the|&)){0,7})\s*$")
"""The words after a citation's last comma, up to its volume: "..., Accounts of Chemical Research "."""
ACRONYM_VENUE = re.compile(r"(?=(?:\S*[A-Z]){2})[A-Z][\w&.-]*(?:\s[A-Z][\w&.-]*){0,2}")
"""Up to three capitalised words with two or more capitals in all: "EuroS&P", "IEEE TEC", "S&P", not "Survey"."""
MAX_VENUE_NOTE_WORDS = 8
# Where a run of a row's plain text breaks into parts that may each be a venue: sentences, clauses, brackets.
VENUE_SEPARATORS = re.compile(r"(?<=[.;:,|])\s+|[()\[\]|]|\s[-–—]\s")
# Words that decorate a venue without changing it ("CVPR 2021 Oral", "ICLR 2025 Spotlight").
TRAILING_PUNCTUATION = " \t,.;:-–—|/\\*_~"


def label_words(label: str) -> list[str]:
    """The words of a link label, camelCase split and lowercased: "ProjectPage" -> ["project", "page"]."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", label)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]


def label_role(label: str) -> LinkColumn | None:
    """What a link label says its link is (paper, code, project, dataset), or None when it says nothing. The
    label's words run together count too: "GitHub" splits into "git" and "hub" but says "github"."""
    split = label_words(label)
    words = {*split, "".join(split)}
    for role, vocabulary in (("code", CODE_WORDS), ("dataset", DATASET_WORDS), ("project", PROJECT_WORDS),
                             ("paper", PAPER_WORDS)):
        if words & vocabulary:
            return role  # type: ignore[return-value]
    return None


@dataclass(frozen=True)
class Piece:
    """One part of a row's inline markdown, in order: plain text, a link (text = its label), a code span."""

    kind: PieceKind
    text: str
    href: str = ""
    strong: bool = False
    emphasis: bool = False


def visible_pieces(pieces: list[Piece]) -> list[Piece]:
    """The pieces a reader sees: not line breaks, not blank text."""
    return [p for p in pieces if p.kind != "break" and (p.kind != "text" or p.text.strip())]


@dataclass
class RowText:
    """What a row's inline text says: title, venue tags, and (label, url, role) of each web link."""

    title: str = ""
    title_link: tuple[str, str] | None = None
    venue_tags: list[str] = field(default_factory=list)
    links: list[tuple[str, str, LinkColumn]] = field(default_factory=list)
    todo: bool = False
    bold_title: bool = False
    """The row opens with its title in bold (`**CLIP** — ...`): a name, however short, that the list
    set apart as a title."""


class RowReader:
    """Reads titles, venue tags and link roles with one vocabulary."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self._venue_words = {alias_key(a) for f in vocab.venues.values() for a in (f.id, *f.aliases)}

    def is_generic(self, label: str) -> bool:
        """A label that names a kind of resource, not a work: "Paper", "[Code]", "Project Page", "CVPR 2023"."""
        words = label_words(label)
        if not words:
            return True
        if len(words) > MAX_GENERIC_WORDS:
            return False
        return all(w in GENERIC_WORDS or w in self._venue_words or w.isdigit() for w in words)

    def venue_tag(self, text: str) -> str | None:
        """text itself when it reads as a venue ("CVPR 2022", "ICPR'20", "AAAI 2023 Oral"), else None."""
        text = text.strip(" *_`[]")
        if not text or len(text) > 60:
            return None
        venue = self.vocab.parse_venue(text)
        if venue.kind != "unknown" or YEAR.fullmatch(text):
            return text
        # An unknown acronym with a year ("ICPR 2020", "TAFFC 2023") is a venue the vocabulary lacks.
        acronym = ACRONYM_YEAR.match(text)
        if acronym and len(text.split()) <= 4 and sum(char.isupper() for char in acronym.group(1)) >= 2:
            return text  # not a capitalised word: "Slides 2021"
        return None

    def read(self, pieces: list[Piece], default: LinkColumn) -> RowText:
        """The title, venue tags and links of a bullet or title cell; default is the role of a link whose
        label and host say nothing."""
        row = RowText()
        text_parts: list[str] = []
        title_link: tuple[str, str] | None = None
        pieces = self._bold_venue(pieces)
        bold_title = row.bold_title = _opens_with_bold(pieces)
        spans = _italic_venues(pieces)
        for index, piece in enumerate(spans):
            if piece.kind == "venue":
                row.venue_tags.append(piece.text)
            elif piece.kind == "code":
                tag = self.venue_tag(piece.text)
                opens_row = piece is next(iter(visible_pieces(spans)), None)
                if tag or (opens_row and ACRONYM_VENUE.fullmatch(piece.text.strip())):
                    # "`EuroS&P` [Title](..)": a row that opens with an acronym in code names where it appeared
                    row.venue_tags.append(tag or piece.text.strip())
                elif _closes_text(spans, index) or (title_link is None and not "".join(text_parts).strip()):
                    # "Title **`kg.`**", "`ICCV` `UNIVERSAL` [Title]": a label beside the title, not of it
                    text_parts.append("\x01")
                else:
                    text_parts.append(piece.text)
            elif piece.kind == "link":
                label = " ".join(piece.text.split())
                if self.venue_tag(label) and not _is_web(piece.href):
                    row.venue_tags.append(label)
                    continue
                # one word in brackets is a tag, not a title: "[[FPGA](url)] Title", an acronym its venue; so is
                # a label in its own brackets, which with a year names the venue: "Title [[ISPRS J., 2020]](url)"
                tag = _in_brackets(spans, index) and len(label.split()) == 1 and not self.is_generic(label)
                if tag and ACRONYM.fullmatch(label) and not self.venue_tag(label):
                    row.venue_tags.append(label)
                if label.startswith("[") and label.endswith("]") and bool(text_parts):
                    tag = True
                    if YEAR.search(label) and not self.venue_tag(label):
                        row.venue_tags.append(" ".join(label.strip("[]").replace(",", " ").split()))
                # Links in italics are authors; a row that opens in bold has its title there; a link after
                # the row's first resource link is one more resource ("[Paper](..) [Pretrained](..)").
                if (title_link is None and not bold_title and not piece.emphasis and not self.is_generic(label)
                        and not self.venue_tag(label) and not row.links and not tag):
                    title_link = (label, piece.href)
                    text_parts.append("\x00")  # where the title link stood
                    continue
                # a badge or link naming where the paper appeared, beside a title in bold: "Nature Biotechnology 2023"
                if self.venue_tag(label) or (bold_title and label_role(label) is None
                                             and NAME_AND_YEAR.fullmatch(label)):
                    row.venue_tags.append(label)
                row.links.append((label, piece.href, self.link_role(label, piece.href, default)))
                text_parts.append("\x01")  # a link: ends a run of title text
            elif piece.kind == "break":
                text_parts.append("\x02")
            elif ((piece.emphasis and not piece.strong and self._dated_venue(piece.text))
                  or (piece.strong and _in_brackets(spans, index, "()")
                      and (NAME_AND_YEAR.fullmatch(piece.text.strip())
                           or self.vocab.parse_venue(piece.text).year is not None))):
                # "Title, *AAAI'24* ([Paper](url))": a venue and its year in italics is a tag, wherever it stands;
                # so is a name and a year in bold within brackets: "Title (**Bull. Math. Biophysics 1943**)"
                row.venue_tags.append(piece.text.strip(TRAILING_PUNCTUATION + "()"))
                text_parts.append("\x01")
            else:
                text_parts.append(piece.text)
        text = "".join(text_parts)
        row.todo = bool(TODO_ITEM.match(text))
        text = self._take_venue_tags(text, row.venue_tags)
        named = self._venue_after_title(pieces, title_link, bold_title)
        if named:
            row.venue_tags.append(named)
        quoted = QUOTED.search(text.replace("\x00", " ").replace("\x01", " "))
        if title_link is not None and len(title_link[0].split()) == 1 and quoted and len(quoted.group(1).split()) >= 3:
            row.title = _clean_title(quoted.group(1))  # "[LaneNet](url)《Real-Time Lane Detection ...》": a name
            row.links.insert(0, (title_link[0], title_link[1], "title"))
        elif title_link is not None:
            row.title = _clean_title(title_link[0])
            row.title_link = title_link
            row.links.insert(0, (title_link[0], title_link[1], "title"))
        else:
            row.title = self._title_from_text(text, pieces, row.venue_tags)
        return row

    def _dated_venue(self, text: str) -> bool:
        """Whether text is a venue the vocabulary knows, with its year ("AAAI'24", "Nature 2023")."""
        return self.vocab.parse_venue(text.strip(TRAILING_PUNCTUATION + "()")).known_and_dated

    def _bold_venue(self, pieces: list[Piece]) -> list[Piece]:
        """A row that opens in bold with where and when the paper appeared (`**CVPR 2023**: [Title](url)`,
        `**ICDAR-2019, cited by 45**:[Title](url)`) opens with a venue tag, not its title. The bold words up
        to the first comma, colon, semicolon or bar are the tag when the vocabulary knows them as a venue
        with its year, or when they are a few words ending in a year and a link labelled with a title follows;
        they become a venue piece, and the rest of the bold text plain text."""
        visible = visible_pieces(pieces)
        if not visible or visible[0].kind != "text" or not visible[0].strong:
            return pieces
        first = pieces.index(visible[0])
        head, rest = re.match(r"([^,:;|]*)(.*)", visible[0].text, re.DOTALL).groups()  # type: ignore[union-attr]
        head = head.strip()
        # a method's name in bold is the title's start: "**NeuRIS:** ...", a near miss of NeurIPS; "**VoxSRC 2019:**
        # The first ...", a title that opens with a year
        known = self._dated_venue(head)
        link = next((p for p in pieces[first + 1 :] if p.kind == "link" or re.search(r"\w", p.text)), None)
        titled = (link is not None and link.kind == "link" and len(link.text.split()) >= MIN_LINKED_TITLE_WORDS
                  and not self.is_generic(link.text))
        if not (known or (titled and ENDS_IN_YEAR.search(head) and len(head.split()) <= MAX_TAG_WORDS + 1)):
            return pieces
        return [*pieces[:first], Piece("venue", head), Piece("text", rest), *pieces[first + 1 :]]

    def _venue_after_title(self, pieces: list[Piece], title_link: tuple[str, str] | None,
                           bold_title: bool) -> str | None:
        """The venue a row names in its own words after its title, as citation styles write it:
        "**Title**. *Authors*. ACM TIST 2020. [[pdf](..)]", "Authors. 2006. [Title](..). In *Proceedings of
        ACL 2006*. ([Citation](..))", "[Title](..), IJRR 2024.", "Title. [PDF](..) | [Code](..). *CVPR*.",
        and in a row without links after its last comma ("Social Momentum, THRI 2022."). The first run of
        words after the title that reads as a venue (`_as_venue`) is it."""
        links = [i for i, piece in enumerate(pieces) if piece.kind == "link"]
        if not links:
            text = "".join(piece.text for piece in pieces if piece.kind == "text")
            return self._as_venue(text.rsplit(",", 1)[1], italic=False) if "," in text else None
        if title_link is not None:
            start = next(i for i in links if (" ".join(pieces[i].text.split()), pieces[i].href) == title_link) + 1
        elif bold_title:
            start = next(i for i, piece in enumerate(pieces) if piece.kind == "text" and piece.strong)
            while start < len(pieces) and pieces[start].kind == "text" and pieces[start].strong:
                start += 1
        else:
            start = links[0]  # a title written as text ends at the first link
        for index in range(start, len(pieces)):
            piece = pieces[index]
            if piece.kind != "text" or piece.strong:
                continue
            if piece.emphasis:  # in italics: a venue, unless the row opens in bold and sets its authors so
                found = self._as_venue(piece.text, italic=not bold_title)
            else:
                found = next(filter(None, (self._as_venue(part, italic=False)
                                           for part in VENUE_SEPARATORS.split(piece.text))), None)
            following = pieces[index + 1] if index + 1 < len(pieces) else None
            if not found and following is not None and following.strong and VOLUME.fullmatch(following.text):
                # "Authors, Chemical Reviews **121**(16), 10037–10072 (2021)": the journal, then its volume in bold
                journal = JOURNAL_BEFORE_VOLUME.search(piece.text)
                found = journal.group(1) if journal else None
            if found:
                return found
        return None

    def _as_venue(self, text: str, italic: bool) -> str | None:
        """text when it reads as a venue: the vocabulary reads it as one (or as an acronym and a year), it is
        in italics and short (and no list of authors), every word is an acronym ("IEEE TBIOM"), or it is a
        capitalised name and a year ("Robotics and Autonomous Systems 2013"); never a year alone."""
        text = " ".join(text.strip(TRAILING_PUNCTUATION + "()").split())
        words = text.split()
        if not words or BRACKETED.search(text) or YEAR.fullmatch(text):
            return None
        authors = "," in text or " et al" in text or " and " in text
        if (self.venue_tag(text) or (italic and not authors and len(words) <= MAX_ITALIC_VENUE_WORDS)
                or (len(words) <= MAX_ACRONYM_VENUE_WORDS and all(ACRONYM.fullmatch(w) for w in words))
                or NAME_AND_YEAR.fullmatch(text)):
            return text
        return None

    def link_role(self, label: str, href: str, default: LinkColumn) -> LinkColumn:
        """The role of a link that is not the title: told by its label's words, then by its host when
        the label says nothing ("[bibtex]" on GitHub is not code, "[TF]" on GitHub is)."""
        said = label_role(label)
        if said == "code" and arxiv_id(href):
            return "paper"  # "[[code](https://arxiv.org/abs/...)]": arXiv holds papers, whatever the label says
        if said is not None:
            return said
        if self.venue_tag(label):  # "[[ICML](https://arxiv.org/pdf/...)] Title": the paper, at that venue
            return _host_role(href) or "paper"
        words = set(label_words(label))
        if words and not words <= POINTER_WORDS and self.is_generic(label):
            return "other"
        return _host_role(href) or default

    def _take_venue_tags(self, text: str, tags: list[str]) -> str:
        """Remove bracketed venue tags from text, adding them to tags."""

        def replace(match: re.Match[str]) -> str:
            if match.start() == 0 and re.fullmatch(r"\d\d", match.group(1)):  # "(25)Title": a year
                tags.append(str(century(int(match.group(1)))))
                return " \x01 "
            # "Title. (Oral)", "Title (Workshop)": how or where within its venue it was presented
            if match.group(0).startswith("(") and set(match.group(1).lower().split()) <= PRESENTED_AS:
                return " "  # "Title. (Oral)": how it was presented, no part of the title
            if ET_AL.search(match.group(1)):
                return " \x01 "  # "(Park et al. 2019)": who wrote it and when, no venue
            tag = self.venue_tag(match.group(1))
            if tag is None and DATES_ONLY.fullmatch(text[: match.start()]) and NAME_AND_YEAR.fullmatch(match.group(1)):
                # the row opens with its venue, after any date: "(IEEE Intelligent Systems 2023) Title",
                # "[2020/09] [Multimedia Tools and Applications 2021] Title"
                tag = match.group(1)
            if (tag is None and not text[match.end() :].strip(TRAILING_PUNCTUATION) and YEAR.search(match.group(1))
                    and len(match.group(1).split()) <= MAX_VENUE_NOTE_WORDS):
                tag = match.group(1)  # it closes the title: "Title (Relational Representation Learning, NIPS 2018)"
            if tag is None:
                return match.group(0)
            tags.append(tag)
            return " \x01 "

        return BRACKETED.sub(replace, text)

    def _title_from_text(self, text: str, pieces: list[Piece], row_venues: list[str]) -> str:
        """A title written as text: bold text (unless it is one of the row's venue tags), a quoted title, or
        the text before the first link."""
        strong = self._take_venue_tags(_first_strong_run(pieces) or _first_italic_line(pieces), [])
        strong = strong.replace("\x01", " ").strip()
        quoted = QUOTED.search(text.replace("\x00", " ").replace("\x01", " ").replace("\x02", " "))
        quoted_title = quoted.group(1) if quoted and len(quoted.group(1).split()) >= 3 else ""
        # a few bold words before a longer title in italics are a name or the authors, not the title:
        # "**PCA** (Hoppe et al.) - *Surface Reconstruction from Unorganized Points*. SIGGRAPH 1992."
        # (unless the italics describe the work: "**[ClimateChat]** (ICLR 2025) — *Instruction-tuned dialogue LLM
        # specialized for climate science question answering.*", a sentence, names it by the bold words)
        italic = _first_italic_run(pieces)
        if (strong and len(strong.split()) <= MAX_TAG_WORDS < len(italic.split()) and not _is_sentence(italic)
                and italic.count(",") < 2 and not ET_AL.search(italic) and not INITIAL.search(italic)):
            return _clean_title(italic)
        # bold words fewer than a quoted title's are the method's name: **KIP**: Authors. "Dataset Meta-Learning ..."
        if (len(strong.split()) >= 2 or _opens_with_bold(pieces)) and not self.venue_tag(strong) and not (
                row_venues and strong in row_venues) and not (
                quoted_title and len(strong.split()) < len(quoted_title.split())):
            return _clean_title(strong)
        if quoted_title:
            return _clean_title(quoted_title)
        if strong.endswith(":") and len(strong.split()) <= 2 and text.lstrip().startswith(strong):
            text = text.lstrip()[len(strong):]  # "**p-tracker:** Tracking as Online ...": the name, then the title
        runs = re.split(r"([\x00\x01\x02])", text)
        for index in range(0, len(runs), 2):
            # "[[CVPR](url)] [251:fire:] Title": the bracket closing a link and the tags after it are not the title
            run = re.sub(r"^[\s\])}|:,.]+", "", TODO_ITEM.sub("", runs[index]))
            # "[Abbrev] Title": a tag before the title; a bracket holding the whole run is the title
            # ("`ARXIV` [Adversarial Spheres]")
            while ABBREVIATION_TAG.match(run) and re.search(r"[^\W\d_]", ABBREVIATION_TAG.sub("", run, count=1)):
                run = ABBREVIATION_TAG.sub("", run, count=1)
            # A title wrapped onto a new line (`<br>`) goes on when the next line reads as its continuation.
            while index + 2 < len(runs) and runs[index + 1] == "\x02" and _continues(run, runs[index + 2]):
                index += 2
                run = f"{run} {runs[index]}"
            run = BROKEN_LINK_AFTER_TITLE.sub("", AUTHORS_AFTER_TITLE.split(run, maxsplit=1)[0])
            title = _clean_title(TRAILING_DATE.sub("", CITED_IN.sub("", LABEL_TAGS.sub("", run))))
            if title and re.search(r"[^\W\d_]", title):
                return title
        return ""


def _italic_venues(pieces: list[Piece]) -> list[Piece]:
    """Citation style writes the venue in italics before its year (`*IEEE Access* 2022`): such a
    short italic phrase and the year after it become one venue piece."""
    result: list[Piece] = []
    index = 0
    while index < len(pieces):
        piece = pieces[index]
        following = pieces[index + 1] if index + 1 < len(pieces) else None
        year = re.match(r"\s*((?:19|20)\d\d)\b", following.text) if following and following.kind == "text" else None
        words = piece.text.split()
        if (piece.kind == "text" and piece.emphasis and not piece.strong and year
                and 0 < len(words) <= MAX_ITALIC_VENUE_WORDS and not following.emphasis):
            result.append(Piece("venue", f"{' '.join(words)} {year.group(1)}"))
            result.append(Piece("text", following.text[year.end() :]))
            index += 2
            continue
        result.append(piece)
        index += 1
    return result


def _closes_text(pieces: list[Piece], index: int) -> bool:
    """Whether nothing but punctuation, links and line breaks follows the piece at index."""
    return all(p.kind in ("link", "break") or (p.kind == "text" and not re.search(r"\w", p.text))
               for p in pieces[index + 1 :])


def _in_brackets(pieces: list[Piece], index: int, pair: str = "[]") -> bool:
    """Whether the piece at index stands inside square brackets of the row's text ("[[FPGA](url)]"), or inside
    another pair ("()": "Title (**Neural Networks 1997**)")."""
    before = pieces[index - 1] if index > 0 else None
    after = pieces[index + 1] if index + 1 < len(pieces) else None
    return (before is not None and before.kind == "text" and before.text.rstrip().endswith(pair[0])
            and after is not None and after.kind == "text" and after.text.lstrip().startswith(pair[1]))


def _opens_with_bold(pieces: list[Piece]) -> bool:
    """Whether the row opens with its title in bold: two or more bold words, or a bold name set off by a
    dash or colon ("**CLIP** — The standard image-text backbone ...")."""
    visible = visible_pieces(pieces)
    if not visible or visible[0].kind != "text" or not visible[0].strong:
        return False
    if len(_first_strong_run(pieces).split()) >= 2:
        return True
    after = next((p for p in visible if not (p.kind == "text" and p.strong)), None)
    return after is not None and after.kind == "text" and bool(NAME_SEPARATOR.match(after.text))


def _continues(line: str, following: str) -> bool:
    """Whether `following` continues a title cut at `line`: it starts in lower case, or `line` ends on a
    word that cannot end a title."""
    words = line.split()
    nxt = following.strip()
    return bool(words and nxt) and (nxt[0].islower() or words[-1].lower() in CONNECTING_WORDS)


def _is_sentence(text: str) -> bool:
    """Whether text reads as a sentence describing a work rather than its title: it ends with a full stop or
    starts in lower case ("a million-neuron neuromorphic chip"), and few of its longer words after the first
    are capitalised (titles capitalise most of theirs)."""
    words = [w for w in re.findall(r"[^\W\d_][\w'-]*", text)[1:] if len(w) > 3]
    capitalised = sum(w[0].isupper() for w in words)
    opens_lower = text.strip()[:1].islower()
    return (text.rstrip().endswith(".") or opens_lower) and bool(words) and capitalised < len(words) / 2


def _first_italic_run(pieces: list[Piece]) -> str:
    """The text of the first run of pieces in italics and not in bold (authors are, or a title is)."""
    run: list[str] = []
    for piece in pieces:
        if piece.kind == "text" and piece.emphasis and not piece.strong:
            run.append(piece.text)
        elif run and (piece.kind != "text" or piece.text.strip()):
            break
    return " ".join(" ".join(run).split())


def _first_italic_line(pieces: list[Piece]) -> str:
    """The text of a row's first line when it is all in italics and a line break follows it."""
    line: list[Piece] = []
    for piece in pieces:
        if piece.kind == "break":
            break
        line.append(piece)
    visible = [p for p in line if p.kind != "text" or p.text.strip()]
    if visible and len(line) < len(pieces) and all(p.kind == "text" and p.emphasis for p in visible):
        return " ".join(p.text for p in visible)
    return ""


def _first_strong_run(pieces: list[Piece]) -> str:
    """The text of the first run of bold pieces (a title in bold, before the authors in italics; code set in
    it is part of it: "**Evaluating the role of `Constitutions` for ...**")."""
    run: list[str] = []
    for piece in pieces:
        if piece.kind in ("text", "code") and piece.strong:
            run.append(piece.text)
        elif run and (piece.kind != "text" or piece.text.strip()):
            break
    return " ".join(run)


def _is_web(href: str) -> bool:
    return href.lower().startswith(("http://", "https://"))


def _host_role(href: str) -> LinkColumn | None:
    """The role a URL's host implies: code repositories, paper hosts, project pages."""
    kind = classify(href, "other")
    if kind in CODE_HOSTS:
        return "code"
    if kind in PAPER_KINDS:
        return "paper"
    if kind == "project":
        return "project"
    return None


def _clean_title(text: str) -> str:
    """A title without the punctuation, quotes and stray brackets a row leaves around it, nor its own name
    repeated in brackets at its end ("GEMeX: A Large-Scale ... Benchmark (GEMeX)")."""
    named = re.match(r"\s*([^\s:]+):.*\(\s*\1\s*\)\W*$", text)
    if named:
        text = text[: text.rindex("(")]
    text = " ".join(EMOJI_SHORTCODE.sub("", text.replace("\x00", " ")).split())
    text = re.sub(r"^\(\s*[^()\s]{1,20}\s*\)\s*(?=\w)", "", text)  # "(SCNN)Spatial As Deep: ...": its short name
    # "(RAPM): Title", "（Otter Knowledge) Title": a name of a few words set apart before the title
    text = re.sub(r"^(?:\(\s*[^()（）]{1,30}?\s*\):\s*|（\s*[^()（）]{1,30}?\s*[)）]\s*)(?=\w)", "", text)
    text = re.sub(r"^\W*?(?=[\w\"“'(])", "", text) if text else text
    previous = None
    while previous != text:
        previous = text
        text = text.strip(TRAILING_PUNCTUATION)
        if text[:1] in "\"“'‘" and text[-1:] in "\"”'’":
            text = text[1:-1]
        if text.startswith("[") and "]" not in text[1:]:
            text = text[1:]
        if text.endswith("]") and "[" not in text[:-1]:
            text = text[:-1]
        if text.endswith("(") or text.endswith("["):
            text = text[:-1]
        if text.endswith(")") and text.count("(") < text.count(")"):
            text = text[:-1]
    return " ".join(text.split())


def year_of(text: str) -> int | None:
    """The first four-digit year in text."""
    match = YEAR.search(text)
    return int(match.group(1)) if match else None
