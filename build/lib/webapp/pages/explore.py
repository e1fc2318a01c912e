"""Explore: the whole graph's figures. Papers per year by keyword, venues, the most connected datasets
and concepts (a row opens the matching search), and a keyword x year heatmap."""

import altair as alt
import streamlit as st

from webapp import figures, nav, resources
from webapp.render import md

build = resources.current_build()
table = resources.facet_table()
counts = build.manifest.get("counts", {})

st.title("Explore the graph")
st.caption(f"Built {md(build.manifest.get('built_at', ''))} from {md(build.parsed.file.rsplit('/', 1)[-1])}")
with st.container(horizontal=True):
    st.metric("Papers", len(build.papers), border=True)
    st.metric("List entries", len(build.parsed.entries), border=True)
    st.metric("Datasets", len(build.datasets), border=True)
    st.metric("Keywords used", len(table.counts(None)["keyword"]), border=True)
    st.metric("Venues", len(table.counts(None)["venue"]), border=True)
    st.metric("Nodes", build.graph.number_of_nodes(), border=True)
    st.metric("Edges", build.graph.number_of_edges(), border=True)

st.subheader("Papers per year by keyword")
keyword_counts = table.counts(None)["keyword"]
chosen = st.multiselect(
    "Keywords", list(keyword_counts), default=list(keyword_counts)[:6], key="explore_keywords",
    format_func=lambda k: f"{figures.keyword_label(table, k)} ({keyword_counts[k]})",
)
per_year = figures.keyword_year(table, chosen)
if chosen:
    st.altair_chart(
        alt.Chart(per_year).mark_bar().encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("papers:Q", title="Papers"),
            color=alt.Color("label:N", title="Keyword"),
            xOffset="label:N",
            tooltip=["label", "year", "papers"],
        ),
        width="stretch", height=300,
    )
else:
    st.info("Pick one or more keywords to chart.")

left, right = st.columns(2)
with left:
    st.subheader("Venues")
    venue_table = figures.venues(table)
    st.altair_chart(
        alt.Chart(venue_table).mark_bar().encode(
            x=alt.X("papers:Q", title="Papers"),
            y=alt.Y("venue:N", sort="-x", title=None, axis=alt.Axis(labelOverlap=False)),
            color=alt.Color("kind:N", title="Kind"),
            tooltip=["venue", "kind", "papers"],
        ),
        width="stretch", height=max(200, 20 * len(venue_table) + 60),
    )
with right:
    for node_type, title, param in (("dataset", "Most used datasets", "dataset"),
                                    ("concept", "Most connected keywords", "keyword")):
        st.subheader(title)
        top = figures.most_connected(build.graph, node_type, top=10)
        if top.empty:
            st.caption(f"No {node_type} is linked to a paper.")
            continue
        picked = st.dataframe(
            top[["label", "papers"]], hide_index=True, key=f"top_{node_type}", on_select="rerun",
            selection_mode="single-row",
            column_config={"label": st.column_config.TextColumn(node_type.capitalize()),
                           "papers": st.column_config.ProgressColumn("Papers", format="%d", min_value=0,
                                                                     max_value=int(top["papers"].max()))},
        )
        st.caption("Select a row to search its papers.")
        if picked.selection.rows:
            st.switch_page(nav.SEARCH, query_params={param: top.iloc[picked.selection.rows[0]]["id"]})

st.subheader("Keyword × year")
heat = figures.keyword_year(table)
order = list(keyword_counts)
base = alt.Chart(heat).encode(
    x=alt.X("year:O", title="Year"),
    y=alt.Y("label:N", sort=[figures.keyword_label(table, k) for k in order], title=None),
)
st.altair_chart(
    (base.mark_rect().encode(color=alt.Color("papers:Q", scale=alt.Scale(scheme="blues"), title="Papers"),
                             tooltip=["label", "year", "papers"])
     + base.mark_text(fontSize=11).encode(
         text=alt.condition(alt.datum.papers > 0, "papers:Q", alt.value("")),
         color=alt.condition(alt.datum.papers > 8, alt.value("white"), alt.value("#333")),
     )),
    width="stretch", height=max(240, 22 * len(order) + 60),
)
st.caption(f"{counts.get('papers', len(build.papers))} papers; a paper counts for its keywords and their broader ones.")
