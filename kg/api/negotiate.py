"""Content negotiation: which format an answer is written in, named by `?format=` or chosen from the
`Accept` header (with its q-values and wildcards, as python-mimeparse reads them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import mimeparse
from fastapi import HTTPException


@dataclass(frozen=True)
class Offer:
    """One format an endpoint can answer in: its name for `?format=` and its media type."""

    name: str
    media_type: str


RDF_OFFERS = (
    Offer("ttl", "text/turtle"),
    Offer("jsonld", "application/ld+json"),
    Offer("nt", "application/n-triples"),
    Offer("xml", "application/rdf+xml"),
    Offer("trig", "application/trig"),
)
"""The RDF formats of kg/rdf/export.py (RDF_FORMATS) with their media types; Turtle when any will do."""


def choose(offers: Sequence[Offer], accept: str | None, fmt: str | None = None) -> Offer:
    """The offer fmt names, else the one the Accept header prefers (the first offer when it has none or any
    will do). An unknown fmt is a 400 and an Accept that no offer meets a 406, each listing what there is."""
    if fmt is not None:
        named = next((offer for offer in offers if offer.name == fmt), None)
        if named is None:
            raise HTTPException(400, f"unknown format {fmt!r}; formats: {', '.join(o.name for o in offers)}")
        return named
    if not accept or not accept.strip():
        return offers[0]
    types = [offer.media_type for offer in reversed(offers)]  # mimeparse gives ties to the last type
    try:
        best = mimeparse.best_match(types, accept)
    except mimeparse.MimeTypeParseException as error:
        raise HTTPException(400, f"Accept header {accept!r} cannot be read: {error}") from None
    if not best:
        raise HTTPException(406, f"no format here matches Accept: {accept}; media types: "
                                 f"{', '.join(o.media_type for o in offers)} (or ?format= one of "
                                 f"{', '.join(o.name for o in offers)})")
    return next(offer for offer in offers if offer.media_type == best)
