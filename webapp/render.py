"""Showing text from the list and the APIs safely, and the small pieces every page draws with it.

Everything a list or an API wrote is untrusted. It reaches the page only as Markdown with every
Markdown and Streamlit-directive character escaped (`md`), or inside a dataframe or a code block
(shown as plain text); never through `unsafe_allow_html`. Only http(s) URLs become links (`safe_url`).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import streamlit as st

from kg.core.model import Link, Paper

# CommonMark lets a backslash escape any ASCII punctuation; escaping all of it also defuses
# Streamlit's own directives (":red[...]", ":material/x:", "$latex$") and entity references ("&lt;").
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

KIND_COLOURS = {
    "conference": "blue",
    "journal": "violet",
    "workshop": "orange",
    "preprint": "gray",
    "book": "green",
    "unknown": "gray",
}

LINK_LABELS = {
    "arxiv": "arXiv",
    "cvf": "CVF",
    "ieee": "IEEE",
    "acm": "ACM",
    "openreview": "OpenReview",
    "publisher": "publisher",
    "github": "GitHub",
    "gitlab": "GitLab",
    "huggingface": "Hugging Face",
    "code": "code",
    "project": "project",
}


def md(text: object) -> str:
    """Text as Markdown that renders as exactly that text, on one line."""
    flat = " ".join(_CONTROL.sub(" ", str(text)).split())
    return _PUNCTUATION.sub(r"\\\1", flat)


def safe_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) URL with a host and no whitespace, else None."""
    if not url or _CONTROL.search(url) or any(ch.isspace() for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def code(text: object) -> str:
    """Text as inline code (not Markdown-processed; backticks, which would end it, become quotes)."""
    flat = " ".join(_CONTROL.sub(" ", str(text)).split()).replace("`", "'")
    return f"`{flat}`"


def md_link(label: object, url: str | None) -> str:
    """A Markdown link when the URL is safe, else the label alone (escaped either way)."""
    target = safe_url(url)
    if target is None:
        return md(label)
    # Characters that would end or break a Markdown link destination are percent-encoded.
    return f"[{md(label)}]({quote(target, safe=':/?#@!$&*+,;=%~-._')})"


def tooltip_text(text: object) -> str:
    """Text for a graph node's tooltip. streamlit-agraph assigns the tooltip to `innerHTML`, so the
    characters HTML gives meaning to are replaced by look-alikes that have none."""
    flat = " ".join(_CONTROL.sub(" ", str(text)).split())
    return flat.translate(str.maketrans({"&": "＆", "<": "‹", ">": "›", '"': "”", "'": "’"}))


def link_label(link: Link) -> str:
    """"code · GitHub", "paper · arXiv", "project"."""
    host = LINK_LABELS.get(link.kind) if link.kind != "project" else None
    column = {"title": "paper", "links": "link", "other": "link"}.get(link.column, link.column)
    return f"{column} · {host}" if host and host != column else column


def links_markdown(links: tuple[Link, ...]) -> str:
    """The safe links of a paper as one line of Markdown links, code first; unsafe ones are left out."""
    ordered = sorted(links, key=lambda link: (link.column != "code", link.column != "project"))
    parts = [md_link(link_label(link), link.url) for link in ordered if safe_url(link.url)]
    return " · ".join(dict.fromkeys(parts))


def badge(label: str, colour: str, icon: str = "") -> str:
    """One badge as Streamlit Markdown; label must already be escaped (see `md`)."""
    return f":{colour}-badge[{icon + ' ' if icon else ''}{label}]"


def paper_badges(paper: Paper, matched: dict[str, bool] | None = None) -> str:
    """Venue, year, venue kind, code and citation badges, then the query terms met (green) and missed
    (red), as one line of Markdown: one element for the whole row keeps a page of results light."""
    colour = KIND_COLOURS.get(paper.venue.kind, "gray")
    badges = [badge(md(paper.venue.family), colour)] if paper.venue.family else []
    if paper.year:
        badges.append(badge(str(paper.year), "gray"))
    badges.append(badge(paper.venue.kind, colour))
    if paper.has_code:
        badges.append(badge("code", "green", ":material/code:"))
    if paper.citation_count is not None:
        badges.append(badge(f"{paper.citation_count} citations", "gray", ":material/format_quote:"))
    for term, met in (matched or {}).items():
        badges.append(badge(md(term), "green" if met else "red", ":material/check:" if met else ":material/close:"))
    return " ".join(badges)


def entry_ref(ref: str) -> str:
    """"/abs/path/list.md:42" -> "list.md:42": the list's file name and line."""
    file, _, line = ref.rpartition(":")
    return f"{file.rsplit('/', 1)[-1]}:{line}"


def show_user_error(error: Exception) -> None:
    """A user error as one message box (the message is escaped: it may quote the input)."""
    st.error(md(error), icon=":material/error:")
