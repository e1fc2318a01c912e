"""Helpers of `tfkg search` and `tfkg similar` (defined in kg/cli/main.py): options, loading, batch runs.

Reads: the build folder (an index that is missing or was made with another model is an error naming
`tfkg ingest`, never rebuilt here), a batch file of queries. Writes: results to stdout, as text or JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from kg.core.errors import UserError

if TYPE_CHECKING:
    from kg.search.facets import Filters
    from kg.search.search import Searcher, SearchResponse


def load_searcher(build_dir: Path) -> Searcher:
    """The searcher of a build. An index that is missing, damaged or made with another model is a
    UserError naming the command that rebuilds it: reading never builds."""
    from ingest.index import IndexStale
    from kg.core.store import load_build
    from kg.search.search import Searcher

    build = load_build(build_dir)
    try:
        return Searcher.load(build)
    except IndexStale as error:
        raise UserError(f"{error}; run `tfkg ingest --force` to rebuild it") from error


def filters_from_options(years: str | None, venues: tuple[str, ...], venue_kinds: tuple[str, ...],
                         keywords: tuple[str, ...], datasets: tuple[str, ...], has_code: bool | None,
                         authors: tuple[str, ...], topics: tuple[str, ...]) -> Filters:
    """Filters from the command-line options (`--year 2022` or `--year 2020-2022`, repeatable others)."""
    from kg.search.facets import Filters, parse_years

    return Filters(years=parse_years(years) if years else None, venues=venues, venue_kinds=venue_kinds,
                   keywords=keywords, datasets=datasets, has_code=has_code, authors=authors, topics=topics)


def print_response(response: SearchResponse, as_json: bool, heading: str) -> None:
    """Print a response as one line of JSON or as the text of kg/cli/search_format.py."""
    from kg.cli.search_format import format_response

    if as_json:
        click.echo(json.dumps(response.to_json(), ensure_ascii=False))
    else:
        click.echo(format_response(response, heading))


def _filter_text(key: str, value: Any) -> str:
    """One filter as the heading shows it: year=2020-2022, venues=CVPR,ICCV, has_code=True."""
    if isinstance(value, list):
        return f"{key}={('-' if key == 'year' else ',').join(map(str, value))}"
    return f"{key}={value}"


def heading(response: SearchResponse) -> str:
    """"3 of 12 matching papers (filters: year=2020-2022 venues=CVPR)"."""
    shown = len(response.results)
    filters = " ".join(_filter_text(key, value) for key, value in response.filters.to_json().items())
    return f"{shown} of {response.total} matching papers" + (f" (filters: {filters})" if filters else "")


def run_batch(searcher: Searcher, lines: TextIO, filters: Filters, top: int, as_json: bool) -> int:
    """One search per non-blank line; a line that fails prints its error (as {"query", "error"} in JSON)
    and the others still run. Returns how many lines failed."""
    failed = 0
    filters = searcher.table.resolve(filters)  # a bad filter fails once, not once per line
    try:
        queries = list(lines)
    except UnicodeDecodeError as error:
        raise UserError(f"{getattr(lines, 'name', 'batch file')}: not UTF-8 text ({error.reason})") from error
    for line in queries:
        query = line.rstrip("\n")
        if not query.strip():
            continue
        try:
            response = searcher.search(query, filters, top)
        except UserError as error:  # one bad line must not stop the others
            failed += 1
            if as_json:
                click.echo(json.dumps({"query": query, "error": str(error)}, ensure_ascii=False))
            else:
                click.echo(f"tfkg: error: {query!r}: {error}", err=True)
            continue
        print_response(response, as_json, f"== {query}\n{heading(response)}")
    return failed


def filter_options(function: Any) -> Any:
    """The facet filter options shared by `search` and `similar`."""
    options = [
        click.option("--year", "years", metavar="YEAR|FIRST-LAST",
                     help="Only papers of a year or a range (2020-2022)."),
        click.option("--venue", "venues", multiple=True, metavar="NAME",
                     help="Only papers of this venue (CVPR, ACM MM...); repeat for any of several."),
        click.option("--venue-kind", "venue_kinds", multiple=True, metavar="KIND",
                     help="conference, journal, preprint or workshop; repeat for any of several."),
        click.option("--keyword", "keywords", multiple=True, metavar="CONCEPT",
                     help="Only papers about this concept or a narrower one (3d includes nerf); "
                     "repeat for all of several."),
        click.option("--dataset", "datasets", multiple=True, metavar="NAME",
                     help="Only papers that use this dataset (HDTF, VoxCeleb2...); repeat for all of several."),
        click.option("--has-code/--no-code", "has_code", default=None,
                     help="Only papers with (or without) a code link."),
        click.option("--author", "authors", multiple=True, metavar="NAME",
                     help="Only papers by this author (needs an enriched build); repeat for all of several."),
        click.option("--topic", "topics", multiple=True, metavar="HEADING",
                     help="Only papers the list files under this topic heading; repeat for any of several."),
    ]
    for option in reversed(options):
        function = option(function)
    return function
