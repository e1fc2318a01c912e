"""Export: a slice of the graph (the current search, a node's neighbourhood, a SPARQL CONSTRUCT, or the
whole graph) previewed and downloaded as Turtle, JSON-LD, N-Triples, RDF/XML, TriG, BibTeX or CSV
(kg/rdf/export.py); and a read-only SPARQL box with a table of results (kg/rdf/sparql.py)."""

import pandas as pd
import streamlit as st
from rdflib import Graph, URIRef

from kg.core.errors import UserError
from kg.rdf.export import around_slice, filter_slice, query_slice, whole_graph
from kg.rdf.mapping import Namer, base_iri
from webapp import nav, resources, state
from webapp.render import code, md, show_user_error

FORMATS = {  # our format name -> (label, file suffix, MIME type)
    "ttl": ("Turtle", "ttl", "text/turtle"),
    "jsonld": ("JSON-LD", "jsonld", "application/ld+json"),
    "nt": ("N-Triples", "nt", "application/n-triples"),
    "xml": ("RDF/XML", "rdf", "application/rdf+xml"),
    "trig": ("TriG", "trig", "application/trig"),
    "bibtex": ("BibTeX", "bib", "application/x-bibtex"),
    "csv": ("CSV", "csv", "text/csv"),
}
EXAMPLE_CONSTRUCT = """PREFIX schema: <https://schema.org/>
CONSTRUCT { ?paper schema:about ?concept }
WHERE { ?paper a schema:ScholarlyArticle ; schema:about ?concept }"""
EXAMPLE_SELECT = """PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?keyword (COUNT(?paper) AS ?papers)
WHERE { ?paper schema:about ?concept . ?concept skos:prefLabel ?keyword }
GROUP BY ?keyword ORDER BY DESC(?papers) LIMIT 10"""
PREVIEW_LINES = 40

build = resources.current_build()
st.title("Export a slice of the graph")

sources = {"search": "The current search", "around": "Around a node", "construct": "A SPARQL CONSTRUCT",
           "whole": "The whole graph"}
around = st.query_params.get("around", "")
source = st.segmented_control("Slice", list(sources), format_func=sources.get, key="export_source",
                              default="around" if around else "search", required=True)

chosen = None
try:
    if source == "search":
        last = st.session_state.get("last_search")
        searched, _ = state.from_params(last or {})
        if not last or (not searched.query.strip() and searched.filters.is_empty):
            st.info("No search in this session yet: search first, then come back to export its results.")
            nav.search_link("Go to Search", {})
        else:
            if searched.query.strip():
                chosen = query_slice(build, resources.searcher(), searched.query, searched.filters, searched.top)
            else:
                chosen = filter_slice(build, searched.filters, resources.vocabulary())
            nav.search_link("Change the search", last, icon=":material/edit:")
    elif source == "around":
        with st.container(horizontal=True, vertical_alignment="bottom"):
            node_text = st.text_input("Node id", value=around or "paper/2301.03786", key="export_node",
                                      help="A node id such as paper/2301.03786, dataset/hdtf or concept/nerf; "
                                           "a bare paper or dataset id works too.")
            hops = st.number_input("Hops", min_value=0, max_value=4, value=1, key="export_hops")
        chosen = around_slice(build, node_text, int(hops))
    elif source == "construct":
        with st.form("construct"):
            query = st.text_area("CONSTRUCT query", value=EXAMPLE_CONSTRUCT, height=130, key="export_construct")
            st.form_submit_button("Build the slice", icon=":material/play_arrow:")
        chosen = resources.construct_slice(query)
    else:
        chosen = whole_graph()
    if chosen is not None:
        sliced = resources.slice_document(chosen)
except UserError as error:
    show_user_error(error)
    chosen = None

if chosen is not None:
    papers = len(sliced.rdf.papers)
    st.markdown(f"**{md(chosen.description[:1].upper() + chosen.description[1:])}**: {sliced.triples:,} triples, "
                f"{papers:,} paper{'s' * (papers != 1)}.")
    if sliced.triples == 0:
        st.warning("This slice is empty; its documents are valid but hold nothing.", icon=":material/warning:")
    fmt = st.segmented_control("Format", list(FORMATS), format_func=lambda f: FORMATS[f][0], key="export_format",
                               default="ttl", required=True)
    label, suffix, mime = FORMATS[fmt]
    text = resources.document(chosen, fmt)
    lines = text.splitlines()
    st.download_button(f"Download {label} ({len(text.encode()):,} bytes)", text, file_name=f"tfkg-slice.{suffix}",
                       mime=mime, icon=":material/download:", type="primary", on_click="ignore",
                       key=f"download_{fmt}")
    st.code("\n".join(lines[:PREVIEW_LINES]) + (f"\n… {len(lines) - PREVIEW_LINES:,} more lines"
                                               if len(lines) > PREVIEW_LINES else ""),
            language={"ttl": "turtle", "jsonld": "json", "xml": "xml", "bibtex": "latex"}.get(fmt))

st.divider()
st.header("SPARQL", anchor=False)
st.caption("Read-only: SELECT, ASK, CONSTRUCT and DESCRIBE over the whole graph; updates and SERVICE calls "
           "are refused. Paper IRIs look like " + code(str(Namer(base_iri()).node("paper/2301.03786"))))
with st.form("sparql"):
    sparql_text = st.text_area("Query", value=EXAMPLE_SELECT, height=170, key="sparql_query")
    run = st.form_submit_button("Run", icon=":material/play_arrow:", type="primary")
if run or st.session_state.get("sparql_ran"):
    st.session_state["sparql_ran"] = True
    running = st.empty()
    try:
        # Each update is also where Streamlit stops the script when the session ends or the server stops.
        result = resources.sparql(sparql_text, lambda seconds: running.caption(f"Running… {seconds:.0f} s"))
    except UserError as error:
        show_user_error(error)
    else:
        running.empty()
        for note in result.notes:
            st.warning(note)
        if result.form == "SELECT":
            shorten = Graph()
            result.namer.bind(shorten)

            def cell(term: object) -> str:
                if isinstance(term, URIRef):
                    short = term.n3(shorten.namespace_manager)
                    return short[1:-1] if short.startswith("<") else short
                return "" if term is None else str(term)

            rows = [[cell(term) for term in row] for row in result.rows or ()]
            st.caption(f"{len(rows)} row{'s' * (len(rows) != 1)}")
            st.dataframe(pd.DataFrame(rows, columns=list(result.variables)), hide_index=True, width="stretch")
        elif result.form == "ASK":
            st.markdown(f"**{'yes' if result.boolean else 'no'}**")
        else:
            graph = result.graph if result.graph is not None else Graph()
            st.caption(f"{len(graph)} triples")
            st.code(graph.serialize(format="turtle"), language="turtle")
