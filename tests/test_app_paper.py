"""The Paper page: a paper's fields, list rows, keywords, similar papers and graph neighbourhood; bad ids."""

from __future__ import annotations

import pytest

from tests.app_helpers import assert_no_traceback, open_page, paper_links, texts

pytestmark = pytest.mark.usefixtures("app_build")


def test_the_paper_page_shows_its_fields_list_row_and_keywords():
    app = open_page("paper", {"id": "2301.03786"})
    assert_no_traceback(app)
    assert app.title[0].value == "DiffTalk\\: Crafting Diffusion Models for Generalized Talking Head Synthesis"
    fields = app.dataframe[0].value
    assert dict(zip(fields["field"], fields["value"], strict=True))["arXiv id"] == "2301.03786"
    assert any("|DiffTalk: Crafting Diffusion Models" in block.value for block in app.code)
    keyword_links = [link.proto.query_string for link in app.get("page_link") if link.proto.page == ""]
    assert "keyword=diffusion" in keyword_links


def test_the_paper_page_shows_its_neighbourhood_and_similar_papers():
    app = open_page("paper", {"id": "2301.03786"})
    neighbours = app.dataframe[-1].value
    assert {"concept/diffusion", "venue/arXiv"} <= set(neighbours["node"])
    two_hops = neighbours[neighbours["hops"] == 2]
    assert set(two_hops["type"]) == {"paper"}  # other diffusion papers, reached through the concept
    similar = [paper_id for paper_id, _ in paper_links(app)]
    assert similar and "2301.03786" not in similar


def test_one_hop_without_venues_narrows_the_neighbourhood():
    app = open_page("paper", {"id": "2301.03786"})
    app.button_group(key="hops").set_value(1).run()
    app.button_group(key="node_types").set_value(["concept", "dataset"]).run()
    assert_no_traceback(app)
    assert list(app.dataframe[-1].value["node"]) == ["concept/diffusion"]


def test_an_unknown_paper_id_shows_a_message_and_close_ids():
    app = open_page("paper", {"id": "2301.0378"})
    assert_no_traceback(app)
    assert "No paper with id 2301\\.0378" in app.error[0].value
    assert "2301.03786" in [paper_id for paper_id, _ in paper_links(app)]


def test_hostile_text_in_an_unknown_id_is_shown_escaped():
    app = open_page("paper", {"id": "<img src=x onerror=alert(1)> [x](javascript:alert(1))"})
    assert_no_traceback(app)
    assert "\\<img src\\=x onerror\\=alert\\(1\\)\\>" in app.error[0].value
    assert "](javascript" not in texts(app)


def test_the_paper_page_without_an_id_offers_a_picker():
    app = open_page("paper")
    assert_no_traceback(app)
    picker = app.selectbox[0]
    chosen = next(p for p in picker.options if p.startswith("DiffTalk"))
    picker.select(chosen).run()
    assert app.query_params["id"] == "2301.03786"
