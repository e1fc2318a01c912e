"""From list entries to works: Paper, Dataset and Metric records.

Reads: a `ParsedList` and the vocabulary. Writes: `Paper` records (one per work: entries with the
same arXiv id, or with the same normalised title where at most one arXiv id goes with it, are one
work; anything subtler is for `kg/curation/curate.py`), `Dataset` and `Metric` records, and the
concepts and datasets each paper is linked to, each with its source.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kg.core.links import link_key
from kg.core.model import (
    ConceptAssignment,
    Dataset,
    DatasetMention,
    Entry,
    Link,
    Metric,
    Paper,
    ParsedList,
)
from kg.core.vocab import Vocabulary, normalise_text, slugify

# Which entry speaks for a work listed several times: a peer-reviewed venue over a preprint.
VENUE_KIND_RANK = {"conference": 0, "journal": 0, "workshop": 1, "book": 2, "preprint": 3, "unknown": 4}


@dataclass(frozen=True)
class Corpus:
    """All works of one list: papers, datasets and metrics, and which paper each entry became."""

    papers: tuple[Paper, ...]
    datasets: tuple[Dataset, ...]
    metrics: tuple[Metric, ...]
    entry_to_paper: dict[str, str]


def paper_key(entry: Entry) -> str:
    """The stable id of the work an entry describes: its arXiv id, else a slug of its title."""
    if entry.arxiv_id:
        return entry.arxiv_id
    if entry.title:
        return slugify(entry.title)
    return f"untitled-{entry.line}"


def build_corpus(parsed: ParsedList, vocab: Vocabulary) -> Corpus:
    """Group entries into papers and link papers to concepts and datasets."""
    datasets = _datasets(parsed, vocab)
    dataset_by_link = {link_key(link.url): d.id for d in datasets for link in d.links}
    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in parsed.entries:
        groups[paper_key(entry)].append(entry)
    _join_rows_without_arxiv_id(groups)
    papers = [_paper(key, members, vocab, dataset_by_link) for key, members in groups.items()]
    known = {d.id for d in datasets}
    for paper in papers:
        for mention in paper.datasets:
            if mention.dataset not in known:
                label = vocab.dataset_label(mention.dataset, _mention_label(parsed, paper, mention.dataset, vocab))
                datasets.append(Dataset(id=mention.dataset, label=label, year=None, links=()))
                known.add(mention.dataset)
    metrics = _metrics(parsed, papers)
    entry_to_paper = {entry.ref: key for key, members in groups.items() for entry in members}
    return Corpus(tuple(papers), tuple(datasets), tuple(metrics), entry_to_paper)


def _join_rows_without_arxiv_id(groups: dict[str, list[Entry]]) -> None:
    """Move the rows with no arXiv id into the group of the one arXiv id listed under the same title:
    a list often links a work's arXiv page on one row and its venue's PDF on another. A title listed
    with two arXiv ids is ambiguous, and its rows without one stay a work of their own."""
    arxiv_ids: dict[str, set[str]] = defaultdict(set)
    for key, members in groups.items():
        for entry in members:
            if entry.arxiv_id and entry.title:
                arxiv_ids[slugify(entry.title)].add(key)
    for slug, keys in arxiv_ids.items():
        if len(keys) == 1 and slug in groups:
            work = groups[next(iter(keys))]
            work.extend(groups.pop(slug))
            work.sort(key=lambda entry: entry.line)


def _paper(key: str, entries: list[Entry], vocab: Vocabulary, dataset_by_link: dict[str, str]) -> Paper:
    lead = min(entries, key=lambda e: (VENUE_KIND_RANK[e.venue.kind], not e.title))
    links: dict[str, Link] = {}
    for entry in entries:
        for link in entry.links:
            links.setdefault(link.url, link)
    concepts: list[ConceptAssignment] = []
    mentions: list[DatasetMention] = []
    for entry in entries:
        for keyword in entry.keywords:
            concepts += [ConceptAssignment(c, "keywords") for c in vocab.concepts_in(keyword)]
        concepts += [ConceptAssignment(c, "title") for c in vocab.concepts_in(entry.title, strong_only=True)]
        if entry.category:
            concepts += [ConceptAssignment(c, "section") for c in vocab.concepts_in(entry.category)]
        for name in entry.datasets:
            mentions.append(DatasetMention(vocab.dataset_id(name), "dataset_column"))
        mentions += [DatasetMention(d, "title") for d in vocab.datasets_in(entry.title)]
    for link in links.values():
        if link.column in ("code", "project", "links") and link_key(link.url) in dataset_by_link:
            mentions.append(DatasetMention(dataset_by_link[link_key(link.url)], "shared_link"))
    return Paper(
        id=key,
        title=lead.title,
        venue=lead.venue,
        year=lead.year,
        entries=tuple(e.ref for e in entries),
        links=tuple(links.values()),
        arxiv_id=lead.arxiv_id,
        concepts=tuple(dict.fromkeys(concepts)),
        datasets=tuple(dict.fromkeys(mentions)),
        sources={"title": "list", "venue": "list", "year": "list"},
        topics=tuple(dict.fromkeys(entry.category for entry in entries if entry.category)),
    )


def _datasets(parsed: ParsedList, vocab: Vocabulary) -> list[Dataset]:
    """One Dataset per distinct canonical id in the datasets section; entries of one id are merged
    (their repetition is reported by curation)."""
    by_id: dict[str, Dataset] = {}
    for item in parsed.datasets:
        if not item.name:
            continue
        ident = vocab.dataset_id(item.name)
        previous = by_id.get(ident)
        if previous is None:
            by_id[ident] = Dataset(
                id=ident,
                label=vocab.dataset_label(ident, item.name),
                year=item.year,
                links=item.links,
                entries=(item.ref,),
            )
        else:
            merged_links = tuple({link.url: link for link in (*previous.links, *item.links)}.values())
            by_id[ident] = Dataset(
                id=ident,
                label=previous.label,
                year=previous.year or item.year,
                links=merged_links,
                entries=(*previous.entries, item.ref),
            )
    return list(by_id.values())


def _mention_label(parsed: ParsedList, paper: Paper, dataset_id: str, vocab: Vocabulary) -> str:
    """How the list wrote an unknown dataset's name, for its label."""
    for entry in parsed.entries:
        if entry.ref in paper.entries:
            for name in entry.datasets:
                if vocab.dataset_id(name) == dataset_id:
                    return name
    return dataset_id


def _metrics(parsed: ParsedList, papers: list[Paper]) -> list[Metric]:
    """Metrics of the metrics table; a reference that names a listed paper is linked to it by id."""
    by_title = {normalise_text(p.title): p.id for p in papers}
    by_arxiv = {p.arxiv_id: p.id for p in papers if p.arxiv_id}
    metrics = []
    for item in parsed.metrics:
        defined_in = by_title.get(normalise_text(item.reference)) if item.reference else None
        for link in item.links:
            defined_in = defined_in or by_arxiv.get(link.arxiv_id or "")
        metrics.append(
            Metric(
                id=slugify(item.abbreviation),
                abbreviation=item.abbreviation,
                name=item.name,
                reference=item.reference,
                links=item.links,
                entries=(item.ref,),
                defined_in=defined_in,
            )
        )
    return metrics
