"""`tfkg`: the command-line face of tfkg. Each subcommand is a thin layer over a library function.

Errors a user can cause (a bad list, a missing build) print one line on stderr and exit 1.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Callable
from functools import partial, wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from kg.cli.search import filter_options
from kg.core import settings
from kg.core.errors import UserError

F = TypeVar("F", bound=Callable[..., Any])


def build_option(function: F) -> F:
    """--build DIR, shared by every subcommand."""
    return click.option(
        "--build", "build_dir", type=click.Path(path_type=Path), default=lambda: settings.get("build"),
        show_default=settings.SETTINGS["build"].default, help=settings.SETTINGS["build"].help,
    )(function)


def user_errors(function: F) -> F:
    """Turn a UserError into one line on stderr and exit status 1."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except UserError as error:
            click.echo(f"tfkg: error: {error}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tfkg", prog_name="tfkg")
@click.option("-v", "--verbose", is_flag=True, help="Show debug messages.")
def main(verbose: bool) -> None:
    """tfkg: a knowledge graph and paper search over an awesome-list of research papers.

    Start with `tfkg ingest` (builds the bundled list), then `tfkg stats`.
    """
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format="tfkg: %(message)s")


@main.command()
@click.option("--list", "list_path", type=click.Path(path_type=Path), default=lambda: settings.get("list"),
              show_default="the bundled list", help=settings.SETTINGS["list"].help)
@build_option
@click.option("--data-dir", type=click.Path(path_type=Path), default=lambda: settings.get("data_dir"),
              show_default="data/", help=settings.SETTINGS["data_dir"].help)
@click.option("--cache-dir", type=click.Path(path_type=Path), default=lambda: settings.get("cache_dir"),
              show_default="data/cache/", help=settings.SETTINGS["cache_dir"].help)
@click.option("--force", is_flag=True, help="Rebuild even when the build is up to date.")
@click.option("--refresh", is_flag=True, help="Ask the APIs again for every paper, ignoring the cache.")
@click.option("--offline", is_flag=True, help="Send no API request: enrich from the cache and snapshot only.")
@click.option("--arxiv-snapshot", type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None,
              help="A local arXiv metadata snapshot (one JSON object per line), used instead of the arXiv API "
                   "for the ids it holds.")
@click.option("--quiet", is_flag=True, help="No progress bars and no parser warnings.")
@user_errors
def ingest(list_path: Path, build_dir: Path, data_dir: Path, cache_dir: Path, force: bool, refresh: bool,
           offline: bool, arxiv_snapshot: Path | None, quiet: bool) -> None:
    """Parse a list, enrich it from arXiv and Semantic Scholar (cached), and build its graph (and index)
    into the build folder.

    The build is replaced whole, and only when every step succeeded; a run on unchanged input does
    nothing and says so.
    """
    from ingest.pipeline import IngestOptions
    from ingest.pipeline import ingest as run_ingest

    started = time.perf_counter()
    result = run_ingest(IngestOptions(list_path, build_dir, data_dir, cache_dir, force=force, progress=not quiet,
                                      refresh=refresh, offline=offline, arxiv_snapshot=arxiv_snapshot))
    if not quiet:
        for warning in result.warnings:
            click.echo(f"warning: {warning}", err=True)
    counts = result.manifest["counts"]
    summary = f"{counts['entries']} entries, {counts['papers']} papers, {sum(counts['nodes'].values())} nodes"
    if result.built:
        click.echo(f"built {build_dir} from {list_path}: {summary} in {time.perf_counter() - started:.1f}s")
    else:
        click.echo(f"{build_dir} is up to date with {list_path} ({summary}); nothing to do (--force rebuilds)")


@main.command()
@build_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@user_errors
def stats(build_dir: Path, as_json: bool) -> None:
    """Counts of a build: entries, nodes and edges by type, papers per year and venue."""
    from ingest.stats import build_stats
    from kg.cli.stats import format_stats
    from kg.core.store import load_build

    figures = build_stats(load_build(build_dir))
    click.echo(json.dumps(figures, indent=2, ensure_ascii=False) if as_json else format_stats(figures))


