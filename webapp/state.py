"""The search as it lives in the URL query string, so that a search can be bookmarked and shared.

`?q=one-shot+diffusion&year=2020-2023&venue=CVPR&venue=ICCV&kind=conference&keyword=nerf
&dataset=hdtf&code=yes&author=...&n=40` <-> `SearchState`. Parsing is forgiving: a malformed value is
dropped with a message rather than failing the page. Pure: no Streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kg.search.facets import FilterError, Filters, parse_years

PAGE_SIZE = 20
MAX_RESULTS = 200
MAX_QUERY = 500

# query-string key -> Filters field, for the many-valued facets
LIST_PARAMS = {"venue": "venues", "kind": "venue_kinds", "keyword": "keywords", "dataset": "datasets",
               "author": "authors", "topic": "topics"}


@dataclass(frozen=True)
class SearchState:
    """What the Search page shows: the query, the facet filters, and how many results."""

    query: str = ""
    filters: Filters = field(default_factory=Filters)
    top: int = PAGE_SIZE

    def to_params(self) -> dict[str, str | list[str]]:
        """The state as query-string parameters; defaults are left out so URLs stay short."""
        params: dict[str, str | list[str]] = {}
        if self.query.strip():
            params["q"] = self.query.strip()
        filters = self.filters
        if filters.years is not None:
            first, last = filters.years
            params["year"] = str(first) if first == last else f"{first}-{last}"
        for key, name in LIST_PARAMS.items():
            values = getattr(filters, name)
            if values:
                params[key] = list(values)
        if filters.has_code is not None:
            params["code"] = "yes" if filters.has_code else "no"
        if self.top != PAGE_SIZE:
            params["n"] = str(self.top)
        return params


def normalise(params: Mapping[str, str | list[str]]) -> dict[str, list[str]]:
    """Query-string parameters with every value as a list, to compare two of them."""
    return {key: [value] if isinstance(value, str) else list(value) for key, value in params.items()}


def _values(params: Mapping[str, str | list[str]], key: str) -> list[str]:
    value = params.get(key, [])
    items = [value] if isinstance(value, str) else list(value)
    return [item.strip() for item in items if item and item.strip()]


def from_params(params: Mapping[str, str | list[str]]) -> tuple[SearchState, list[str]]:
    """A SearchState from query-string parameters, and a message for each value that was dropped."""
    problems: list[str] = []
    query = " ".join(_values(params, "q"))
    if len(query) > MAX_QUERY:
        problems.append(f"the query was cut to its first {MAX_QUERY} characters")
        query = query[:MAX_QUERY]
    years = None
    year_values = _values(params, "year")
    if year_values:
        try:
            years = parse_years(year_values[-1])
        except FilterError as error:
            problems.append(str(error))
    has_code = None
    code_values = _values(params, "code")
    if code_values:
        code = code_values[-1].lower()
        if code in ("yes", "true", "1"):
            has_code = True
        elif code in ("no", "false", "0"):
            has_code = False
        else:
            problems.append(f"code={code_values[-1]!r} is not yes or no")
    top = PAGE_SIZE
    top_values = _values(params, "n")
    if top_values:
        if top_values[-1].isdigit() and int(top_values[-1]) > 0:
            top = min(int(top_values[-1]), MAX_RESULTS)
        else:
            problems.append(f"n={top_values[-1]!r} is not a number of results")
    lists = {name: tuple(dict.fromkeys(_values(params, key))) for key, name in LIST_PARAMS.items()}
    return SearchState(query=query, filters=Filters(years=years, has_code=has_code, **lists), top=top), problems
