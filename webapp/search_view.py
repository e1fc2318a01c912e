"""The Search page's parts: the facet widgets in the sidebar (seeded from the URL, read before the
search, drawn after it with the counts of the results) and a result card."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from kg.search.facets import VALUE_FIELDS, FacetTable, FilterError, Filters
from kg.search.search import SearchResult
from webapp import nav, resources
from webapp.render import KIND_COLOURS, code, entry_ref, links_markdown, md, paper_badges
from webapp.state import PAGE_SIZE, SearchState

# widget key, Filters field, facet name, sidebar label
LIST_FACETS = (
    ("f_keyword", "keywords", "keyword", "Keyword"),
    ("f_venue", "venues", "venue", "Venue"),
    ("f_dataset", "datasets", "dataset", "Dataset"),
    ("f_author", "authors", "author", "Author"),
    ("f_topic", "topics", "topic", "Topic"),
)


class FacetWidgets:
    """The sidebar filters. Their values live in st.session_state under fixed keys, so the page can
    read them before searching and draw them after, with counts that describe the results."""

    def __init__(self, table: FacetTable) -> None:
        self.table = table
        self.overall = table.counts(None)
        years = [int(year) for year in self.overall["year"]]
        self.year_span = (min(years), max(years)) if years else (2000, 2000)

    def resolve(self, wanted: SearchState) -> tuple[SearchState, list[str]]:
        """The state with each filter value spelled as the build spells it; values that name nothing
        are dropped, with the FilterError message that lists what exists."""
        dropped: list[str] = []
        kept: dict[str, tuple[str, ...]] = {}
        for name in VALUE_FIELDS:
            values = []
            for value in getattr(wanted.filters, name):
                try:
                    values += getattr(self.table.resolve(Filters(**{name: (value,)})), name)
                except FilterError as error:
                    dropped.append(str(error))
            kept[name] = tuple(dict.fromkeys(values))
        years = wanted.filters.years
        if years is not None:
            first, last = max(years[0], self.year_span[0]), min(years[1], self.year_span[1])
            if first > last:
                dropped.append(f"no paper in this build is from {years[0]}-{years[1]}; "
                               f"years here run {self.year_span[0]}-{self.year_span[1]}")
                years = None
            else:
                years = (first, last)
        return replace(wanted, filters=replace(wanted.filters, years=years, **kept)), dropped

    def seed(self, wanted: SearchState) -> None:
        """Put a state into the widgets (before they are drawn)."""
        st.session_state["q"] = wanted.query
        st.session_state["f_year"] = wanted.filters.years or self.year_span
        st.session_state["f_kind"] = list(wanted.filters.venue_kinds)
        st.session_state["f_code"] = wanted.filters.has_code
        for key, name, _, _ in LIST_FACETS:
            st.session_state[key] = list(getattr(wanted.filters, name))
        st.session_state["n"] = wanted.top

    def read(self, query: str) -> SearchState:
        """The state the widgets hold now."""
        years = tuple(st.session_state.get("f_year", self.year_span))
        lists = {name: tuple(st.session_state.get(key) or ()) for key, name, _, _ in LIST_FACETS}
        filters = Filters(
            years=None if years == self.year_span else (int(years[0]), int(years[1])),
            venue_kinds=tuple(st.session_state.get("f_kind") or ()),
            has_code=st.session_state.get("f_code"),
            **lists,
        )
        return SearchState(query=query or "", filters=filters, top=int(st.session_state.get("n", PAGE_SIZE)))

    def draw(self, counts: dict[str, dict[str, int]]) -> None:
        """The filters in the sidebar; each option shows how many of the current results have it."""
        vocab = self.table.vocab
        labels: dict[str, Any] = {
            "keyword": vocab.concept_label,
            "dataset": lambda d: vocab.datasets[d].label if d in vocab.datasets else _dataset_label(d),
        }
        with st.sidebar:
            st.header("Filters")
            first, last = self.year_span
            if first < last:
                st.slider("Year", first, last, key="f_year")
                year_counts = counts.get("year", {})
                if year_counts:
                    st.bar_chart({"papers": {str(y): year_counts.get(str(y), 0) for y in range(first, last + 1)}},
                                 height=90, x_label=None, y_label=None, color="#1c83e1")
            kinds = counts.get("venue_kind", {})
            st.pills("Venue kind", [k for k in KIND_COLOURS if k in self.overall["venue_kind"]],
                     selection_mode="multi", key="f_kind", format_func=lambda k: f"{k} · {kinds.get(k, 0)}")
            code = counts.get("has_code", {})
            st.pills("Code", [True, False], key="f_code",
                     format_func=lambda v: f"{'with' if v else 'without'} code · {code.get(str(v).lower(), 0)}")
            for key, _, facet, title in LIST_FACETS:
                options = list(self.overall.get(facet, {}))
                if not options:
                    continue  # e.g. authors before enrichment
                here = counts.get(facet, {})
                chosen = st.session_state.get(key) or []
                options = [*chosen, *sorted((o for o in options if o not in chosen), key=lambda o: -here.get(o, 0))]
                label = labels.get(facet, str)
                st.multiselect(title, options, key=key, placeholder=f"Any {title.lower()}",
                               format_func=lambda o, label=label, here=here: f"{label(o)} · {here.get(o, 0)}")
            st.button("Clear filters", icon=":material/filter_alt_off:", on_click=self.clear, width="stretch")

    def clear(self) -> None:
        st.session_state["f_year"] = self.year_span
        st.session_state["f_kind"] = []
        st.session_state["f_code"] = None
        for key, _, _, _ in LIST_FACETS:
            st.session_state[key] = []


def _dataset_label(dataset_id: str) -> str:
    build = resources.current_build()
    return next((d.label for d in build.datasets if d.id == dataset_id), dataset_id)


def result_card(result: SearchResult) -> None:
    """One result: the title linking to the paper's page, badges, links, the query's concepts matched
    and missed, the words matched, the snippet, the list lines it came from, and similar papers on demand."""
    paper = result.paper
    with st.container(border=True, gap=None):
        nav.paper_link(paper.id, paper.title, bold=True)
        st.markdown(paper_badges(paper, result.matched))
        links = links_markdown(paper.links)
        words = f" · matched words: {md(', '.join(result.words))}" if result.words else ""
        lines = ", ".join(code(entry_ref(ref)) for ref in paper.entries)
        score = f" · score {result.score:.3f}" if result.score is not None else ""
        meta = (f"{links} · " if links else "") + f"list line {lines}{words}{score}"
        st.caption(f"{md(result.snippet)}  \n{meta}" if result.snippet else meta)
        similar = st.expander("Similar papers", key=f"similar_{paper.id}", on_change="rerun", type="compact",
                              icon=":material/hub:")
        if similar.open:
            with similar:
                for hit in resources.searcher().similar(paper.id, top=5).results:
                    nav.paper_link(hit.paper.id, f"{hit.paper.title} ({hit.paper.venue.label or '?'})")
