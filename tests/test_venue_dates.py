"""Whether a venue contradicts its paper's arXiv id (kg/curation/venue_dates.py), on made-up rows."""

from __future__ import annotations

import pytest

from kg.core.model import Venue
from kg.curation.venue_dates import VenueMonths, date_conflict

from .conftest import ROOT

MONTHS = VenueMonths.load(ROOT / "data")


def preprint(year: int) -> Venue:
    return Venue(raw=f"arXiv {year}", family="arXiv", year=year, kind="preprint", name="arXiv preprint")


@pytest.mark.parametrize(("label", "arxiv_id", "conflict"), [
    (2023, "2312.08563", False),
    (2024, "2312.08563", True),   # labelled with the year after it appeared
    (2023, "2401.00023", False),  # a January id among the first: sent in late December, announced after
    (2023, "2401.01647", False),
    (2023, "2401.06146", True),   # sent in mid-January
    (2019, "2001.06427", True),
    (1999, "cs/0001001", False),  # an old-style id has no sequence to tell by: given the benefit of the doubt
])
def test_a_preprint_label_must_name_its_arxiv_year(label: int, arxiv_id: str, conflict: bool) -> None:
    assert (date_conflict(preprint(label), arxiv_id, MONTHS) is not None) is conflict


def test_a_conference_may_come_within_the_grace_period_before_its_arxiv_id() -> None:
    cvpr = Venue(raw="CVPR 2022", family="CVPR", year=2022, kind="conference", name="CVPR")
    assert date_conflict(cvpr, "2209.00001", MONTHS) is None  # 3 months after June
    assert "months before arXiv id" in (date_conflict(cvpr, "2212.00001", MONTHS) or "")


def test_a_paper_may_reach_arxiv_years_after_print_but_not_months_after_a_wrong_year() -> None:
    journal = Venue(raw="Physics Review 1995", family="Physics Review", year=1995, kind="unknown")
    assert date_conflict(journal, "cond-mat/9805244", MONTHS) is None  # printed 1995, on arXiv in 1998
    assert date_conflict(journal, "0805.12345", MONTHS) is None  # uploaded thirteen years on
    uai = Venue(raw="UAI 2009", family="UAI", year=2009, kind="conference")
    assert date_conflict(uai, "1205.2599", MONTHS) is None  # arXiv's 2012 upload of UAI's back catalogue
    wacv = Venue(raw="WACV2021", family="WACV", year=2021, kind="conference")
    assert "7 months before arXiv id" in (date_conflict(wacv, "2110.11998", MONTHS) or "")  # WACV 2022's paper


def test_a_preprint_listed_years_before_its_arxiv_id_may_link_another_paper() -> None:
    # FlashAttention listed as "Arxiv 2022" with a link to 2402.16058, another paper
    assert "may be to another paper" in (date_conflict(preprint(2022), "2402.16058", MONTHS) or "")
    assert "another paper" not in (date_conflict(preprint(2023), "2401.15670", MONTHS) or "")  # a year off: a typo
