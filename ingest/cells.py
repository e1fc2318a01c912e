"""One table cell or bullet of a list, read as inline markdown: its words, links, code spans and pieces, and
whether its markdown is broken or a placeholder. Knows nothing of the list around it (ingest/list_state.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ingest.inline import Piece
from kg.core.links import BARE_URL
from kg.core.rows import PLACEHOLDER_LABEL
from kg.core.vocab import PLACEHOLDERS

# Link targets markdown-it refuses to make links of (and so would drop without a word).
UNSAFE_LINK = re.compile(
    r"\[(?P<label>[^\[\]]*)\]\(\s*(?P<target>(?:javascript|vbscript|data|file):(?:[^()\s]|\([^()]*\))*)\)",
    re.IGNORECASE,
)
# Inline tags that only format text; any other inline HTML is left out of the row with a warning.
FORMATTING_TAG = re.compile(r"</?(?:b|i|em|strong|sup|sub|span|font|u|s|del|code|small|big|mark|a|img|p|div|center)\b",
                            re.IGNORECASE)
ENUMERATION = re.compile(r"(?:^|(?<=\s))\w\)")


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


def read_cell(source: str, md: MarkdownIt) -> Cell:
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
    for child in _inline_children(source, md):
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
                cell.pieces.append(Piece("code", content, strong=strong > 0, emphasis=emphasis > 0))
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
    cell.links, broken_href = _repair_hrefs(cell.links, source)
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
        or any(lbl.count("[") != lbl.count("]") or "](" in lbl or ("http" in lbl and not BARE_URL.fullmatch(lbl))
               for lbl, _ in cell.links)
        or broken_href
    )
    cell.placeholder = cell.text.lower() in PLACEHOLDERS or any(
        PLACEHOLDER_LABEL.search(lbl) for lbl, _ in cell.links
    )
    return cell

def _inline_children(source: str, md: MarkdownIt) -> list[Token]:
    tokens = md.parseInline(source)
    return list(tokens[0].children or []) if tokens else []


def cell_words(cell: Cell) -> str:
    """What a cell says: its text, or the labels of its links when it holds links alone ("[Image quality ...](url)")."""
    return cell.text or " ".join(label for label, _ in cell.links if label)


def _badge_text(src: str) -> str:
    """What a shields.io badge says, read from its address (`img.shields.io/badge/ICLR_2022-5291C8` says "ICLR
    2022": `_` is a space, the last part a colour); "" for any other image."""
    parts = urlsplit(src)
    if not parts.netloc.endswith("shields.io") or not parts.path.startswith("/badge/"):
        return ""
    words = unquote(parts.path.removeprefix("/badge/")).replace("--", "\x00").split("-")[:-1]  # drop the colour
    return " ".join(" ".join(words).replace("__", "\x01").replace("_", " ").replace("\x00", "-")
                    .replace("\x01", "_").split())


def _repair_hrefs(links: list[tuple[str, str]], source: str) -> tuple[list[tuple[str, str]], bool]:
    """Links whose destination is itself broken markdown (`[paper]([url1](url2))`) are replaced by
    the URLs inside it, each with the link's label; the flag says whether any was broken."""
    repaired, broken = [], False
    for label, href in links:
        decoded = unquote(href)
        # Only link syntax inside a destination makes it broken; a space written as %20, or brackets in a
        # query ("?_iepl%5Bcontexts%5D=..."), do not, nor brackets the source itself wrote percent-encoded
        # ("referrer=%5Bthe%20profile%5D(%2Fprofile)"): markdown-it encodes only brackets written as such
        if href in source or not re.search(r"\]\(|\[\s*https?:", decoded):
            repaired.append((label, href))
            continue
        broken = True
        repaired += [(label, url) for url in BARE_URL.findall(decoded)]
    return repaired, broken