@main.command()
@click.argument("query", nargs=-1)
@filter_options
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1), help="How many results to show.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per query (see docs/search.md).")
@click.option("--batch", type=click.File("r", encoding="utf-8"), metavar="FILE",
              help="Run one query per line of FILE ('-' for stdin) in one process, loading the model once.")
@build_option
@user_errors
def search(query: tuple[str, ...], top: int, as_json: bool, batch: Any, build_dir: Path, **filter_values: Any) -> None:
    """Find papers by meaning, words and concepts, and say why each matched.

    QUERY may name concepts ("one-shot", "NeRF"), a venue and year ("CVPR 2023") or a dataset
    ("HDTF"): papers that have them come first. The options are hard filters. With no QUERY, the
    papers passing the filters are listed, newest first.

    \b
    Examples:
      tfkg search one-shot diffusion emotion
      tfkg search "audio-driven 3D avatar" --year 2022-2023 --has-code
      tfkg search --keyword nerf --venue CVPR --json
      tfkg search --batch queries.txt --json
    """
    from kg.cli.search import filters_from_options, heading, load_searcher, print_response, run_batch

    filters = filters_from_options(**filter_values)
    if batch is None:
        response = load_searcher(build_dir).search(" ".join(query), filters, top)
        print_response(response, as_json, heading(response))
    elif query:
        raise UserError("give a QUERY or --batch FILE, not both")
    elif run_batch(load_searcher(build_dir), batch, filters, top, as_json):
        sys.exit(1)


@main.command()
@click.argument("paper_id")
@filter_options
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1), help="How many papers to show.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object (the shape of `tfkg search --json`).")
@build_option
@user_errors
def similar(paper_id: str, top: int, as_json: bool, build_dir: Path, **filter_values: Any) -> None:
    """The papers nearest to PAPER_ID (an arXiv id or title slug, as `tfkg search --json` shows) by
    meaning, with the concepts of PAPER_ID each of them shares."""
    from kg.cli.search import filters_from_options, load_searcher, print_response

    searcher = load_searcher(build_dir)
    response = searcher.similar(paper_id, top, filters_from_options(**filter_values))
    source = searcher.papers[searcher.row_of(paper_id)]
    print_response(response, as_json, f"papers similar to {source.title} ({source.id})")


def protected_paths(build_dir: Path) -> tuple[list[Path], list[Path]]:
    """What an output must never replace: the list the build was made from (and the configured one),
    and the folders tfkg manages (the build and the cache)."""
    from kg.core.store import read_manifest

    manifest = read_manifest(build_dir) or {}
    built_from = manifest.get("inputs", {}).get("list", {}).get("path")
    inputs = [settings.get_path("list"), *([Path(built_from)] if built_from else [])]
    return inputs, [build_dir, settings.get_path("cache_dir")]


@main.command()
@build_option
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON: the report (see docs/curation.md), or with --fix the changes and the diff.")
@click.option("--fix", is_flag=True,
              help="Write a corrected copy of the list (never over the input); print each change and a unified diff.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to FILE instead of stdout; with --fix, the corrected list "
                   "[default: <list name>.curated.md beside the build folder].")
@click.option("--data-dir", type=click.Path(path_type=Path), default=lambda: settings.get("data_dir"),
              show_default="data/", help=settings.SETTINGS["data_dir"].help)
