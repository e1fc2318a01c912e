"""Enrichment: what arXiv and Semantic Scholar say about the listed papers, checked and merged in.

Reads: a `Corpus` (ingest/papers.py), the vocabulary, API answers through the cache (ingest/cache.py)
and, when given, a local arXiv snapshot (ingest/snapshot.py). Writes: nothing; returns an
`Enrichment`: the corpus with enriched papers, the papers cited by listed ones that the list lacks,
and a report (papers per source, link-title mismatches, failures), which ingest/pipeline.py writes
into the build.

Order: Semantic Scholar first (a title match for each paper with neither arXiv id nor DOI, then one
batch lookup of every paper), so that the arXiv ids it knows for CVF or IEEE papers are asked of
arXiv too; then arXiv, from the snapshot where it has the id and from the API for the rest.
Every fetched record is compared with its row's title before it is merged (see TITLE_MATCH).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest import arxiv_source, s2_source
from ingest.cache import Fetched, ResponseCache, fetch_cached
from ingest.http import Politeness, Service
from ingest.metadata import Metadata
from ingest.papers import Corpus
from ingest.snapshot import Snapshot, read_snapshot
from ingest.snapshot import to_metadata as snapshot_metadata
from kg.core import settings
from kg.core.errors import UserError
from kg.core.model import Dataset, DatasetMention, Paper, Venue
from kg.core.vocab import Vocabulary, title_similarity

log = logging.getLogger("tfkg.enrich")

TITLE_MATCH = 90.0
"""A title search result is the row's paper only when its normalised title scores at least this
(rapidfuzz `fuzz.ratio`, 0-100). No two different papers of the bundled list score above 82.1
(the closest pair: "FONT: Flow-guided One-shot Talking Head Generation with Natural Head Motions" and
"Audio2Head: Audio-driven One-shot Talking-head Generation with Natural Head Motion"), while case,
punctuation and hyphenation differences score 100 after normalisation and a changed word in a
ten-word title still scores above 90. See docs/enrichment.md."""

TITLE_MISMATCH = 75.0
"""A paper that a row's own link (arXiv id, DOI) leads to is trusted unless its title scores below
this: then the link and the title are "clearly different", a link-title mismatch. Lower than
TITLE_MATCH because the link is evidence too (a retitled version still passes); only 6 of the
14,877 pairs of different papers in the bundled list score 75 or more."""

DOI_IN_URL = re.compile(r"(?:doi\.org/|/doi/(?:abs/|full/|pdf/)?)(10\.\d{4,9}/[^\s?#]+)", re.IGNORECASE)

# The services' published rates: arXiv asks for one request every three seconds, Semantic Scholar
# allows one a second (with a key; without one, a pool shared by everyone that often answers 429).
ARXIV_POLITENESS = Politeness(interval=3.0, timeout=15.0, retries=3)
S2_POLITENESS = Politeness(interval=1.0, timeout=15.0, retries=3)

# Which source a field is taken from first; the next one fills it when the first has nothing.
PRECEDENCE: dict[str, tuple[str, ...]] = {
    "abstract": ("arxiv", "s2"),
    "authors": ("s2", "arxiv"),  # Semantic Scholar's carry author ids, which merge authors across papers
    "published": ("arxiv", "s2"),
    "categories": ("arxiv",),
    "doi": ("arxiv", "s2"),
    "s2_id": ("s2",),
    "citation_count": ("s2",),
    "tldr": ("s2",),
    "pdf_url": ("arxiv", "s2"),
}


@dataclass(frozen=True)
class EnrichConfig:
    """What enrichment may ask, of whom, and how politely. `from_settings` fills it from kg/core/settings.py."""

    cache_dir: Path
    offline: bool = False
    refresh: bool = False
    snapshot: Path | None = None
    arxiv_url: str = "https://export.arxiv.org/api/query"
    s2_url: str = "https://api.semanticscholar.org/graph/v1"
    s2_api_key: str | None = field(default=None, repr=False)
    arxiv: Politeness = ARXIV_POLITENESS
    s2: Politeness = S2_POLITENESS
    arxiv_batch: int = arxiv_source.ARXIV_BATCH
    s2_batch: int = s2_source.S2_BATCH

    def __post_init__(self) -> None:
        if self.offline and self.refresh:
            raise UserError("--offline and --refresh contradict each other: --refresh asks every API again")

    @classmethod
    def from_settings(cls, cache_dir: Path, **options: Any) -> EnrichConfig:
        """The configuration the settings (environment variables or defaults) give, plus options."""
        timeout, retries = settings.get_number("http_timeout"), int(settings.get_number("http_retries"))
        return cls(
            cache_dir=cache_dir,
            arxiv_url=settings.get("arxiv_api_url"),
            s2_url=settings.get("s2_api_url"),
            s2_api_key=settings.get("s2_api_key") or None,
            arxiv=Politeness(settings.get_number("arxiv_interval"), timeout, retries),
            s2=Politeness(settings.get_number("s2_interval"), timeout, retries),
            **options,
        )


@dataclass(frozen=True)
class Mismatch:
    """A row's link leads to a paper whose title is clearly different from the row's."""

    paper: str
    entries: tuple[str, ...]
    link: str
    list_title: str
    fetched_title: str
    source: str
    score: float


@dataclass(frozen=True)
class Enrichment:
    """The enriched corpus and what the build keeps of the enrichment.

    external_references: one dict per paper outside the list cited by listed papers: s2_id, title,
    year, arxiv_id, doi, cited_by (listed paper ids), most cited first. report: papers per source,
    mismatches, failures, what was unreachable (enrichment.json in the build). digest: a hash of the
    enriched data, which changes exactly when the enrichment does (recorded in the manifest inputs).
    """

    corpus: Corpus
    external_references: tuple[dict[str, Any], ...]
    report: dict[str, Any]
    digest: str


def enrich(corpus: Corpus, vocab: Vocabulary, config: EnrichConfig) -> Enrichment:
    """Fetch (or read from the cache) and merge what arXiv and Semantic Scholar know of each paper."""
    cache = ResponseCache(config.cache_dir / "enrich", read=not config.refresh)
    s2 = None if config.offline else Service("Semantic Scholar", config.s2_url, config.s2)
    arxiv = None if config.offline else Service("arXiv", config.arxiv_url, config.arxiv)
    papers = corpus.papers
    mismatches: list[Mismatch] = []
    failed: dict[str, str] = {}

    # Semantic Scholar: a title match for papers the list gives no id for, then all papers by id.
    s2_client = s2_source.s2_client(s2, config.s2_api_key) if s2 else None
    without_id = [p.title for p in papers if not _s2_key(p) and p.title]
    matches = fetch_cached(cache, "s2-match", without_id, s2,
                           lambda titles: s2_source.match_title(s2_client, titles[0]), 1)
    keys = {p.id: key for p in papers if (key := _s2_key(p) or _matched_id(p, matches.answers.get(p.title)))}
    found = fetch_cached(cache, "s2", keys.values(), s2,
                         lambda ids: s2_source.lookup_batch(s2_client, ids), config.s2_batch)
    from_s2 = _checked(papers, keys, found, s2_source.to_metadata, mismatches, failed)
    _note_failures(papers, {p.id: p.title for p in papers}, matches, failed)

    # arXiv: ids from the list and from Semantic Scholar; the snapshot first, then the API.
    arxiv_ids = {p.id: aid for p in papers if (aid := p.arxiv_id or _s2_arxiv_id(from_s2.get(p.id)))}
    snapshot = read_snapshot(config.snapshot, set(arxiv_ids.values())) if config.snapshot else None
    in_snapshot = {pid: aid for pid, aid in arxiv_ids.items() if snapshot and aid in snapshot.records}
    from_api = {pid: aid for pid, aid in arxiv_ids.items() if pid not in in_snapshot}
    client = arxiv_source.arxiv_client(arxiv, config.arxiv_batch) if arxiv else None
    entries = fetch_cached(cache, "arxiv", from_api.values(), arxiv,
                           lambda ids: arxiv_source.fetch_batch(client, ids), config.arxiv_batch)
    from_arxiv = _checked(papers, from_api, entries, arxiv_source.to_metadata, mismatches, failed)
    if snapshot:
        from_arxiv |= _checked(papers, in_snapshot, Fetched(answers=snapshot.records), snapshot_metadata,
                               mismatches, failed)

    merged = [_merge(p, from_arxiv.get(p.id), from_s2.get(p.id), vocab) for p in papers]
    merged, external = _citations(merged, from_s2)
    enriched = dataclasses.replace(corpus, papers=tuple(merged), datasets=_with_mentioned(corpus, merged, vocab))
    report = _report(merged, mismatches, failed, [s for s in (s2, arxiv) if s], cache, snapshot)
    _say(report, config, len(papers))
    digest = hashlib.sha256(
        json.dumps([dataclasses.asdict(p) for p in merged] + list(external), sort_keys=True).encode()
    ).hexdigest()
    return Enrichment(enriched, external, report, digest)


def doi_of(paper: Paper) -> str | None:
    """A DOI written in one of the paper's links (dl.acm.org/doi/..., doi.org/...), if any."""
    for link in paper.links:
        match = DOI_IN_URL.search(link.url)
        if match:
            return match.group(1).rstrip(".")
    return None


