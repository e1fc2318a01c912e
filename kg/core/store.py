"""Build artifacts on disk: how they are written (atomically) and read back.

A build is one folder (default `data/build/`) holding, in format version BUILD_FORMAT:
  manifest.json   what the build was made from (input hashes, tfkg version, settings), when, counts
  parsed.json     the ParsedList: entries, dataset and metric entries, sections, parser warnings
  papers.jsonl    one Paper per line
  datasets.jsonl  one Dataset per line
  metrics.jsonl   one Metric per line
  graph.json      the graph in networkx node-link form (`edges` key; an edge's ends are "from" and "to",
                  so that edges keep their own `source` attribute: where an about edge came from)
Later stages add their own files (the search index, the query encoder's `encoder/`) to the same folder
before it is swapped in.

A new build is written to a fresh version folder (`.<name>.versions/`) and published by pointing the
build folder, a symbolic link, at it in one rename (`staged_build`), one writer at a time: an interrupted
or failed ingest leaves the previous build as it was, and a reader always reads one whole build.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import networkx as nx
from filelock import FileLock, Timeout

from kg.core.errors import UserError
from kg.core.model import (
    Dataset,
    DatasetEntry,
    Entry,
    Metric,
    MetricEntry,
    Paper,
    ParsedList,
    ParseWarning,
    Section,
    from_dict,
)

T = TypeVar("T")
log = logging.getLogger("tfkg.store")

BUILD_FORMAT = 4  # 4: a venue keeps its decoration apart from its readings (`Venue.decoration`); 3 kept a note of both
EDGE_ENDS = {"source": "from", "target": "to"}
MANIFEST = "manifest.json"


class BuildMissing(UserError):
    """No usable build in a folder."""


@dataclass(frozen=True)
class Build:
    """A loaded build: the records of every stage and the graph."""

    folder: Path
    manifest: dict[str, Any]
    parsed: ParsedList
    papers: tuple[Paper, ...]
    datasets: tuple[Dataset, ...]
    metrics: tuple[Metric, ...]
    graph: nx.MultiDiGraph

    def paper(self, paper_id: str) -> Paper | None:
        """A paper by id ("2301.03786" or "paper/2301.03786")."""
        wanted = paper_id.removeprefix("paper/")
        return next((p for p in self.papers if p.id == wanted), None)


def to_json(record: Any) -> Any:
    """A record (or a list of them) as JSON-able data."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return dataclasses.asdict(record)
    return record


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically: to a temporary file beside path, then rename."""
    atomic_write_text(path, json.dumps(to_json(data), ensure_ascii=False, indent=1) + "\n")


def write_jsonl(path: Path, records: Iterable[Any]) -> None:
    """Write one JSON object per line, atomically."""
    lines = (json.dumps(to_json(r), ensure_ascii=False) for r in records)
    atomic_write_text(path, "".join(line + "\n" for line in lines))


def atomic_write_text(path: Path, text: str) -> None:
    """Write text to path so that readers see the old file or the new one, never half of one."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write bytes to path through a temporary file and a rename, flushed to disk first. A new file
    gets the mode the umask allows (as `open` would give it); a replaced file keeps its mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _mode_for(path))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _mode_for(path: Path, default: int = 0o666) -> int:
    """The mode a file written at path should have: the existing file's, else default less the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return default & ~current_umask()


def current_umask() -> int:
    """The process's umask (reading it means setting it, so it is set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of a build folder, or None when there is no readable one."""
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@contextmanager
def staged_build(folder: Path) -> Iterator[Path]:
    """Yield an empty staging folder for a new build of `folder`; when the block succeeds, publish it.

    One writer at a time: a lock file beside the folder (`.<name>.lock`); a second ingest says who holds
    it and waits. Builds are versions in `.<name>.versions/`, and `folder` is a symbolic link to the
    current one, replaced in one atomic rename: a reader that resolved the link reads one whole build
    (`load_build` does), and never finds no build. The previous version is kept for readers still on it;
    older ones, and staging folders left by a killed ingest, are removed. On an exception the staging
    folder is removed and `folder` is untouched.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    versions = folder.parent / f".{folder.name}.versions"
    with build_lock(folder):
        versions.mkdir(exist_ok=True)
        for leftover in versions.glob("new-*"):  # a killed ingest's; we hold the lock, so nobody writes it
            shutil.rmtree(leftover, ignore_errors=True)
        stage = Path(tempfile.mkdtemp(dir=versions, prefix="new-"))
        os.chmod(stage, 0o777 & ~current_umask())  # mkdtemp makes it 0700; a build is as readable as any folder
        try:
            yield stage
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        version = versions / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{stage.name.removeprefix('new-')}"
        os.rename(stage, version)
        previous = Path(os.path.realpath(folder)) if folder.is_symlink() else None
        _point(folder, version, versions)
        for old in versions.iterdir():
            if old not in (version, previous) and not old.name.startswith("new-"):
                shutil.rmtree(old, ignore_errors=True)


@contextmanager
def build_lock(folder: Path) -> Iterator[None]:
    """Hold the one-writer lock of a build folder, telling the user when another process has it."""
    lock = FileLock(folder.parent / f".{folder.name}.lock")
    owner = folder.parent / f".{folder.name}.lock.owner"
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = owner.read_text(encoding="utf-8").strip() if owner.exists() else "another process"
        log.warning("%s is being written by %s; waiting for it to finish", folder, holder)
        lock.acquire()
    try:
        owner.write_text(f"pid {os.getpid()} since {time.strftime('%H:%M:%S')}\n", encoding="utf-8")
        yield
    finally:
        lock.release()


def _point(folder: Path, version: Path, versions: Path) -> None:
    """Make `folder` a symbolic link to `version` in one rename. A folder from before versions (a real
    directory) becomes a version first."""
    if folder.exists() and not folder.is_symlink():
        os.rename(folder, versions / f"earlier-{os.getpid()}")
    link = folder.parent / f".{folder.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(os.path.relpath(version, folder.parent))
    os.replace(link, folder)


def write_core(stage: Path, parsed: ParsedList, papers: Iterable[Paper], datasets: Iterable[Dataset],
               metrics: Iterable[Metric], graph: nx.MultiDiGraph) -> None:
    """Write the records and the graph of a build into a staging folder."""
    write_json(stage / "parsed.json", parsed)
    write_jsonl(stage / "papers.jsonl", papers)
    write_jsonl(stage / "datasets.jsonl", datasets)
    write_jsonl(stage / "metrics.jsonl", metrics)
    write_json(stage / "graph.json", nx.node_link_data(graph, edges="edges", **EDGE_ENDS))


def load_build(folder: Path) -> Build:
    """Load a build folder. Raises BuildMissing with what to do when there is none. The folder's link is
    resolved once, so every file comes from the same version even while an ingest publishes a new one."""
    folder = Path(os.path.realpath(folder))
    manifest = read_manifest(folder)
    if manifest is None:
        raise BuildMissing(f"{folder}: no build here; run `tfkg ingest` first")
    if manifest.get("format") != BUILD_FORMAT:
        raise BuildMissing(
            f"{folder}: build format {manifest.get('format')} is not {BUILD_FORMAT}; run `tfkg ingest` again"
        )
    parsed = _read(folder / "parsed.json", lambda path: _parsed_from(json.loads(path.read_text(encoding="utf-8"))))
    papers = _read(folder / "papers.jsonl", lambda path: tuple(from_dict(Paper, d) for d in read_jsonl(path)))
    datasets = _read(folder / "datasets.jsonl", lambda path: tuple(from_dict(Dataset, d) for d in read_jsonl(path)))
    metrics = _read(folder / "metrics.jsonl", lambda path: tuple(from_dict(Metric, d) for d in read_jsonl(path)))
    graph_data = _read(folder / "graph.json", lambda path: json.loads(path.read_text(encoding="utf-8")))
    counts = manifest.get("counts", {})
    for name, found, key in (("parsed.json", len(parsed.entries), "entries"), ("papers.jsonl", len(papers), "papers"),
                             ("datasets.jsonl", len(datasets), "datasets"), ("metrics.jsonl", len(metrics), "metrics")):
        if key in counts and counts[key] != found:
            raise BuildMissing(f"{folder / name}: {found} {key}, the manifest says {counts[key]}: the build is "
                               "damaged; run `tfkg ingest --force`")
    graph = _read(folder / "graph.json", lambda _: nx.node_link_graph(graph_data, directed=True, multigraph=True,
                                                                      edges="edges", **EDGE_ENDS))
    return Build(folder, manifest, parsed, papers, datasets, metrics, graph)


def _read(path: Path, reader: Callable[[Path], T]) -> T:
    """One artifact of a build, or BuildMissing naming the file and what is wrong with it."""
    try:
        return reader(path)
    except (OSError, ValueError, TypeError, KeyError, nx.NetworkXError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise BuildMissing(f"{path}: the build is damaged ({reason}); run `tfkg ingest --force`") from error


def _parsed_from(data: dict[str, Any]) -> ParsedList:
    return ParsedList(
        file=data["file"],
        sha256=data["sha256"],
        entries=tuple(from_dict(Entry, d) for d in data["entries"]),
        datasets=tuple(from_dict(DatasetEntry, d) for d in data["datasets"]),
        metrics=tuple(from_dict(MetricEntry, d) for d in data["metrics"]),
        sections=tuple(Section(**d) for d in data["sections"]),
        warnings=tuple(ParseWarning(**d) for d in data["warnings"]),
    )
