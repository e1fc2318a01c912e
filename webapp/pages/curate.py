"""Curate: the curation report of the list (kg/curation/curate.py): duplicate groups, defects and gaps, filterable,
each pointing at its list line (`?line=N` shows the list around it), and downloads of the corrected list
(kg/curation/fix.py), its diff and the JSON report."""

import json
from pathlib import Path

import pandas as pd
import streamlit as st

from kg.core.errors import UserError
from kg.core.model import Ref
from webapp import nav, resources
from webapp.render import code, md, show_user_error

build = resources.current_build()
report = resources.curation_report()
data = report.to_json()
summary = data["summary"]
list_name = Path(data["list"]).name

st.title("Curate the list")
st.caption(f"Checks of {md(list_name)}: the same work listed twice, rows with defects, and what the list lacks.")

line_param = st.query_params.get("line", "")
if line_param:
    if line_param.isdigit():
        lines = resources.list_lines()
        line = int(line_param)
        if 1 <= line <= len(lines):
            first, last = max(1, line - 3), min(len(lines), line + 3)
            excerpt = "\n".join(f"{'→' if n == line else ' '} {n:>4} │ {lines[n - 1]}"
                                for n in range(first, last + 1))
            with st.container(border=True):
                st.markdown(f"**{md(list_name)}, line {line}**")
                st.code(excerpt, language=None, wrap_lines=True)
                paper_id = resources.paper_of_line(line)
                if paper_id:
                    nav.paper_link(paper_id, f"Its paper: {build.paper(paper_id).title}")
        else:
            st.warning(f"{md(list_name)} has no line {line}; it has {len(lines)} lines.")
    else:
        st.warning(f"line={md(line_param)} is not a line number.")

with st.container(horizontal=True):
    st.metric("Duplicate groups", summary["duplicate_groups"]["certain"], border=True,
              help="Certain groups; possible ones are listed apart.")
    st.metric("Possible duplicates", summary["duplicate_groups"]["possible"], border=True)
    st.metric("Rows to merge away", summary["duplicate_rows"], border=True)
    st.metric("Defects", sum(summary["defects"].values()), border=True)
    st.metric("Papers without code", summary["papers_without_code"], border=True)

fixed, diff = resources.corrected_list()
with st.container(horizontal=True):
    st.download_button("Corrected list", fixed, file_name=f"{Path(list_name).stem}.corrected.md",
                       mime="text/markdown", icon=":material/download:", on_click="ignore")
    st.download_button("Its diff", diff, file_name=f"{Path(list_name).stem}.diff", mime="text/x-diff",
                       icon=":material/difference:", on_click="ignore")
    st.download_button("Report (JSON)", json.dumps(data, indent=1, ensure_ascii=False),
                       file_name=f"{Path(list_name).stem}.curation.json", mime="application/json",
                       icon=":material/data_object:", on_click="ignore")
for note in data["notes"]:
    st.caption(md(note))

needle = st.text_input("Filter", key="curate_filter", placeholder="Filter by title, venue, kind, detail or row text…",
                       icon=":material/filter_list:").strip().lower()


def wanted(*texts: object) -> bool:
    return not needle or any(needle in str(text).lower() for text in texts)


def line_link(line: int, label: str) -> None:
    st.page_link(nav.CURATE, label=f"{code(f'{list_name}:{line}')} {md(label)}", icon=":material/subject:",
                 query_params={"line": str(line)})


duplicates_tab, defects_tab, gaps_tab, suggestions_tab = st.tabs([
    f"Duplicates ({len(data['duplicates'])})", f"Defects ({len(data['defects'])})", "Gaps", "Suggestions",
])

with duplicates_tab:
    shown = st.pills("Show", ["certain", "possible"], default=["certain", "possible"], selection_mode="multi",
                     key="curate_certainty")
    groups = [g for g in data["duplicates"]
              if ("certain" if g["certain"] else "possible") in (shown or [])
              and wanted(g["kind"], *(m["title"] for m in g["members"]), *(m["venue"] for m in g["members"]))]
    if not groups:
        st.info("No duplicate group matches.")
    for group in groups:
        with st.container(border=True):
            with st.container(horizontal=True, gap="small"):
                st.badge("certain" if group["certain"] else "possible", color="red" if group["certain"] else "orange")
                st.badge(group["kind"], color="gray")
            for member in group["members"]:
                line_link(member["line"], f"{member['title']} · {member['venue']}")
            evidence = "; ".join(
                f"{e['kind'].replace('_', ' ')}" + (f" {e['value']}" if e.get("value") else "")
                + (f" ({e['score']:.2f})" if isinstance(e.get("score"), float) else "")
                for e in group["evidence"]
            )
            st.caption("Evidence: " + md(evidence))
            for conflict in group["conflicts"]:
                values = " vs ".join(f"{v['value']} (line {v['line']})" for v in conflict["values"])
                st.caption(f"Conflict in {md(conflict['field'])}: {md(values)}")
            canonical = group["canonical"]
            st.markdown(f":material/check_circle: Keep line {canonical['line']}: {md(canonical['reason'])}")