@user_errors
def curate(build_dir: Path, as_json: bool, fix: bool, output: Path | None, data_dir: Path) -> None:
    """A curator's report on the list: duplicate groups (certain and possible, with evidence, conflicts
    and a canonical row), defects with file:line, and gaps (papers without code, keyword x year and
    venue x year tables, unused datasets and metrics, candidate additions when citations are cached).

    \b
      tfkg curate                      markdown report on stdout
      tfkg curate --json -o report.json
      tfkg curate --fix -o fixed.md    corrected list, changes and diff on stdout
    """
    from kg.core.output import check_output_path, write_output
    from kg.core.store import load_build
    from kg.curation.curate import curate as make_report
    from kg.curation.curate import read_list, report_json_text
    from kg.curation.fix import (
        apply_changes,
        changes_json,
        changes_markdown,
        default_output,
        left_for_review,
        plan_fixes,
        unified_diff,
    )
    from kg.curation.linkcheck import cached_moves

    inputs, folders = protected_paths(build_dir)
    if output is not None:
        check_output_path(output, inputs, folders)
    build = load_build(build_dir)
    report = make_report(build, data_dir)
    if not fix:
        text = report_json_text(report) + "\n" if as_json else report.to_markdown()
        if output is None:
            click.echo(text, nl=False)
        else:
            click.echo(f"wrote {write_output(output, text, inputs, folders)}", err=True)
        return
    list_path, original = read_list(build)
    target = output or default_output(build_dir, build)
    check_output_path(target, [*inputs, list_path], folders)
    changes = plan_fixes(build.parsed, report, original, cached_moves(settings.get_path("cache_dir")))
    fixed = apply_changes(original, changes)
    diff = unified_diff(original, fixed, str(list_path), str(target))
    write_output(target, fixed, [*inputs, list_path], folders)
    left = left_for_review(report, changes)
    if as_json:
        click.echo(json.dumps(changes_json(target, changes, left, diff), indent=2, ensure_ascii=False))
    else:
        click.echo(changes_markdown(target, changes, left, diff), nl=False)


@main.command()
@click.argument("list_paths", metavar="[LIST]...", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "sarif"]), default="text",
              show_default=True, help="text: file:line:col: kind: message; github: workflow annotations; "
                                      "sarif: SARIF 2.1.0 for code scanning.")
@click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False, exists=True), metavar="FILE",
              help="Ignore the findings recorded in FILE (matched by kind and row text, not line).")
@click.option("--write-baseline", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="Record today's findings in FILE and exit 0: later runs with --baseline FILE report only new ones.")
@click.option("--check-links", is_flag=True,
              help="Also check every link (HEAD, then GET; a few at a time, politely; answers cached for days): "
                   "dead, moved and failing links become findings; unreachable ones (offline) do not.")
