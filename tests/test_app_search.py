"""The Search page: queries and facet filters, facet counts, the state in the URL, and bad input."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from kg.core.store import load_build
from tests.app_helpers import PAGES, assert_no_traceback, open_page, paper_links, texts

pytestmark = pytest.mark.usefixtures("app_build")
QUERY = "one-shot diffusion emotion"


def option_count(app, key: str, value_label: str) -> int:
    """The count an option of a facet widget shows ("CVPR · 11" -> 11)."""
    widget = app.multiselect(key=key) if key != "f_kind" else app.button_group(key=key)
    labels = [str(option) for option in widget.options]
    label = next(label for label in labels if label.rsplit(" · ", 1)[0] == value_label)
    return int(label.rsplit(" · ", 1)[1])


def test_a_query_with_a_venue_filter_gives_the_one_matching_paper():
    app = open_page("search", {"q": QUERY, "venue": "SIGGRAPH"})
    assert_no_traceback(app)
    assert [paper_id for paper_id, _ in paper_links(app)] == ["2205.15278"]  # EAMM, SIGGRAPH 2022


def test_filters_keep_only_papers_that_have_them(app_build: Path):
    app = open_page("search", {"q": QUERY, "kind": "conference", "code": "yes", "year": "2021-2023"})
    assert_no_traceback(app)
    build = load_build(app_build)
    found = [build.paper(paper_id) for paper_id, _ in paper_links(app)]
    assert found
    assert all(p.venue.kind == "conference" and p.has_code and 2021 <= p.year <= 2023 for p in found)


def test_each_result_shows_the_query_concepts_it_meets_and_misses():
    app = open_page("search", {"q": QUERY})
    badges = [m.value for m in app.markdown if "-badge[:material/" in m.value]
    assert paper_links(app)[0][0] == "2205.15278"  # EAMM: one-shot and emotion, no diffusion
    assert badges[0].endswith(":green-badge[:material/check: one\\-shot] :red-badge[:material/close: diffusion] "
                              ":green-badge[:material/check: emotion]")


def test_the_page_says_what_the_query_was_read_as():
    app = open_page("search", {"q": "make a single photo talk, with code"})
    assert_no_traceback(app)
    assert app.caption[0].value == 'Read as: one\\-shot \\(\\"single photo\\"\\)\\, code'  # markdown-escaped


def test_facet_counts_change_with_the_filters():
    app = open_page("search", {"q": QUERY})
    assert option_count(app, "f_venue", "CVPR") > 0
    app.button_group(key="f_kind").set_value(["preprint"]).run()
    assert_no_traceback(app)
    assert option_count(app, "f_venue", "CVPR") == 0
    assert option_count(app, "f_venue", "arXiv") == option_count(app, "f_kind", "preprint")
    assert app.query_params["kind"] == "preprint"


def test_the_url_state_round_trips():
    params = {"q": QUERY, "year": "2021-2023", "venue": ["CVPR", "ICCV"], "kind": "conference", "code": "yes",
              "keyword": "one-shot"}
    app = open_page("search", params)
    assert_no_traceback(app)
    assert app.text_input(key="q").value == QUERY
    assert app.slider(key="f_year").value == (2021, 2023)
    assert app.multiselect(key="f_venue").value == ["CVPR", "ICCV"]
    assert app.multiselect(key="f_keyword").value == ["one-shot"]
    assert app.button_group(key="f_code").value is True
    assert app.query_params == params
    reloaded = open_page("search", dict(app.query_params))
    assert paper_links(reloaded) == paper_links(app)


def test_changing_a_widget_writes_the_url():
    app = open_page("search", {"q": QUERY})
    app.slider(key="f_year").set_value((2022, 2022)).run()
    app.text_input(key="q").input("radiance field portraits").run()
    assert app.query_params == {"q": "radiance field portraits", "year": "2022"}
    assert paper_links(app)


def test_a_link_with_a_new_query_string_replaces_the_state():
    app = open_page("search", {"q": QUERY, "venue": "CVPR"})
    app.query_params.clear()
    app.query_params.update({"keyword": "nerf"})
    app.run()
    assert app.text_input(key="q").value == ""
    assert app.multiselect(key="f_keyword").value == ["nerf"]
    assert app.multiselect(key="f_venue").value == []


def test_filters_alone_list_the_papers_that_have_them(app_build: Path):
    app = open_page("search", {"dataset": "hdtf"})
    assert_no_traceback(app)
    build = load_build(app_build)
    ids = {paper_id for paper_id, _ in paper_links(app)}
    assert ids == {p.id for p in build.papers if "hdtf" in p.dataset_ids}


def test_an_empty_query_shows_a_hint_not_an_error():
    app = open_page("search")
    assert_no_traceback(app)
    assert not app.error
    assert "Type a query" in app.info[0].value
    assert [label for _, label in paper_links(app)] == []


def test_bad_values_in_the_url_show_messages_and_the_rest_still_works():
    app = open_page("search", {"q": QUERY, "venue": ["CVPR", "NOPE"], "year": "2023-2020", "code": "maybe"})
    assert_no_traceback(app)
    warnings = " ".join(w.value for w in app.warning)
    assert "NOPE" in warnings and "backwards" in warnings and "maybe" in warnings
    assert app.multiselect(key="f_venue").value == ["CVPR"]
    assert paper_links(app)


def test_a_very_long_query_is_cut_with_a_message():
    app = open_page("search", {"q": "talking face " * 100})
    assert_no_traceback(app)
    assert "cut" in texts(app)
    assert len(app.text_input(key="q").value) <= 500


def test_show_more_adds_a_page_of_results_and_keeps_it_in_the_url():
    app = open_page("search", {"q": "talking face"})
    assert len(paper_links(app)) == 20
    next(button for button in app.button if button.label.startswith("Show more")).click().run()
    assert_no_traceback(app)
    assert len(paper_links(app)) == 40
    assert app.query_params["n"] == "40"


def test_coming_back_from_a_paper_page_restores_the_search():
    app = open_page("search", {"q": QUERY, "kind": "conference"})
    first = paper_links(app)
    app.query_params.clear()
    app.query_params["id"] = first[0][0]
    app.switch_page(PAGES["paper"]).run()
    back = next(link for link in app.get("page_link") if link.proto.label == "Back to the results")
    app.query_params.clear()
    app.query_params.update(dict(parse_qsl(back.proto.query_string)))
    app.switch_page(PAGES["search"]).run()
    assert_no_traceback(app)
    assert app.text_input(key="q").value == QUERY
    assert paper_links(app) == first


def test_messages_about_the_url_go_away_once_the_user_moves_on():
    app = open_page("search", {"q": QUERY, "venue": "NOPE"})
    assert app.warning
    app.button_group(key="f_kind").set_value(["conference"]).run()
    assert not app.warning
    assert app.query_params == {"q": QUERY, "kind": "conference"}