def _s2_key(paper: Paper) -> str | None:
    """How the batch lookup names a paper the list identifies: "ARXIV:<id>" or "DOI:<doi>"."""
    if paper.arxiv_id:
        return f"ARXIV:{paper.arxiv_id}"
    doi = doi_of(paper)
    return f"DOI:{doi}" if doi else None


def _matched_id(paper: Paper, match: dict[str, Any] | None) -> str | None:
    """The Semantic Scholar paper id of a title match that is close enough to be the paper."""
    if not match or not isinstance(match.get("title"), str) or not isinstance(match.get("paperId"), str):
        return None
    return match["paperId"] if title_similarity(paper.title, match["title"]) >= TITLE_MATCH else None


def _s2_arxiv_id(metadata: Metadata | None) -> str | None:
    return metadata.external_ids.get("ArXiv") if metadata else None


def _checked(papers: Sequence[Paper], keys: dict[str, str], fetched: Fetched,
             to_metadata: Callable[[dict[str, Any]], Metadata], mismatches: list[Mismatch],
             failed: dict[str, str]) -> dict[str, Metadata]:
    """The metadata of each paper (keyed by paper id) whose fetched title agrees with its row's;
    the others are recorded as mismatches, and failed requests as failures."""
    by_id = {p.id: p for p in papers}
    accepted = {}
    for paper_id, key in keys.items():
        paper = by_id[paper_id]
        if key in fetched.failed:
            failed[paper_id] = fetched.failed[key]
        if not fetched.answers.get(key):
            continue
        metadata = to_metadata(fetched.answers[key])
        score = title_similarity(paper.title, metadata.title) if metadata.title else 100.0
        if score < TITLE_MISMATCH:
            mismatches.append(Mismatch(paper.id, paper.entries, key, paper.title, metadata.title or "",
                                       metadata.source, round(score, 1)))
        else:
            accepted[paper_id] = metadata
    return accepted