@click.option("--cache-dir", type=click.Path(path_type=Path), default=lambda: settings.get("cache_dir"),
              show_default="data/cache/", help="Where link answers are cached.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              metavar="FILE", help="Lint settings [default: the .tfkg.toml beside the list or above it].")
@click.option("--data-dir", type=click.Path(path_type=Path), default=lambda: settings.get("data_dir"),
              show_default="data/", help=settings.SETTINGS["data_dir"].help)
def lint(list_paths: tuple[Path, ...], fmt: str, baseline: Path | None, write_baseline: Path | None,
         check_links: bool, cache_dir: Path, config_path: Path | None, data_dir: Path) -> None:
    """Check a list for duplicates and defects, for its repository's CI: no build, no network.

    Exit status: 0 when clean, 1 when there are findings, 2 when the list cannot be read or the
    options are wrong. Turn kinds off or change their severity in a `.tfkg.toml` ([lint] disable = [...],
    [lint.severity] KIND = "warning"), or silence one row with `<!-- tfkg-disable-next-line KIND -->`.

    \b
    Examples:
      tfkg lint README.md
      tfkg lint README.md --format github
      tfkg lint README.md --write-baseline .tfkg-baseline.json
      tfkg lint README.md --baseline .tfkg-baseline.json --format sarif > tfkg.sarif
    """
    from importlib.metadata import version

    from kg.core.output import write_output
    from kg.core.vocab import Vocabulary
    from kg.curation.lint import LintConfig, as_github, as_json, as_sarif, as_text, baseline_text, lint, read_baseline

    targets = list(list_paths) or [settings.get_path("list")]
    unreachable: list[str] = []

    def checker(urls: list[str]) -> dict[str, Any]:
        from kg.curation.linkcheck import check_links as check

        statuses = check(urls, cache_dir)
        unreachable.extend(url for url, status in statuses.items() if status.outcome == "unreachable")
        return statuses

    try:
        vocab = Vocabulary.load(data_dir)
        known = read_baseline(baseline) if baseline else frozenset()
        findings = []
        for target in targets:
            config = LintConfig.load(config_path) if config_path else LintConfig.find(target)
            findings += lint(target, vocab, data_dir, config, known, checker if check_links else None)
        if write_baseline is not None:
            write_output(write_baseline, baseline_text(findings), targets)
            click.echo(f"tfkg: wrote {len(findings)} findings to {write_baseline}", err=True)
            return
    except UserError as error:
        click.echo(f"tfkg: error: {error}", err=True)
        sys.exit(2)
    formats = {"text": as_text, "json": as_json, "github": as_github,
               "sarif": lambda found: as_sarif(found, version("tfkg"))}
    click.echo(formats[fmt](findings), nl=False)
    if unreachable:
        click.echo(f"tfkg: {len(unreachable)} links could not be reached (offline, or their servers are down); "
                   "not counted as dead", err=True)
    if fmt == "text":
        click.echo(f"tfkg: {len(findings)} finding{'s' * (len(findings) != 1)} in {', '.join(map(str, targets))}",
                   err=True)
    sys.exit(1 if findings else 0)


@main.command()
@click.argument("list_path", metavar="[LIST]", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--peer", "peers", multiple=True, type=click.Path(path_type=Path, dir_okay=False, exists=True),
              metavar="FILE", help="Another awesome list: the works it has that LIST lacks (repeatable).")
@click.option("--arxiv-snapshot", type=click.Path(path_type=Path, dir_okay=False, exists=True), metavar="FILE",
              help="A local arXiv metadata snapshot (JSON lines), streamed once: the papers closest to LIST.")
@click.option("--category", "categories", multiple=True, metavar="CAT",
              help="arXiv categories a snapshot paper must have (repeatable) [default: cs.CV, cs.GR, cs.SD, "
                   "eess.AS, eess.IV, cs.MM, cs.LG, cs.AI, cs.CL].")
@click.option("--citations/--no-citations", default=True, show_default=True,
              help="Also the works LIST's papers cite that it lacks (from the build's enrichment, when any).")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True,
              help="How many suggestions (0 is not allowed; use --all for every candidate).")
@click.option("--all", "every", is_flag=True, help="Every candidate, not only the best --top.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: one record per suggestion, its row under \"row\".")
@click.option("--data-dir", type=click.Path(path_type=Path), default=lambda: settings.get("data_dir"),
              show_default="data/", help=settings.SETTINGS["data_dir"].help)
