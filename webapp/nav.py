"""The app's pages and the links between them (with the query string that carries a page's state)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from webapp.render import md

PAGES = Path(__file__).resolve().parent / "pages"  # found wherever tfkg is installed, whatever the main script
SEARCH = st.Page(PAGES / "search.py", title="Search", icon=":material/search:", url_path="search", default=True)
PAPER = st.Page(PAGES / "paper.py", title="Paper", icon=":material/article:", url_path="paper")
EXPLORE = st.Page(PAGES / "explore.py", title="Explore", icon=":material/insights:", url_path="explore")
CURATE = st.Page(PAGES / "curate.py", title="Curate", icon=":material/rule:", url_path="curate")
EXPORT = st.Page(PAGES / "export.py", title="Export", icon=":material/download:", url_path="export")


def pages() -> list[st.Page]:
    """The pages in menu order; Search is the start page."""
    return [SEARCH, PAPER, EXPLORE, CURATE, EXPORT]


def paper_link(paper_id: str, title: str, icon: str = ":material/article:", bold: bool = False) -> None:
    """A link to a paper's page; the title is escaped."""
    label = f"**{md(title)}**" if bold else md(title)
    st.page_link(PAPER, label=label, icon=icon, query_params={"id": paper_id})


def search_link(label: str, params: dict[str, str | list[str]], icon: str = ":material/search:") -> None:
    """A link to the Search page with the given query-string state (see webapp/state.py)."""
    st.page_link(SEARCH, label=md(label), icon=icon, query_params=params)
