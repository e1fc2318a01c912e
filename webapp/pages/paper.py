"""Paper: everything known about one paper (`?id=<paper id>`): fields, links, its list entries, keywords,
datasets, authors, citations in and out of the list, similar papers, and its graph neighbourhood."""

import pandas as pd
import streamlit as st
from rapidfuzz import fuzz, process

from ingest.graph import paper_node
from kg.core.errors import UserError
from webapp import graphview, nav, resources
from webapp.neighbourhood import DEFAULT_TYPES, TYPE_COLOURS, neighbourhood
from webapp.render import code, entry_ref, links_markdown, md, paper_badges, show_user_error

build = resources.current_build()
vocab = resources.vocabulary()
wanted = st.query_params.get("id", "").strip()

if not wanted:
    st.title("Paper")
    by_title = sorted(build.papers, key=lambda p: p.title.lower())
    chosen = st.selectbox("Pick a paper", by_title, index=None, format_func=lambda p: f"{p.title} ({p.year or '?'})",
                          placeholder="Type to find a paper by its title…")
    if chosen is not None:
        st.query_params["id"] = chosen.id
        st.rerun()
    st.stop()

paper = build.paper(wanted)
if paper is None:
    st.title("Paper")
    st.error(f"No paper with id {md(wanted)} in this build.", icon=":material/search_off:")
    by_id = process.extract(wanted, [p.id for p in build.papers], scorer=fuzz.ratio, limit=3, score_cutoff=70)
    titles = {p.id: p.title for p in build.papers}
    by_title = process.extract(wanted, titles, scorer=fuzz.WRatio, limit=3, score_cutoff=80)
    close = list(dict.fromkeys([match[0] for match in by_id] + [match[2] for match in by_title]))
    if close:
        st.write("Did you mean:")
        for paper_id in close:
            nav.paper_link(paper_id, build.paper(paper_id).title)
    nav.search_link("Search the papers", {})
    st.stop()

last_search = st.session_state.get("last_search")
if last_search is not None:
    nav.search_link("Back to the results", last_search, icon=":material/arrow_back:")
st.title(md(paper.title), anchor=False)
st.markdown(paper_badges(paper))
links = links_markdown(paper.links)
if links:
    st.markdown(links)
if paper.tldr:
    st.info(md(paper.tldr), icon=":material/summarize:")
if paper.abstract:
    st.markdown(md(paper.abstract))

node = paper_node(paper.id)
graph = build.graph

left, right = st.columns([3, 2], gap="large")
with right:
    st.subheader("Fields")
    fields = [
        ("id", paper.id), ("title", paper.title), ("year", paper.year),
        ("venue", paper.venue.name or paper.venue.family),
        ("venue as listed", paper.venue.raw), ("venue kind", paper.venue.kind), ("arXiv id", paper.arxiv_id),
        ("DOI", paper.doi), ("Semantic Scholar id", paper.s2_id), ("published", paper.published),
        ("categories", ", ".join(paper.categories)), ("citations", paper.citation_count),
        ("PDF", paper.pdf_url),
    ]
    shown = {str(value) for _, value in fields}
    fields += [(name, value) for name, value in sorted(paper.external_ids.items()) if str(value) not in shown]
    rows = [(name, str(value), paper.sources.get(name, "")) for name, value in fields if value not in (None, "")]
    st.dataframe(pd.DataFrame(rows, columns=["field", "value", "source"]), hide_index=True, width="stretch")

    st.subheader("Keywords")
    if paper.concepts:
        for concept_id in paper.concept_ids:
            concept = vocab.concepts.get(concept_id)
            sources = ", ".join(dict.fromkeys(a.source for a in paper.concepts if a.concept == concept_id))
            nav.search_link(f"{concept.label if concept else concept_id} (from {sources})",
                            {"keyword": concept_id}, icon=":material/sell:")
    else:
        st.caption("No keyword concepts.")
    st.subheader("Datasets")
    if paper.datasets:
        labels = {d.id: d.label for d in build.datasets}
        for mention in paper.datasets:
            nav.search_link(f"{labels.get(mention.dataset, mention.dataset)} (from {mention.source})",
                            {"dataset": mention.dataset}, icon=":material/dataset:")
    else:
        st.caption("No dataset mentioned.")
    if paper.authors:
        st.subheader("Authors")
        for author in paper.authors:
            nav.search_link(author.name, {"author": author.name}, icon=":material/person:")

with left:
    st.subheader("In the list")
    entries = resources.entries_by_ref()
    for ref in paper.entries:
        entry = entries.get(ref)
        st.markdown(code(entry_ref(ref)) + (f" · section {md(entry.section)}" if entry else ""))
        if entry:
            st.code(entry.raw.strip(), language="markdown", wrap_lines=True)

    st.subheader("Citations within the list")
    cites = sorted({t for _, t, k in graph.out_edges(node, data="type") if k == "cites"})
    cited_by = sorted({s for s, _, k in graph.in_edges(node, data="type") if k == "cites"})
    if not cites and not cited_by:
        enriched = any(k == "cites" for _, _, k in graph.edges(data="type"))
        st.caption("None: no listed paper cites it, and it cites none." if enriched else
                   "No citation data in this build (citations come from Semantic Scholar enrichment).")
    for title, nodes in (("Cites", cites), ("Cited by", cited_by)):
        if nodes:
            st.markdown(f"**{title}** ({len(nodes)})")
            for other in nodes:
                nav.paper_link(other.removeprefix("paper/"), str(graph.nodes[other].get("label", other)))

    st.subheader("Similar papers")
    try:
        similar = resources.searcher().similar(paper.id, top=6)
    except UserError as error:
        show_user_error(error)
    else:
        for hit in similar.results:
            shared = [concept for concept, met in hit.matched.items() if met]
            nav.paper_link(hit.paper.id, f"{hit.paper.title} ({hit.paper.venue.label or '?'})")
            if shared:
                st.caption("shares: " + md(", ".join(shared)))

st.subheader("Graph neighbourhood")
with st.container(horizontal=True, vertical_alignment="bottom"):
    hops = st.segmented_control("Hops", [1, 2], default=2, key="hops", required=True)
    types = st.pills("Node types", list(TYPE_COLOURS), default=list(DEFAULT_TYPES), selection_mode="multi",
                     key="node_types")
view = neighbourhood(graph, node, hops=hops or 2, types=types or DEFAULT_TYPES, limit=40)
st.markdown(graphview.legend(view.counts()))
clicked = graphview.show_graph(view)
if clicked and clicked != node:
    attrs = graph.nodes[clicked]
    if attrs.get("type") == "paper":
        st.query_params["id"] = clicked.removeprefix("paper/")
        st.rerun()
    st.markdown(f"**{md(attrs.get('type', ''))}:** {md(attrs.get('label', clicked))}")
    kind, _, ident = clicked.partition("/")
    param = {"concept": "keyword", "dataset": "dataset", "venue": "venue", "author": "author"}.get(kind)
    if param:
        value = attrs.get("label", ident) if kind == "author" else ident
        nav.search_link(f"Search papers with this {param}", {param: value})
st.page_link(nav.EXPORT, label="Export this neighbourhood as RDF, BibTeX or CSV", icon=":material/download:",
             query_params={"around": node})
with st.expander(f"The {len(view.nodes) - 1} nodes around it, as a table"):
    st.dataframe(
        pd.DataFrame([(attrs.get("type"), str(attrs.get("label", n)), attrs["hops"], n)
                      for n, attrs in view.nodes if n != node], columns=["type", "label", "hops", "node"]),
        hide_index=True, width="stretch",
    )