@build_option
@user_errors
def suggest(list_path: Path | None, peers: tuple[Path, ...], arxiv_snapshot: Path | None,
            categories: tuple[str, ...], citations: bool, top: int, every: bool, as_json: bool, data_dir: Path,
            build_dir: Path) -> None:
    """What the list is missing: works peer lists have, papers of an arXiv snapshot close to it, and works
    its papers cite. Each comes with why, the section it belongs in, and a row to paste in the list's own
    style. Nothing the list already has (same arXiv id, DOI or title) is suggested.

    \b
    Examples:
      tfkg suggest --peer other-list.md --peer third-list.md --top 10
      tfkg suggest --arxiv-snapshot arxiv-metadata.json --json
    """
    from ingest.parse import parse_list, read_list_text
    from kg.core.vocab import Vocabulary
    from kg.curation.suggest import DEFAULT_CATEGORIES, ListProfile, from_citations, from_peers, from_snapshot
    from kg.curation.suggest import suggest as rank

    target = list_path or settings.get_path("list")
    vocab = Vocabulary.load(data_dir)
    text, _ = read_list_text(target)
    profile = ListProfile(parse_list(target, vocab), text.splitlines(), vocab)
    candidates = from_peers(profile, peers, vocab)
    if arxiv_snapshot is not None:
        candidates += from_snapshot(profile, arxiv_snapshot, categories or DEFAULT_CATEGORIES, max(top, 200))
    if citations and build_dir.exists():
        candidates += from_citations(profile, build_dir)
    chosen = rank(profile, candidates, None if every else top)
    if as_json:
        click.echo(json.dumps([s.to_json() for s in chosen], indent=1, ensure_ascii=False))
        return
    click.echo(f"{len(chosen)} suggestion{'s' * (len(chosen) != 1)} for {target}")
    for number, s in enumerate(chosen, start=1):
        label = " ".join(str(part) for part in (s.venue, s.year) if part)
        click.echo(f"{number:>3}. {s.title}" + (f"  [{label}]" if label else ""))
        click.echo(f"     why: {s.why()}")
        click.echo(f"     goes in: {s.section or 'the top'} (heading at line {s.section_line})")
        click.echo(f"     row: {s.row}")


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True, help="Port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on (this machine only).")
@click.pass_context
def app(context: click.Context, port: int, host: str) -> None:
    """Start the web app (Streamlit) over the build: `tfkg ingest` first. Other options go to `streamlit run`."""
    from importlib.resources import files

    main_script = files("webapp").joinpath("main.py")  # found, not imported: the app is a layer apart
    # exec, as `serve` does: a signal to this process (Ctrl-C, a supervisor's SIGTERM) must reach Streamlit
    # itself, or stopping `tfkg app` would leave the server running
    os.execv(sys.executable, [sys.executable, "-m", "streamlit", "run", str(main_script), "--server.headless", "true",
                              "--server.address", host, "--server.port", str(port), *context.args])


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on (this machine only).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to serve on.")
@build_option
def serve(host: str, port: int, build_dir: Path) -> None:
    """Serve the build over HTTP: a JSON API (/api/search, /api/papers/ID...), a SPARQL endpoint (/sparql)
    and the export's IRIs as linked data; read-only, docs at /docs. See README "HTTP API"."""
    # run as its own program, since the front ends do not import each other; exec, so a signal to this
    # process (a terminal's Ctrl-C, a supervisor's SIGTERM) reaches the server itself
    os.execv(sys.executable, [sys.executable, "-m", "kg.api", "--host", host, "--port", str(port),
                              "--build", str(build_dir)])


