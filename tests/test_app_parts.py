"""The app's pure parts: escaping and safe links, the search state in the URL, graph neighbourhoods."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.core.store import load_build
from kg.search.facets import Filters
from webapp.neighbourhood import neighbourhood
from webapp.render import code, md, md_link, safe_url, tooltip_text
from webapp.state import MAX_RESULTS, SearchState, from_params, normalise


@pytest.mark.parametrize("text, shown", [
    ("<img src=x onerror=alert(1)>", "\\<img src\\=x onerror\\=alert\\(1\\)\\>"),
    (":red[alert] $x$ **b**", "\\:red\\[alert\\] \\$x\\$ \\*\\*b\\*\\*"),
    ("a\nb\x00c", "a b c"),
    ("&lt;", "\\&lt\\;"),
])
def test_md_escapes_every_markdown_and_directive_character(text: str, shown: str):
    assert md(text) == shown


@pytest.mark.parametrize("url", ["https://arxiv.org/abs/2301.03786", "http://example.org/a?b=c#d"])
def test_http_urls_are_safe(url: str):
    assert safe_url(url) == url


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "/relative", "https://", "ftp://x.org",
                                 "https://exa mple.org", "https://x.org/\x00", "", None])
def test_other_urls_are_not(url: str | None):
    assert safe_url(url) is None


def test_md_link_links_only_safe_urls_and_encodes_parentheses():
    assert md_link("code", "https://x.org/a_(b)") == "[code](https://x.org/a_%28b%29)"
    assert md_link("[x](y)", "javascript:alert(1)") == "\\[x\\]\\(y\\)"


def test_code_cannot_be_closed_early():
    assert code("a`b") == "`a'b`"


def test_tooltips_carry_no_html():
    assert not set(tooltip_text("<b onclick='x'>A & B</b>")) & set("<>&'\"")


def test_a_state_round_trips_through_the_query_string():
    filters = Filters(years=(2020, 2022), venues=("CVPR", "ICCV"), venue_kinds=("conference",), keywords=("nerf",),
                      datasets=("hdtf",), has_code=False, authors=("A B",))
    state = SearchState(query="one-shot", filters=filters, top=40)
    assert from_params(state.to_params()) == (state, [])
    assert state.to_params()["year"] == "2020-2022"
    assert SearchState().to_params() == {}


@given(st.dictionaries(st.sampled_from(["q", "year", "venue", "kind", "keyword", "dataset", "code", "author", "topic",
                                        "n", "other"]),
                       st.one_of(st.text(max_size=30), st.lists(st.text(max_size=10), max_size=3))))
def test_any_query_string_parses_to_a_state_that_round_trips(params):
    state, problems = from_params(params)
    assert all(isinstance(p, str) for p in problems)
    assert 1 <= state.top <= MAX_RESULTS
    again, _ = from_params(state.to_params())
    assert again == state
    assert normalise(state.to_params()) == normalise(again.to_params())


@pytest.mark.parametrize("params, problem", [
    ({"year": "2023-2020"}, "backwards"),
    ({"year": "soon"}, "not a year"),
    ({"code": "maybe"}, "yes or no"),
    ({"n": "-3"}, "number of results"),
])
def test_malformed_values_are_dropped_with_a_message(params: dict[str, str], problem: str):
    state, problems = from_params(params)
    assert state == SearchState()
    assert problem in problems[0]


def test_a_neighbourhood_keeps_hop_one_and_ranks_hop_two_by_shared_neighbours(bundled_build: Path):
    graph = load_build(bundled_build).graph
    view = neighbourhood(graph, "paper/2301.03786", hops=2, limit=12)
    hops = {node: attrs["hops"] for node, attrs in view.nodes}
    assert view.nodes[0][0] == "paper/2301.03786" and len(view.nodes) == 12
    assert {node for node, hop in hops.items() if hop == 1} == {"concept/diffusion", "venue/arXiv"}
    assert all(source in hops and target in hops for source, target, _ in view.edges)
    assert ("paper/2301.03786", "concept/diffusion", "about") in view.edges


def test_a_neighbourhood_leaves_out_unwanted_types_and_unknown_nodes_raise(bundled_build: Path):
    graph = load_build(bundled_build).graph
    view = neighbourhood(graph, "paper/2301.03786", hops=2, types=("concept",))
    assert {attrs["type"] for node, attrs in view.nodes[1:]} == {"concept"}
    with pytest.raises(KeyError):
        neighbourhood(graph, "paper/nope")
