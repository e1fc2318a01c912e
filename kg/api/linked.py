"""Linked data: the IRIs an export mints (kg/rdf/mapping.py) resolve on the server.

An IRI is `<BASE><node id>` (TFKG_BASE_IRI), so the server answers the path of BASE followed by a node id:
with the default base https://tfkg.example.org/ that is /paper/2301.03786, /concept/nerf, /dataset/hdtf,
/venue/CVPR, /author/...; with a base of https://host/id/ it is /id/paper/2301.03786. Whatever host the
request names, the path decides, so a server at http://host:port/ started with TFKG_BASE_IRI set to that
address serves IRIs that resolve where they point. A base ending in "#" mints IRIs that differ only in their
fragment, which a request cannot carry: no linked data is served then.

A node answers with its description: the triples it is the subject of, plus the labels of the nodes they
name; in Turtle, JSON-LD, N-Triples, RDF/XML or TriG, or as a small HTML page (for a browser) that also
lists the nodes that link to it. Chosen by Accept or `?format=`. An IRI with no triples is a 404.
Reads: the loaded `Service`. Writes nothing.
"""

from __future__ import annotations

from html import escape
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Header, HTTPException, Query
from fastapi.responses import HTMLResponse, Response
from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.api.negotiate import RDF_OFFERS, Offer, choose
from kg.api.service import Service, ServiceDep
from kg.rdf.export import serialize_rdf
from kg.rdf.mapping import Namer, Quads

HTML = Offer("html", "text/html")
NODE_OFFERS = (*RDF_OFFERS, HTML)
"""Turtle when any will do; a browser asks for HTML first."""
MAX_LINKS_HERE = 500
STYLE = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4}"
         "th{text-align:left;vertical-align:top;padding-right:1rem;font-weight:normal;color:#555;white-space:nowrap}"
         "td{padding:.15rem 0}code{font-size:.9em}.note{color:#777;font-size:.85em}")


def base_path(namer: Namer) -> str | None:
    """The path under which the server answers the IRIs of namer's base ("/" or "/id/"), or None for a
    base ending in "#", whose IRIs cannot be told apart by path."""
    return None if namer.base.endswith("#") else urlsplit(namer.base).path


def router_for(namer: Namer) -> APIRouter:
    """The linked-data route for the IRIs under namer's base (no route for a "#" base). Include it after
    every other route: under a base path of "/" it answers any path the others do not."""
    router = APIRouter(tags=["linked data"])
    path = base_path(namer)
    if path is None:
        return router

    @router.get(path + "{node_id:path}", response_class=Response,
                responses={200: {"content": {offer.media_type: {} for offer in NODE_OFFERS}}})
    def describe(service: ServiceDep, node_id: str,
                 fmt: Annotated[str | None, Query(alias="format", description="ttl, jsonld, nt, xml, trig or "
                                                                             "html (else chosen by Accept).")] = None,
                 accept: Annotated[str | None, Header(include_in_schema=False)] = None) -> Response:
        """The description of a node of the graph, by its IRI's path: paper/2301.03786, concept/nerf..."""
        return node_answer(service, node_id, accept, fmt)

    return router


def node_answer(service: Service, node_id: str, accept: str | None, fmt: str | None) -> Response:
    """A node's description in the negotiated format; a 404 when its IRI has no triples in the build."""
    iri = service.namer.node(node_id)
    triples = service.nodes.subjects.get(iri)
    if not triples:
        raise HTTPException(404, f"no node <{iri}> in this build (ids look like paper/2301.03786, concept/nerf)")
    offer = choose(NODE_OFFERS, accept, fmt)
    headers = {"Vary": "Accept"}
    if offer is HTML:
        return HTMLResponse(page(service, iri), headers=headers)
    named = dict.fromkeys(o for _, _, o in triples if isinstance(o, URIRef))
    labels = [service.nodes.labels[o] for o in named if o in service.nodes.labels]
    quads = Quads(tuple((s, p, o, None) for s, p, o in dict.fromkeys((*triples, *labels))), service.namer)
    return Response(serialize_rdf(quads, offer.name, quads.graph()), media_type=offer.media_type, headers=headers)


def page(service: Service, iri: URIRef) -> str:
    """A node as a small HTML page: its properties, then the nodes that link to it, each linked to its page."""
    nodes = service.nodes
    title = label(service, iri)
    rows = "".join(f"<tr><th>{escape(short(service, p))}</th><td>{cell(service, o)}</td></tr>"
                   for _, p, o in nodes.subjects[iri])
    incoming = nodes.objects.get(iri, [])
    back = "".join(f"<tr><td>{cell(service, s)}</td><th>{escape(short(service, p))}</th></tr>"
                   for s, p, _ in incoming[:MAX_LINKS_HERE])
    more = f'<p class="note">and {len(incoming) - MAX_LINKS_HERE} more</p>' if len(incoming) > MAX_LINKS_HERE else ""
    links_here = f"<h2>Links here</h2><table>{back}</table>{more}" if back else ""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} · tfkg</title>'
            f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1>"
            f'<p><code>{escape(iri)}</code></p><p class="note">As data: <a href="?format=ttl">Turtle</a> · '
            f'<a href="?format=jsonld">JSON-LD</a> · <a href="?format=nt">N-Triples</a> · '
            f'<a href="/docs">API</a></p><table>{rows}</table>{links_here}</body></html>')


def label(service: Service, iri: URIRef) -> str:
    """A node's label (name, prefLabel...), else its short name."""
    found = service.nodes.labels.get(iri)
    return str(found[2]) if found else short(service, iri)


def short(service: Service, iri: URIRef) -> str:
    """An IRI with the export's prefixes (schema:name, paper:2301.03786), else in full."""
    return service.prefixes.normalizeUri(iri).strip("<>")


def cell(service: Service, term: Node) -> str:
    """A term as HTML: a node of the graph links to its page here, another IRI to itself, a literal is text."""
    if isinstance(term, Literal):
        tag = f' <span class="note">@{escape(term.language)}</span>' if term.language else ""
        return escape(str(term)) + tag
    if not isinstance(term, URIRef):
        return escape(str(term))
    base = service.namer.base
    path = base_path(service.namer)
    if path is not None and term.startswith(base) and term in service.nodes.subjects:
        return f'<a href="{escape(path + term.removeprefix(base))}">{escape(label(service, term))}</a>'
    return f'<a href="{escape(term)}">{escape(short(service, term))}</a>'
