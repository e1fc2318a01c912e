"""The app's pages and the links between them (with the query string that carries a page's state)."""

from __future__ import annotations

import streamlit as st

from webapp.render import md

SEARCH = "webapp/pages/search.py"
PAPER = "webapp/pages/paper.py"
EXPLORE = "webapp/pages/explore.py"
CURATE = "webapp/pages/curate.py"
EXPORT = "webapp/pages/export.py"


def pages() -> list[st.Page]:
    """The pages in menu order; Search is the start page."""
    return [
        st.Page(SEARCH, title="Search", icon=":material/search:", url_path="search", default=True),
        st.Page(PAPER, title="Paper", icon=":material/article:", url_path="paper"),
        st.Page(EXPLORE, title="Explore", icon=":material/insights:", url_path="explore"),
        st.Page(CURATE, title="Curate", icon=":material/rule:", url_path="curate"),
        st.Page(EXPORT, title="Export", icon=":material/download:", url_path="export"),
    ]


def paper_link(paper_id: str, title: str, icon: str = ":material/article:", bold: bool = False) -> None:
    """A link to a paper's page; the title is escaped."""
    label = f"**{md(title)}**" if bold else md(title)
    st.page_link(PAPER, label=label, icon=icon, query_params={"id": paper_id})


def search_link(label: str, params: dict[str, str | list[str]], icon: str = ":material/search:") -> None:
    """A link to the Search page with the given query-string state (see webapp/state.py)."""
    st.page_link(SEARCH, label=md(label), icon=icon, query_params=params)
