"""The FastAPI app of `tfkg serve`, made from a loaded build: the JSON API (kg/api/papers.py), the SPARQL
endpoint (kg/api/sparql.py) and the linked-data IRIs (kg/api/linked.py), with OpenAPI docs at /docs.

Every endpoint reads; none writes. A UserError a request causes (an unknown venue, a bad slice) is a 400
with its message as `detail`, as FastAPI words its own errors; a triple store (TFKG_SPARQL_ENDPOINT) that
fails is the gateway's trouble, not the request's: 502, or 504 when it gave no answer in time.
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, RedirectResponse

from kg.api import linked, papers, sparql
from kg.api.service import Service
from kg.core.errors import UserError
from kg.rdf.store_client import StoreTooSlow, StoreUnavailable

DESCRIPTION = """Search and read the papers of a tfkg build, query its knowledge graph with SPARQL, and
resolve the IRIs its exports mint. Read-only. The same services as the `tfkg` command: `/api/search` is
`tfkg search --json`, `/api/export` is `tfkg export`, `/sparql` is `tfkg sparql`."""


def create_app(service: Service) -> FastAPI:
    """The app over a loaded service (`Service.load(build_dir)`)."""
    app = FastAPI(title="tfkg", version=version("tfkg"), description=DESCRIPTION)
    app.state.service = service
    # any web page may read the API (it is public and read-only, and takes no cookies or credentials)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"])
    app.add_exception_handler(UserError, user_error)  # type: ignore[arg-type]
    app.add_exception_handler(StoreUnavailable, store_unavailable)  # type: ignore[arg-type]
    app.add_api_route("/", lambda: RedirectResponse("/docs"), include_in_schema=False)
    app.include_router(papers.router)
    app.include_router(sparql.router)
    app.include_router(linked.router_for(service.namer))  # last: it may answer every other path
    return app


async def user_error(request: Request, error: UserError) -> JSONResponse:
    """A mistake in a request, as a 400 that says what is wrong."""
    return JSONResponse({"detail": str(error)}, status_code=400)


async def store_unavailable(request: Request, error: StoreUnavailable) -> JSONResponse:
    """The triple store TFKG_SPARQL_ENDPOINT names failed, not the request: 504 when it was too slow, else
    502."""
    return JSONResponse({"detail": str(error)}, status_code=504 if isinstance(error, StoreTooSlow) else 502)


def serve(build_dir: Path, host: str, port: int) -> None:
    """Load a build and serve it with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_app(Service.load(build_dir)), host=host, port=port)