def _note_failures(papers: Sequence[Paper], keys: dict[str, str], fetched: Fetched, failed: dict[str, str]) -> None:
    for paper in papers:
        if keys[paper.id] in fetched.failed:
            failed.setdefault(paper.id, fetched.failed[keys[paper.id]])


def _merge(paper: Paper, arxiv: Metadata | None, s2: Metadata | None, vocab: Vocabulary) -> Paper:
    """The paper with the fields its sources fill, each field's source noted, and the concepts and
    datasets its abstract mentions."""
    metadata = {"arxiv": arxiv, "s2": s2}
    values: dict[str, Any] = {}
    sources = dict(paper.sources)
    for name, order in PRECEDENCE.items():
        for record in filter(None, (metadata[key] for key in order)):
            if getattr(record, name) not in (None, (), ""):
                values[name], sources[name] = getattr(record, name), record.source
                break
    list_doi = doi_of(paper)
    if "doi" not in values and list_doi:
        values["doi"], sources["doi"] = list_doi, "list"
    external_ids = {**(s2.external_ids if s2 else {})}
    for scheme, value in (("ArXiv", paper.arxiv_id), ("DOI", values.get("doi"))):
        if value and scheme not in external_ids:
            external_ids[scheme] = value
    if external_ids:
        values["external_ids"] = external_ids
        sources["external_ids"] = s2.source if s2 else sources.get("doi", "list")
    canonical = _canonical_venue(paper, [r for r in (s2, arxiv) if r], vocab)
    if canonical:
        values["venue"], source = canonical
        values["year"] = values["venue"].year or paper.year
        sources["venue"] = sources["year"] = source
    abstract = values.get("abstract")
    if abstract:
        # An abstract's datasets are ones the paper uses; its concepts are not read from it, as an abstract
        # names many in passing ("unlike 3D methods", a field's stock phrases): a paper's concepts are what
        # the list files it under. (Tried once, on the one judged list with abstract-length summaries: it
        # tagged a stock phrase on over half the papers and lowered nDCG@10 on the dev half.)
        mentions = [DatasetMention(d, "abstract") for d in vocab.datasets_in(abstract)]
        values["datasets"] = tuple(dict.fromkeys([*paper.datasets, *mentions]))
    return dataclasses.replace(paper, **values, sources=sources)


