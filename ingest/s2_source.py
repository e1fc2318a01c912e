"""Semantic Scholar: papers by ARXIV:/DOI:/paper id in batches, and title matches for the rest,
through the `semanticscholar` package.

Reads: the Graph API (setting TFKG_S2_API_URL; S2_API_KEY when set, sent as a header and never
logged or stored). Writes: nothing; answers are the API's own JSON objects (what ingest/cache.py
stores), turned into `Metadata` by `to_metadata`. The package builds URLs, parameters and pages;
its HTTP layer is replaced by `SessionRequester`, which sends through the service's session
(pacing, retries, Retry-After: ingest/http.py) and tells a failed request from "not found".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from semanticscholar import SemanticScholar
from semanticscholar.ApiRequester import ApiRequester
from semanticscholar.SemanticScholarException import (
    BadQueryParametersException,
    ObjectNotFoundException,
    SemanticScholarException,
)

from ingest.http import FetchError, MalformedResponse, Service, describe_body
from ingest.metadata import Metadata, Reference, integer, iso_date, text
from kg.core.errors import UserError
from kg.core.model import Author
from kg.core.vocab import slugify

S2_BATCH = 500
"""Ids per /paper/batch request: the API's limit."""

PAPER_FIELDS = [
    "paperId", "externalIds", "title", "abstract", "venue", "publicationVenue", "journal", "year",
    "publicationDate", "authors", "citationCount", "tldr", "openAccessPdf",
    "references.paperId", "references.title", "references.year", "references.externalIds",
]
"""What a batch lookup asks for. References come inline, so a paper costs no request of its own."""

MATCH_FIELDS = ["paperId", "title", "externalIds"]
MAX_REDIRECTS = 5
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
"""What a title match asks for: enough to check the title and look the paper up in the batch."""


class SessionRequester(ApiRequester):
    """The package's requester, sending through a tfkg service session instead of its own client."""

    def __init__(self, service: Service) -> None:
        super().__init__(timeout=service.politeness.timeout, retry=False)
        self.service = service

    async def get_data_async(  # type: ignore[override]
        self, url: str, parameters: str, headers: dict[str, str], payload: dict[str, Any] | None = None
    ) -> dict[str, Any] | list[Any]:
        response = self._send("POST" if payload else "GET", url, parameters.lstrip("&"), headers, payload)
        try:
            data = response.json()
        except ValueError:
            data = None
        error = (data.get("error") or data.get("message")) if isinstance(data, dict) else None
        if response.status_code == 404:
            raise ObjectNotFoundException(error or "not found")
        if response.status_code == 400:
            raise BadQueryParametersException(error or "bad request")
        if response.status_code != 200:
            raise FetchError(f"HTTP {response.status_code}" + (f": {error}" if error else ""))
        if data is None:
            raise MalformedResponse(f"not JSON: {describe_body(response.content)}")
        return data


    def _send(self, method: str, url: str, parameters: str, headers: dict[str, str],
              payload: dict[str, Any] | None) -> requests.Response:
        """Send a request, following redirects only within the configured host, keeping the method and
        body: the API key goes to that host and nowhere else."""
        home = urlsplit(self.service.url).netloc
        for _ in range(MAX_REDIRECTS + 1):
            try:
                response = self.service.session.request(method, url, params=parameters, headers=headers,
                                                        json=payload, allow_redirects=False)
            except requests.RequestException as error:
                raise FetchError(str(error) or type(error).__name__) from error
            if not response.is_redirect:
                return response
            url = urljoin(url, response.headers.get("Location", ""))
            parameters = ""  # the new location carries its own query
            if urlsplit(url).netloc != home:
                raise FetchError(f"HTTP {response.status_code}: redirected to {urlsplit(url).netloc}, another "
                                 f"host than {home}; not followed, so the API key stays with {home}")
        raise FetchError(f"more than {MAX_REDIRECTS} redirects from {home}")


def check_key_transport(url: str, api_key: str | None) -> None:
    """Refuse to send an API key in the clear: over http it may only go to this machine (tests)."""
    parts = urlsplit(url)
    if api_key and parts.scheme != "https" and parts.hostname not in LOOPBACK:
        raise UserError(f"refusing to send S2_API_KEY over {parts.scheme}:// to {parts.hostname}; "
                        "use an https:// TFKG_S2_API_URL or unset S2_API_KEY")


def s2_client(service: Service, api_key: str | None) -> SemanticScholar:
    """A SemanticScholar client for service.url (".../graph/v1") that sends through the service."""
    check_key_transport(service.url, api_key)
    logging.getLogger("semanticscholar").setLevel(logging.ERROR)  # it warns about every id not found
    client = SemanticScholar(api_key=api_key or None, api_url=service.url.rstrip("/").removesuffix("/graph/v1"))
    # The package has no parameter for its HTTP layer; its one requester object is the seam.
    client._AsyncSemanticScholar._requester = SessionRequester(service)
    return client


