"""arXiv: metadata of listed papers by arXiv id, many ids per request, through the `arxiv` package.

Reads: the arXiv API (setting TFKG_ARXIV_API_URL). Writes: nothing; `fetch_batch` gives each found
entry as a plain dict (what ingest/cache.py stores) and `to_metadata` turns one into `Metadata`.
The `arxiv.Client` builds the query and parses the Atom feed; the service's session (ingest/http.py)
paces and retries, and a response hook rejects bodies that are not a whole Atom feed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import arxiv
import requests

from ingest.http import FetchError, MalformedResponse, Service, describe_body
from ingest.metadata import Metadata, iso_date, strip_version, text
from kg.core.model import Author
from kg.core.vocab import slugify

ARXIV_BATCH = 400
"""Ids per request. arXiv serves up to 2000 results per request; 400 ids keep the query URL near
6 KB, under the 8 KB that web servers commonly accept."""


def arxiv_client(service: Service, batch_size: int = ARXIV_BATCH) -> arxiv.Client:
    """An arxiv.Client that sends its requests to service.url through the service's session."""
    logging.getLogger("arxiv").setLevel(logging.WARNING)  # it logs every request at INFO
    # The session paces requests and retries (it sees Retry-After); the client's own delay and retries
    # would come on top, so they are off.
    client = arxiv.Client(page_size=batch_size, delay_seconds=0, num_retries=0)
    client._session = service.session  # the client has no public way to take a session
    client.query_url_format = service.url + "?{}"
    service.session.hooks["response"].append(_require_feed)
    return client


def fetch_batch(client: arxiv.Client, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The entries of the given arXiv ids (without version) that arXiv has, by id."""
    found: dict[str, dict[str, Any]] = {}
    try:
        for result in client.results(arxiv.Search(id_list=list(ids), max_results=len(ids))):
            found[strip_version(result.get_short_id())] = _entry(result)
    except arxiv.UnexpectedEmptyPageError:
        pass  # the feed counted ids it holds no entry for; every entry it has came on the first page
    except arxiv.HTTPError as error:
        raise FetchError(f"HTTP {error.status}") from error
    except (arxiv.ArxivError, requests.RequestException, ValueError) as error:
        raise FetchError(str(error) or type(error).__name__) from error
    return found


def to_metadata(entry: dict[str, Any]) -> Metadata:
    """Metadata from a cached entry."""
    names = [name for name in map(text, entry.get("authors") or ()) if name]
    categories = entry.get("categories")
    return Metadata(
        source="arxiv",
        title=text(entry.get("title")),
        abstract=text(entry.get("summary")),
        authors=tuple(Author(slugify(name), name) for name in names),
        published=iso_date(entry.get("published")),
        categories=tuple(c for c in categories if isinstance(c, str)) if isinstance(categories, list) else (),
        doi=text(entry.get("doi")),
        pdf_url=text(entry.get("pdf_url")),
        venue_names=tuple(filter(None, [text(entry.get("journal_ref"))])),
    )


def _entry(result: arxiv.Result) -> dict[str, Any]:
    """The fields of an Atom entry tfkg uses, as JSON-able values."""
    return {
        "id": result.get_short_id(),
        "title": result.title,
        "summary": result.summary,
        "authors": [author.name for author in result.authors],
        "published": result.published.isoformat(),
        "updated": result.updated.isoformat(),
        "categories": result.categories,
        "doi": result.doi,
        "journal_ref": result.journal_ref,
        "comment": result.comment,
        "pdf_url": result.pdf_url,
    }


def _require_feed(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
    """A 200 answer must be a whole Atom feed; an HTML page or a cut-off body is a failed request."""
    body = response.content.strip()
    if response.status_code == 200 and not (b"<feed" in body[:500] and body.endswith(b"</feed>")):
        raise MalformedResponse(f"not an Atom feed: {describe_body(response.content)}")
    return response