with defects_tab:
    kinds = sorted({d["kind"] for d in data["defects"]})
    chosen = st.multiselect("Kinds", kinds, key="curate_kinds", placeholder="Every kind",
                            format_func=lambda k: f"{k} · {summary['defects'].get(k, 0)}")
    list_text = resources.list_lines()
    rows = [d for d in data["defects"] if (not chosen or d["kind"] in chosen)
            and wanted(d["kind"], d["detail"], list_text[d["line"] - 1] if 0 < d["line"] <= len(list_text) else "")]
    table = pd.DataFrame([(d["line"], d["kind"], d["detail"]) for d in rows], columns=["line", "kind", "detail"])
    picked = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                          key="curate_defects")
    st.caption("Select a row to show its line in the list.")
    if picked.selection.rows:
        st.query_params["line"] = str(table.iloc[picked.selection.rows[0]]["line"])
        st.rerun()

with gaps_tab:
    gaps = data["gaps"]
    st.subheader(f"Papers without code ({len(gaps['papers_without_code'])})")
    st.dataframe(
        pd.DataFrame([(p["title"], p["year"], p["venue"], ", ".join(str(Ref.parse(e).line) for e in p["entries"]))
                      for p in gaps["papers_without_code"] if wanted(p["title"], p["venue"])],
                     columns=["title", "year", "venue", "lines"]),
        hide_index=True, width="stretch", height=260,
    )
    for key, title in (("keyword_by_year", "Keyword × year"), ("venue_by_year", "Venue × year")):
        table = gaps[key]
        st.subheader(f"{title}: {len(table['empty_cells'])} empty cells")
        frame = pd.DataFrame.from_dict(table["rows"], orient="index")
        st.dataframe(frame.style.map(lambda n: "background-color: #fde2e1" if n == 0 else ""), width="stretch",
                     height=min(400, 36 * (len(frame) + 1)))
    left, right = st.columns(2)
    with left:
        st.subheader("Datasets no paper uses")
        st.dataframe(pd.DataFrame([(u["label"], ", ".join(str(Ref.parse(e).line) for e in u["entries"]))
                                   for u in gaps["unused_datasets"]], columns=["dataset", "lines"]),
                     hide_index=True, width="stretch")
    with right:
        st.subheader("Metrics no paper mentions")
        st.dataframe(pd.DataFrame([(u["label"], ", ".join(str(Ref.parse(e).line) for e in u["entries"]))
                                   for u in gaps["unused_metrics"]], columns=["metric", "lines"]),
                     hide_index=True, width="stretch")
        if gaps["metrics_note"]:
            st.caption(md(gaps["metrics_note"]))
    citations = gaps["citations"]
    st.subheader("Candidate additions")
    if not citations["available"]:
        st.caption(md(citations["note"]))
    else:
        st.dataframe(pd.DataFrame([(c.get("title"), c.get("year"), c["cited_by_count"])
                                   for c in citations["candidate_additions"]],
                                  columns=["title", "year", "cited by listed papers"]),
                     hide_index=True, width="stretch")
        st.subheader(f"Listed papers no other listed paper cites or is cited by ({len(citations['isolated'])})")
        for paper in citations["isolated"]:
            nav.paper_link(paper["id"], paper["title"])

with suggestions_tab:
    st.caption("Works the list lacks: from peer lists you upload (other awesome lists) and from the works the "
               "list's papers cite (when the build was enriched). Each row is written in the list's own style; "
               "the copy button on a row copies it.")
    uploads = st.file_uploader("Peer lists (markdown)", type=["md", "markdown", "txt"], accept_multiple_files=True,
                               key="curate_peers")
    try:
        found = resources.suggestions(tuple((u.name, u.getvalue()) for u in uploads or ()))
    except UserError as error:
        show_user_error(error)
        found = []
    if not found:
        st.info("No suggestions yet: upload a peer list, or enrich the build (`tfkg ingest`) for cited works.")
    for number, item in enumerate(found, start=1):
        label = " ".join(str(part) for part in (item.venue, item.year) if part)
        st.markdown(f"**{number}. {md(item.title)}**" + (f" · {md(label)}" if label else ""))
        st.caption(f"{md(item.why())} · goes in {md(item.section or 'the top')} (line {item.section_line})")
        st.code(item.row, language="markdown", wrap_lines=True)