def _canonical_venue(paper: Paper, records: list[Metadata], vocab: Vocabulary) -> tuple[Venue, str] | None:
    """The peer-reviewed venue a source names for a paper the list gives as a preprint or unknown
    venue, when the venue vocabulary knows it (Semantic Scholar lists "CVPR" among a venue's names)."""
    if paper.venue.kind not in ("preprint", "unknown"):
        return None
    for record in records:
        for name in record.venue_names:
            venue = vocab.parse_venue(name)
            if venue.family and venue.kind not in ("preprint", "unknown"):
                year = venue.year or record.year or paper.year
                return Venue(paper.venue.raw, venue.family, year, venue.kind, venue.name), record.source
    return None


def _citations(papers: list[Paper], from_s2: dict[str, Metadata]) -> tuple[list[Paper], tuple[dict[str, Any], ...]]:
    """Each paper with the listed papers it cites, and the papers outside the list that listed papers
    cite, most cited first."""
    listed: dict[str, str] = {}
    for paper in papers:
        for key in _keys(paper.s2_id, paper.arxiv_id or paper.external_ids.get("ArXiv"), paper.doi):
            listed.setdefault(key, paper.id)
    external: dict[str, dict[str, Any]] = {}
    cited = []
    for paper in papers:
        cites = []
        for ref in from_s2[paper.id].references if paper.id in from_s2 else ():
            target = next((listed[k] for k in _keys(ref.s2_id, ref.arxiv_id, ref.doi) if k in listed), None)
            if target is None:
                item = external.setdefault(ref.s2_id, {"s2_id": ref.s2_id, "title": ref.title, "year": ref.year,
                                                       "arxiv_id": ref.arxiv_id, "doi": ref.doi, "cited_by": []})
                item["cited_by"] = list(dict.fromkeys([*item["cited_by"], paper.id]))
            elif target != paper.id:
                cites.append(target)
        sources = {**paper.sources, "cites": "semanticscholar"} if cites else paper.sources
        cited.append(dataclasses.replace(paper, cites=tuple(dict.fromkeys(cites)), sources=sources))
    ranked = sorted(external.values(), key=lambda r: (-len(r["cited_by"]), r["title"] or "", r["s2_id"]))
    return cited, tuple(ranked)


