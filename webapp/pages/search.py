"""Search: one query box, facet filters in the sidebar with counts over the current results, and result
cards. The query and filters live in the URL query string (webapp/state.py), so a search can be
bookmarked, shared and reloaded."""

import streamlit as st

from kg.core.errors import UserError
from webapp import nav, resources, state
from webapp.render import md, show_user_error
from webapp.search_view import FacetWidgets, result_card

table = resources.facet_table()
widgets = FacetWidgets(table)

url = {key: st.query_params.get_all(key) for key in st.query_params.keys()}  # noqa: SIM118 (a proxy, not a dict)
dropped: list[str] = []  # what this URL asked for that could not be used; said once, on arrival
if st.session_state.get("_search_url") != url or "q" not in st.session_state:
    # A fresh page, a reload, a link with a new query string, or a return from another page (which
    # dropped the widgets' state): the URL is the truth.
    wanted, dropped = state.from_params(url)
    wanted, unknown = widgets.resolve(wanted)
    dropped += unknown
    widgets.seed(wanted)
    # Recorded now, not only at the end: a run cut short by a keystroke must not seed again over it.
    st.session_state["_search_url"] = url
for problem in dropped:
    st.warning(md(problem), icon=":material/warning:")

st.title("Search the papers")
query = st.text_input("Query", key="q", placeholder="e.g. one-shot diffusion emotion", max_chars=state.MAX_QUERY,
                      label_visibility="collapsed", icon=":material/search:")
current = widgets.read(query)

empty = not current.query.strip() and current.filters.is_empty
response = None
if not empty:
    try:
        response = resources.searcher().search(current.query, current.filters, top=current.top)
    except UserError as error:
        show_user_error(error)
widgets.draw(response.facets if response is not None else table.counts(None))

params = current.to_params()
if url != state.normalise(params):
    st.query_params.from_dict(params)
st.session_state["_search_url"] = state.normalise(params)
st.session_state["last_search"] = params

if empty:
    st.info("Type a query, or pick filters in the sidebar to list the papers that have them.",
            icon=":material/info:")
    st.markdown("**Try:**")
    for example in ("one-shot diffusion emotion", "NeRF talking head", "lip sync with code", "HDTF"):
        nav.search_link(example, {"q": example})
elif response is not None:
    results = response.results
    if response.intent is not None and response.intent.constraints:
        st.caption(f"Read as: {md(response.intent.read_as)}")
    for note in response.notes:
        st.caption(md(note))
    st.caption(f"{response.total} paper{'s' * (response.total != 1)}"
               + (f" for “{md(current.query)}”" if current.query.strip() else "")
               + ("" if current.filters.is_empty else " with the filters in the sidebar"))
    if not results:
        st.info("No paper matches. Remove a filter, or try other words.", icon=":material/search_off:")
    for result in results:
        result_card(result)
    more = response.total > len(results) and current.top < state.MAX_RESULTS
    if more and st.button(f"Show more (of {response.total})", icon=":material/expand_more:"):
        st.session_state["n"] = current.top + state.PAGE_SIZE
        st.rerun()