def lookup_batch(client: SemanticScholar, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The papers Semantic Scholar has for the given ids ("ARXIV:2301.03786", "DOI:10.1145/...",
    or its own paper id), by id. A batch the API finds too big (400) is asked for in halves."""
    try:
        papers = client.get_papers(list(ids), fields=PAPER_FIELDS)
    except BadQueryParametersException as error:
        if len(ids) == 1:
            raise FetchError(f"bad request: {error}") from error
        half = len(ids) // 2
        return lookup_batch(client, ids[:half]) | lookup_batch(client, ids[half:])
    except (SemanticScholarException, TypeError, ValueError, AttributeError) as error:
        # The package builds objects from the answer; a value of the wrong type breaks that.
        raise MalformedResponse(f"unreadable answer ({type(error).__name__}: {error})") from error
    wanted = {key.lower(): key for key in ids}
    found = {}
    for paper in papers:
        for key in _lookup_keys(paper.raw_data):
            if key in wanted:
                found[wanted[key]] = paper.raw_data
    return found


def match_title(client: SemanticScholar, title: str) -> dict[str, dict[str, Any]]:
    """The paper whose title best matches, with its matchScore, keyed by the title; {} when none does.
    Whether it is the listed paper is for the caller to judge."""
    try:
        paper = client.search_paper(query_text(title), fields=MATCH_FIELDS, match_title=True)
    except ObjectNotFoundException:
        return {}
    except (SemanticScholarException, TypeError, ValueError, AttributeError, IndexError) as error:
        raise MalformedResponse(f"unreadable answer ({type(error).__name__}: {error})") from error
    return {title: paper.raw_data}


def query_text(title: str) -> str:
    """A title as a search query: words only. The package does not escape the query, and the API
    finds nothing for hyphenated words, so "&", "#", "+" and "-" become spaces."""
    return " ".join(re.findall(r"[^\W_]+", title))


def to_metadata(paper: dict[str, Any]) -> Metadata:
    """Metadata from a Graph API paper object; fields of the wrong type are left out."""
    external = paper.get("externalIds")
    external_ids = {k: str(v) for k, v in external.items() if isinstance(v, str | int)} if isinstance(
        external, dict) else {}
    venue = paper.get("publicationVenue")
    venue_names = [paper.get("venue")]
    if isinstance(venue, dict):
        alternates = venue.get("alternate_names")
        venue_names += [venue.get("name"), *(alternates if isinstance(alternates, list) else ())]
    journal = paper.get("journal")
    if isinstance(journal, dict):
        venue_names.append(journal.get("name"))
    tldr = paper.get("tldr")
    pdf = paper.get("openAccessPdf")
    return Metadata(
        source="semanticscholar",
        title=text(paper.get("title")),
        abstract=text(paper.get("abstract")),
        authors=_authors(paper.get("authors")),
        published=iso_date(paper.get("publicationDate")),
        year=integer(paper.get("year")),
        doi=external_ids.get("DOI"),
        s2_id=text(paper.get("paperId")),
        citation_count=integer(paper.get("citationCount")),
        tldr=text(tldr.get("text")) if isinstance(tldr, dict) else None,
        pdf_url=text(pdf.get("url")) if isinstance(pdf, dict) else None,
        venue_names=tuple(dict.fromkeys(filter(None, map(text, venue_names)))),
        external_ids=external_ids,
        references=_references(paper.get("references")),
    )


def _authors(value: Any) -> tuple[Author, ...]:
    authors = []
    for item in value if isinstance(value, list) else ():
        name = text(item.get("name")) if isinstance(item, dict) else None
        if name:
            authors.append(Author(text(item.get("authorId")) or slugify(name), name))
    return tuple(authors)


def _references(value: Any) -> tuple[Reference, ...]:
    """The references Semantic Scholar resolved to a paper (those without a paper id are left out)."""
    references = []
    for item in value if isinstance(value, list) else ():
        s2_id = text(item.get("paperId")) if isinstance(item, dict) else None
        if s2_id:
            external = item.get("externalIds") if isinstance(item.get("externalIds"), dict) else {}
            references.append(Reference(s2_id, text(item.get("title")), integer(item.get("year")),
                                        text(external.get("ArXiv")), text(external.get("DOI"))))
    return tuple(references)


def _lookup_keys(paper: dict[str, Any]) -> set[str]:
    """The lowercase ids a batch request may have named this paper by."""
    keys = {str(paper.get("paperId")).lower()}
    external = paper.get("externalIds")
    if isinstance(external, dict):
        for scheme, prefix in (("ArXiv", "arxiv:"), ("DOI", "doi:")):
            if isinstance(external.get(scheme), str):
                keys.add(prefix + external[scheme].lower())
    return keys