def read_query_file(path: Path) -> str:
    """The text of a query file; a UserError naming the file when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"{path}: cannot read the query ({error})") from error


CLI_SLICE_NAMES = {"query or filters": "QUERY or filters", "query": "a QUERY",
                   "around": "--around", "type": "--type", "construct": "--construct",
                   "hops": "--hops", "top": "--top"}
"""How `tfkg export` names the slice options in its messages."""


@main.command("export")
@click.argument("query", nargs=-1)
@filter_options
@click.option("--top", type=click.IntRange(min=1), metavar="N",
              help="With QUERY: export the N best papers for it [default: 20].")
@click.option("--around", metavar="NODE_ID",
              help="Export the neighbourhood of a node: paper/2301.03786, dataset/hdtf, or a bare paper or dataset id.")
@click.option("--hops", type=int, metavar="N", help="With --around: how many edges away to go (0 to 6) [default: 1].")
@click.option("--type", "node_type", type=click.Choice(["paper", "entry", "venue", "concept", "dataset", "metric",
                                                         "code", "author"]),
              help="Export every node of a type (with the nodes they link to).")
@click.option("--construct", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="Export the graph a SPARQL CONSTRUCT query in FILE builds over the whole graph.")
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "jsonld", "xml", "trig", "bibtex", "csv"]),
              default="ttl", show_default=True,
              help="Turtle, N-Triples, JSON-LD, RDF/XML, TriG (provenance in a named graph), or the papers "
                   "as BibTeX or CSV.")
@click.option("-o", "--output", type=click.Path(path_type=Path), metavar="FILE",
              help="Write to FILE (atomically; a device or pipe is written through; - is stdout) instead of "
                   "stdout. Never the list being read, nor a file in the build or cache folder.")
@click.option("--validate", is_flag=True,
              help="Check the slice against the SHACL shapes (data/shapes.ttl) first; write nothing if it fails.")
@click.option("--to-store", metavar="URL",
              help="Load the slice into a triple store's SPARQL 1.1 Graph Store endpoint (Oxigraph: "
                   "http://127.0.0.1:7878/store) instead of writing a document.")
@click.option("--graph", "graph_iri", metavar="IRI",
              help="With --to-store: load the whole slice into this named graph [default: the knowledge into the "
                   "default graph, provenance into its named graphs, as in TriG].")
@click.option("--replace/--add", default=False, show_default="--add",
              help="With --to-store: replace the graphs loaded (HTTP PUT), or add to what they hold (HTTP POST).")
@build_option
@user_errors
def export_command(query: tuple[str, ...], top: int | None, around: str | None, hops: int | None,
                   node_type: str | None, construct: Path | None, fmt: str, output: Path | None, validate: bool,
                   to_store: str | None, graph_iri: str | None, replace: bool, build_dir: Path,
                   **filter_values: Any) -> None:
    """Export a slice of the knowledge graph as RDF in standard vocabularies (schema.org, SKOS,
    CiTO, PROV; see docs/rdf.md), or its papers as BibTeX or CSV.

    With no slice option, the whole graph. One slice at a time: papers passing filters (the options
    of `tfkg search`) or the best for a QUERY, a node's neighbourhood, a node type, or a CONSTRUCT query.

    \b
    Examples:
      tfkg export -o graph.ttl
      tfkg export --keyword nerf --year 2023 --format bibtex
      tfkg export "one-shot emotion" --top 5 --format jsonld
      tfkg export --around 2211.12194 --hops 2 --format trig -o sadtalker.trig --validate
      tfkg export --type concept --format nt
      tfkg export --construct with-code.rq --format csv
      tfkg export --to-store http://127.0.0.1:7878/store --replace
      tfkg export --keyword nerf --to-store http://127.0.0.1:7878/store --graph https://example.org/nerf
    """
    from kg.cli.search import filters_from_options, load_searcher
    from kg.core.output import check_output_path, write_output
    from kg.core.store import load_build
    from kg.core.vocab import Vocabulary
    from kg.rdf.export import NonConforming, SliceRequest, choose_slice, export_to_store, run_export
    from kg.rdf.store_client import check_graph_iri, check_url

    filters = filters_from_options(**filter_values)
    problem = store_option_problem(click.get_current_context(), to_store)
    if problem:
        raise UserError(problem)
    graph = None if graph_iri is None else check_graph_iri(graph_iri)
    if to_store is not None:
        check_url(to_store, "--to-store")
    inputs, folders = protected_paths(build_dir)
    if output is not None:
        check_output_path(output, inputs, folders)
    request = SliceRequest(" ".join(query), filters, top, around, hops, node_type,
                           None if construct is None else partial(read_query_file, construct), str(construct),
                           names=CLI_SLICE_NAMES)
    build = load_build(build_dir)
    chosen = choose_slice(build, request, lambda: load_searcher(build_dir),
                          lambda: Vocabulary.load(settings.get_path("data_dir")))
    try:
        if to_store is not None:
            loaded, validation = export_to_store(build, chosen, to_store, graph=graph, replace=replace,
                                                 check=validate)
            if validation is not None:
                click.echo(f"tfkg: {chosen.description} conforms to the SHACL shapes", err=True)
            click.echo(f"tfkg: {chosen.description}: {loaded.describe()}", err=True)
            return
        result = run_export(build, chosen, fmt, check=validate)
    except NonConforming as error:
        click.echo(error.validation.report, err=True)
        raise
    if result.validation is not None:
        click.echo(f"tfkg: {chosen.description} conforms to the SHACL shapes", err=True)
    if result.empty:
        click.echo(f"tfkg: the slice is empty ({chosen.description}); writing an empty {fmt} document", err=True)
    if output is None:
        click.echo(result.text, nl=False)
    else:
        where = write_output(output, result.text, inputs, folders)
        triples = "" if result.triples is None else f"{result.triples} triples, "
        click.echo(f"tfkg: wrote {where}: {chosen.description}, {triples}{result.papers} papers", err=True)


def store_option_problem(context: click.Context, to_store: str | None) -> str | None:
    """What is wrong with the store options of `tfkg export`, if anything: --to-store sends N-Triples to a
    store, so it takes no --format or --output, and --graph, --replace and --add need it."""
    given = {name for name in ("fmt", "output", "graph_iri", "replace")
             if context.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE}
    if to_store is not None and given & {"fmt", "output"}:
        return "--to-store loads the slice into the store; it takes no --format or --output"
    if to_store is None and given & {"graph_iri", "replace"}:
        return "--graph, --replace and --add go with --to-store URL"
    return None


@main.command()
@click.argument("query_or_file")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
              help="table: aligned columns (a CONSTRUCT as Turtle); json: SPARQL JSON results (a CONSTRUCT as "
                   "JSON-LD); csv: SPARQL CSV results.")
@click.option("--timeout", type=click.FloatRange(min=0.1), metavar="SECONDS",
              help="Stop the query after this long [default: setting sparql_timeout, 10].")
@click.option("--max-rows", type=click.IntRange(min=1), metavar="N",
              help="Keep at most N rows (or triples); the rest are counted [default: setting sparql_max_rows, "
                   "10000].")
@build_option
@user_errors
def sparql(query_or_file: str, fmt: str, timeout: float | None, max_rows: int | None, build_dir: Path) -> None:
    """Run a read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) over the whole graph.

    QUERY_OR_FILE is the query text, or a file that holds it. The default graph is the knowledge
    graph with its provenance. The export's prefixes are predefined (schema, skos, prov, cito,
    dcterms, owl, rdfs, xsd, tfkg, paper, concept, dataset, venue, metric, author). Updates are refused.
    With TFKG_SPARQL_ENDPOINT set, the triple store it names answers instead (load it with
    `tfkg export --to-store`).

    \b
    Examples:
      tfkg sparql 'SELECT ?title WHERE { ?p a schema:ScholarlyArticle ; schema:name ?title } LIMIT 5'
      tfkg sparql 'ASK { paper:2211.12194 schema:about concept:3dmm }'
      tfkg sparql query.rq --format csv
    """
    from kg.core.store import load_build
    from kg.rdf.sparql import Bounds, format_result, run_sparql

    query = query_or_file
    path = Path(query_or_file)
    if "\n" not in query_or_file and len(query_or_file) < 4096 and path.is_file():
        query = read_query_file(path)
    elif not query_or_file.split(maxsplit=1)[1:]:  # one word is taken for a file name
        raise UserError(f"{query_or_file}: no such query file (give a file or the query's text)")
    defaults = Bounds.from_settings()
    bounds = Bounds(defaults.seconds if timeout is None else timeout,
                    defaults.rows if max_rows is None else max_rows, defaults.memory_mb)
    build = None if settings.get("sparql_endpoint") else load_build(build_dir)  # a store needs no build
    result = run_sparql(build, query, bounds=bounds)
    click.echo(format_result(result, fmt), nl=False)
    for note in result.notes:
        click.echo(f"tfkg: {note}", err=True)
