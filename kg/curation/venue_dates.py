"""When a venue took place, and whether a paper's arXiv id contradicts its venue.

Reads `data/venue_months.toml` (the usual month of each venue family, and a grace period). Answers
one question for curation: is "CVPR2022" plausible for a paper whose arXiv id says November 2022?
An arXiv id "YYMM.NNNNN" (or "archive/YYMMNNN") dates the paper's first version.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from kg.core.errors import UserError
from kg.core.model import Venue

VENUE_MONTHS_FILE = "venue_months.toml"
NEW_ARXIV_ID = re.compile(r"^(\d\d)(\d\d)\.\d{4,5}$")
OLD_ARXIV_ID = re.compile(r"^[a-z\-]+(?:\.[A-Z]{2})?/(\d\d)(\d\d)\d{3}$")
DECEMBER_BACKLOG = 3000
"""January ids below this sequence number may be late-December submissions, announced after the holidays,
so they may carry the previous year's preprint label. Measured on the judged lists: previous-year labels
on January ids sit at 23 and 1,647 (sent in late December) and at 5,204 to 8,570 (sent in mid-January);
3,000 is about the holiday backlog at 2023-24 submission rates (docs/curation.md)."""

OTHER_PAPER = "; the arXiv link may be to another paper"
"""What a preprint's conflict adds when it is listed two or more years before its arXiv id existed."""


@dataclass(frozen=True)
class VenueMonths:
    """The usual month of each venue family; grace: months a paper may appear on arXiv after it; late: months
    after which it reached arXiv late (an old paper uploaded years on) and the venue's year is no suspect."""

    months: dict[str, int]
    grace: int = 3
    late: int = 12

    @classmethod
    def load(cls, data_dir: Path) -> VenueMonths:
        """Read `venue_months.toml` from a data folder."""
        path = data_dir / VENUE_MONTHS_FILE
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise UserError(f"{path}: cannot read venue months ({error}); restore it from data/") from error
        return cls({str(k): int(v) for k, v in table.get("months", {}).items()}, int(table.get("grace_months", 3)),
                   int(table.get("late_months", 12)))


def arxiv_sequence(arxiv_id: str) -> int | None:
    """The number of an id within its month ("2401.01647" -> 1647); None for an old-style id."""
    match = NEW_ARXIV_ID.match(arxiv_id)
    return int(arxiv_id.split(".")[1]) if match else None


def arxiv_month(arxiv_id: str) -> tuple[int, int] | None:
    """(year, month) of an arXiv id's first version: "2211.12194" -> (2022, 11); None when not an id."""
    match = NEW_ARXIV_ID.match(arxiv_id) or OLD_ARXIV_ID.match(arxiv_id)
    if not match:
        return None
    yy, mm = int(match.group(1)), int(match.group(2))
    return (2000 + yy if yy < 90 else 1900 + yy), mm


def date_conflict(venue: Venue, arxiv_id: str | None, months: VenueMonths) -> str | None:
    """Why a venue contradicts the arXiv id's date, or None when it does not (or cannot be told).

    A preprint venue must name the arXiv year; a conference or journal must not come more than the grace
    period before the paper first appeared on arXiv, unless more than a year before (the paper reached arXiv
    late; old-style ids likewise). Workshops are not checked.
    """
    if venue.year is None or not arxiv_id or venue.kind == "workshop":
        return None  # workshop papers often reach arXiv long after, as extended versions
    posted = arxiv_month(arxiv_id)
    if posted is None:
        return None
    year, month = posted
    if venue.kind == "preprint":
        # An id's month is its announcement's: a paper sent in the last days of December gets January's.
        sequence = arxiv_sequence(arxiv_id)
        sent_in_december = month == 1 and (sequence is None or sequence < DECEMBER_BACKLOG)
        if year != venue.year and not (sent_in_december and venue.year == year - 1):
            # a preprint listed years before its id existed is likelier a link to another paper than a typo
            other_paper = OTHER_PAPER if venue.year < year - 1 else ""
            return f"preprint venue says {venue.year} but arXiv id {arxiv_id} dates it {year}-{month:02d}{other_paper}"
        return None
    if arxiv_sequence(arxiv_id) is None:
        return None  # an old-style id (before April 2007): papers then often reached arXiv years after print
    venue_month = months.months.get(venue.family or "", 12)
    months_after = (year - venue.year) * 12 + (month - venue_month)
    if months.grace < months_after <= months.late:
        return (
            f"venue {venue.raw or venue.label} (usually month {venue_month}) is {months_after} months before "
            f"arXiv id {arxiv_id} first appeared ({year}-{month:02d})"
        )
    return None