def _keys(s2_id: str | None, arxiv_id: str | None, doi: str | None) -> list[str]:
    """The ids a paper can be recognised by in a reference list."""
    return [key for key in (s2_id, arxiv_id and f"arxiv:{arxiv_id}", doi and f"doi:{doi.lower()}") if key]


def _with_mentioned(corpus: Corpus, papers: list[Paper], vocab: Vocabulary) -> tuple[Dataset, ...]:
    """The corpus's datasets plus the known datasets that only abstracts mention."""
    known = {d.id for d in corpus.datasets}
    new = dict.fromkeys(m.dataset for p in papers for m in p.datasets if m.dataset not in known)
    return (*corpus.datasets, *(Dataset(i, vocab.dataset_label(i, i), None, ()) for i in new))


def _report(papers: list[Paper], mismatches: list[Mismatch], failed: dict[str, str], services: list[Service],
            cache: ResponseCache, snapshot: Snapshot | None) -> dict[str, Any]:
    """What enrichment did, for enrichment.json, the manifest and `tfkg stats`."""
    by_source: dict[str, int] = {}
    for paper in papers:
        for source in set(paper.sources.values()) - {"list"}:
            by_source[source] = by_source.get(source, 0) + 1
    return {
        "papers": len(papers),
        "enriched_by_source": dict(sorted(by_source.items())),
        "not_enriched": sum(1 for p in papers if set(p.sources.values()) <= {"list"}),
        "mismatches": [{**dataclasses.asdict(m), "entries": list(m.entries)} for m in mismatches],
        "failed": dict(sorted(failed.items())),
        "unreachable": {s.name: s.unreachable for s in services if s.unreachable},
        "requests": {s.name: s.requests_sent for s in services},
        "cache": {"unreadable": sorted(map(str, cache.unreadable)), "unwritable": cache.unwritable},
        "snapshot": {"path": str(snapshot.path), "records": len(snapshot.records),
                     "bad_lines": snapshot.bad_lines} if snapshot else None,
    }


def _say(report: dict[str, Any], config: EnrichConfig, total: int) -> None:
    """One line for each thing a user should know: offline, failures, mismatches, a damaged cache."""
    enriched = total - report["not_enriched"]
    if config.offline:
        log.info("offline: %d of %d papers enriched from the cache", enriched, total)
    elif report["unreachable"]:
        reasons = "; ".join(f"{name}: {why}" for name, why in report["unreachable"].items())
        log.warning("network unreachable (%s); %d of %d papers enriched from the cache", reasons, enriched, total)
    if report["failed"]:
        first = next(iter(report["failed"].items()))
        log.warning("%d papers could not be fetched (%s: %s); they are asked for again next run",
                    len(report["failed"]), *first)
    if report["mismatches"]:
        first = report["mismatches"][0]
        rows = len({m["paper"] for m in report["mismatches"]})
        log.warning("%d papers link to a paper with another title, not merged (%s: %r); see enrichment.json",
                    rows, first["entries"][0], first["fetched_title"])
    if report["cache"]["unreadable"]:
        log.warning("%d unreadable cache files ignored and fetched again (%s)",
                    len(report["cache"]["unreadable"]), report["cache"]["unreadable"][0])
    if report["snapshot"] and report["snapshot"]["bad_lines"]:
        lines = report["snapshot"]["bad_lines"]
        log.warning("%s: %d lines are not JSON records (first: line %d; cut off?); their papers come from the API",
                    report["snapshot"]["path"], len(lines), lines[0])
