"""Duplicate entries of a list: groups of rows (papers, survey rows, dataset items) describing one work.

Reads: the parsed entries and papers of a build, and optionally the build's embeddings
(`embeddings.npy`, row i = paper i). Writes: `DuplicateGroup` records, each with its members, the
evidence that ties them (pair by pair), the fields on which they disagree, a proposed canonical record
with the reason, and whether the group is certain or only possible.

Strong evidence (certain): the same arXiv id, DOI or Semantic Scholar id, the same normalised title,
title similarity at or above `Thresholds.strong_title`. Weak evidence (possible duplicates only): title
similarity between the two thresholds, the same code repository, embedding similarity at or above
`Thresholds.embedding`. Title similarity is rapidfuzz's `fuzz.ratio` on normalised titles.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from ingest.papers import VENUE_KIND_RANK
from kg.core.links import link_key
from kg.core.model import CODE_HOSTS, CodeRepo, DatasetEntry, Entry, Paper, Ref
from kg.core.vocab import normalise_text
from kg.curation.venue_dates import VenueMonths, date_conflict

GroupKind = Literal["paper", "dataset"]
RawGroup = tuple[list[int], list["Evidence"], bool]
"""A group before it is described: its lines, the evidence among them, whether it is certain."""
EVIDENCE_ORDER = (
    "arxiv_id", "doi", "s2_id", "normalised_title", "short_name", "title_similarity", "code_repository",
    "embedding_similarity",
)


@dataclass(frozen=True)
class Thresholds:
    """strong_title / possible_title: fuzz.ratio (0-100) of normalised titles; embedding: cosine;
    shared_id_title: fuzz.token_set_ratio that two rows sharing an arXiv id, DOI or S2 id need between
    their titles to be certainly one work, when the titles do not both open with a name before a colon
    (on the corpus' dev lists, rows of one work score 90 or more, the one row that copied another's
    link 60.8)."""

    strong_title: float = 95.0
    possible_title: float = 88.0
    embedding: float = 0.96
    shared_id_title: float = 75.0


MAX_NAME_WORDS = 3
LEADING_NAME = re.compile(r"\s*(?:[-*+]|\d+\.)\s+[(\[]\s*([^()\[\]\s]{2,30})\s*[)\]]\s*\[")
MAX_SHARERS = 50
MAX_TITLE_SHARERS = 6
"""Rows one title may be shared by and still say they are one work (the corpus' largest group of one work
is 4 rows)."""
RAREST = 4
MAX_BLOCK = 2000
EMBEDDING_BLOCK = 1024
NUMBERING_WORDS = frozenset({
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "first", "second", "third",
    "fourth", "fifth", "ii", "iii", "iv", "vi", "vii", "viii", "ix", "plus", "pp",
})


@dataclass(frozen=True)
class Member:
    """One row of a duplicate group, as the list wrote it."""

    file: str
    line: int
    title: str
    venue: str
    section: str


@dataclass(frozen=True)
class Evidence:
    """Why two rows (lines) look like one work. kind: arxiv_id, doi, s2_id, normalised_title,
    title_similarity, code_repository, embedding_similarity, dataset_alias, dataset_link;
    value: what they share; score: the similarity when the evidence is a similarity."""

    kind: str
    lines: tuple[int, int]
    value: str
    strong: bool
    score: float | None = None


@dataclass(frozen=True)
class Conflict:
    """A field on which the members disagree: (line, value) for each member with a value."""

    field: str
    values: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class Canonical:
    """The proposed record of a group: the row to keep (line), its title and venue, the links of every
    member (to merge into it), and why this row."""

    line: int
    title: str
    venue: str
    links: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class DuplicateGroup:
    """Rows that describe one work; certain is False when only weak evidence ties them."""

    kind: GroupKind
    members: tuple[Member, ...]
    evidence: tuple[Evidence, ...]
    conflicts: tuple[Conflict, ...]
    canonical: Canonical
    certain: bool

    @property
    def lines(self) -> tuple[int, ...]:
        return tuple(m.line for m in self.members)


def title_key(title: str) -> str:
    """A title compared for identity: normalised, a repeated leading name ("PIRenderer:PIRenderer:")
    said once, and without spaces, so that "Pre-trained" and "Pretrained" are one spelling."""
    text = normalise_text(title)
    text = re.sub(r"^(\w+(?: \w+)?) \1\b", r"\1", text)
    return text.replace(" ", "")


def find_duplicates(
    entries: Sequence[Entry],
    datasets: Sequence[DatasetEntry],
    papers: Sequence[Paper],
    months: VenueMonths,
    embeddings: np.ndarray | None = None,
    thresholds: Thresholds = Thresholds(),
) -> tuple[DuplicateGroup, ...]:
    """Duplicate groups among paper rows (tables and bullets, the survey table too) and dataset items,
    certain groups first, then possible ones, each in list order."""
    paper_groups = _group(entries, _paper_evidence(entries, papers, embeddings, thresholds))
    dataset_groups = _group(datasets, _dataset_evidence(datasets))
    by_line = {e.line: e for e in entries}
    items = {d.line: d for d in datasets}
    groups = [
        _paper_group([by_line[line] for line in lines], evidence, certain, months)
        for lines, evidence, certain in paper_groups
    ]
    groups += [
        _dataset_group([items[line] for line in lines], evidence, certain)
        for lines, evidence, certain in dataset_groups
    ]
    return tuple(sorted(groups, key=lambda g: (not g.certain, g.lines[0])))


# -- evidence --------------------------------------------------------------------------------------


def _paper_evidence(
    entries: Sequence[Entry], papers: Sequence[Paper], embeddings: np.ndarray | None, thresholds: Thresholds
) -> list[Evidence]:
    """Evidence between pairs of paper rows. Pairs come from shared values and from candidate pairs of
    alike titles (`similar_titles`), so no step compares every pair of rows."""
    paper_of = {ref: paper for paper in papers for ref in paper.entries}
    keys = [title_key(e.title) for e in entries]
    normalised = [normalise_text(e.title) for e in entries]
    lines = [e.line for e in entries]
    evidence: list[Evidence] = []
    shared_values = (
        ("arxiv_id", [{e.arxiv_id} - {None} for e in entries], True),
        ("doi", [{getattr(paper_of.get(e.ref), "doi", None)} - {None} for e in entries], True),
        ("s2_id", [{getattr(paper_of.get(e.ref), "s2_id", None)} - {None} for e in entries], True),
        ("normalised_title", [{k} - {""} for k in keys], True),
        ("code_repository", [{repo.id for link in e.code_links if (repo := CodeRepo.from_link(link))}
                             for e in entries], False),
    )
    for kind, values, strong in shared_values:
        # one title on many rows is a label read as a title ("No" in a code column), not one work listed often
        most = MAX_TITLE_SHARERS if kind == "normalised_title" else MAX_SHARERS
        for (i, j), shared in _sharing(values, most).items():
            value = normalised[i] if kind == "normalised_title" else shared
            certain = strong and _same_work(entries[i], entries[j], kind, thresholds)
            evidence.append(Evidence(kind, (lines[i], lines[j]), value, certain))
    evidence += _short_name_evidence(entries)
    for i, j, raw_score in similar_titles(normalised, thresholds.possible_title):
        if keys[i] and keys[j] and keys[i] != keys[j]:
            score = round(raw_score, 1)
            strong = score >= thresholds.strong_title and not _tells_apart(normalised[i], normalised[j])
            evidence.append(Evidence("title_similarity", (lines[i], lines[j]), f"{score:g}", strong, score))
    if embeddings is not None:
        evidence += _embedding_evidence(entries, papers, embeddings, thresholds.embedding)
    return sorted(evidence, key=lambda e: (e.lines, EVIDENCE_ORDER.index(e.kind)))


def _short_name_evidence(entries: Sequence[Entry]) -> list[Evidence]:
    """A row that gives a work by its short name alone ("DRL-VO, T-RO 2023", listed again under another
    topic) and a row whose title opens with that name ("DRL-VO: Learning to Navigate ...") or sets it in
    brackets before the title ("(RGL) [Relational Graph Learning ...](url)"), at the same venue in the same
    year: one work, certainly."""
    def key(entry: Entry, name: str) -> set[str]:
        return {f"{name}|{entry.venue.family}|{entry.year}"} if name and entry.venue.family and entry.year else set()

    bare = [key(e, normalise_text(e.title) if ":" not in e.title and len(e.title.split()) <= MAX_NAME_WORDS
                else "") for e in entries]
    named = [key(e, _method_name(e.title)) | key(e, _leading_name(e.raw)) for e in entries]
    return [Evidence("short_name", (entries[i].line, entries[j].line), shared.split("|")[0], True)
            for (i, j), shared in _sharing([b | n for b, n in zip(bare, named, strict=True)]).items()
            if (bare[i] and named[j]) or (named[i] and bare[j])]


def _leading_name(raw: str) -> str:
    """The name a bullet sets in brackets before its linked title ("- (RGL) [Relational Graph Learning
    ...](url)" -> "rgl")."""
    match = LEADING_NAME.match(raw)
    return normalise_text(match.group(1)) if match else ""


def _tells_apart(a: str, b: str) -> bool:
    """Whether two nearly equal titles differ in a word that numbers a work: a digit, a number word, a
    roman numeral, "plus" or "++" ("... Part One" / "... Part Two", "GeneFace" / "GeneFace++")."""
    differing = set(a.split()) ^ set(b.split())
    return any(word in NUMBERING_WORDS or any(char.isdigit() or char == "+" for char in word) for word in differing)


def _same_work(a: Entry, b: Entry, kind: str, thresholds: Thresholds) -> bool:
    """Whether a shared id or title may make two rows certainly one work. An id shared by rows whose
    titles disagree is a link copied from another row; one title at two peer-reviewed venues of different
    families is two works (a survey and a course, a paper and its journal version), and so is a title of
    a few words in two different years, or one title linking two arXiv papers."""
    if kind == "normalised_title":
        if a.arxiv_id and b.arxiv_id and a.arxiv_id != b.arxiv_id:
            return False  # "Point Transformer" twice, 2011.00931 and 2012.09164: two works of one name
        families = {e.venue.family for e in (a, b) if e.venue.kind not in ("preprint", "unknown")}
        # a title of a few words ("Neural Machine Translation") is shared by works: two years tell them apart
        short = len(a.title.split()) <= MAX_NAME_WORDS and a.year and b.year and a.year != b.year
        return len(families) < 2 and not short
    if not (a.title and b.title):
        return True
    names = [_method_name(e.title) for e in (a, b)]
    if all(names):  # "HeadGAN: One-shot ..." and "HeadGAN: Video-and-Audio-Driven ...": one work renamed
        return names[0] == names[1]
    if _names_its_work(a, b) or _names_its_work(b, a):
        return True
    return fuzz.token_set_ratio(normalise_text(a.title), normalise_text(b.title)) >= thresholds.shared_id_title


def _names_its_work(name: Entry, titled: Entry) -> bool:
    """Whether a row gives by its name ("CMT", "RT-1") the work another row gives by its title, with the same
    arXiv id: a table of methods by name beside a list of the same papers by title."""
    return (" " not in name.title.strip() and bool(re.search(r"[A-Z].*[A-Z0-9]", name.title))
            and len(titled.title.split()) > MAX_NAME_WORDS and name.arxiv_id is not None
            and name.arxiv_id == titled.arxiv_id)


def _method_name(title: str) -> str:
    """The name a title opens with before a colon ("SadTalker: Learning ..." -> "sadtalker"), if short."""
    head, colon, _ = title.partition(":")
    return normalise_text(head) if colon and 0 < len(head.split()) <= MAX_NAME_WORDS else ""


def _sharing(values: list[set[str]], most: int = MAX_SHARERS) -> dict[tuple[int, int], str]:
    """Index pairs (i < j) whose value sets share a value, with the (first) shared value. A value held by
    more than `most` rows (the list's own repository, a lab's site) tells no two of them apart."""
    holders: dict[str, list[int]] = {}
    for index, held in enumerate(values):
        for value in sorted(held):
            holders.setdefault(value, []).append(index)
    pairs: dict[tuple[int, int], str] = {}
    for value, indexes in holders.items():
        if len(indexes) <= most:
            for pair in itertools.combinations(indexes, 2):
                pairs.setdefault(pair, value)
    return pairs


def similar_titles(titles: Sequence[str], cutoff: float) -> Iterator[tuple[int, int, float]]:
    """(i, j, fuzz.ratio) for pairs of titles at least cutoff alike, i < j. Candidates are the pairs that
    share one of their RAREST rarest words or rarest letter trigrams (titles 88% alike share nearly all of
    both; trigrams catch one-word names, "vbench" and "svbench"), so a list of 50,000 rows is compared in
    seconds, not as 1.25 billion pairs."""
    keys = [_blocking_keys(title) for title in titles]
    frequency = Counter(key for held in keys for key in held)
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, held in enumerate(keys):
        words = sorted((k for k in held if not k.startswith("#")), key=lambda k: (frequency[k], k))[:RAREST]
        grams = sorted((k for k in held if k.startswith("#")), key=lambda k: (frequency[k], k))[:RAREST]
        for key in (*words, *grams):
            blocks[key].append(index)
    found: dict[tuple[int, int], float] = {}
    for block in blocks.values():
        if 1 < len(block) <= MAX_BLOCK:  # one small matrix a block: memory never grows with the list
            scores = cdist([titles[i] for i in block], [titles[i] for i in block], scorer=fuzz.ratio,
                           score_cutoff=cutoff, dtype=np.float32)
            for a, b in zip(*np.nonzero(np.triu(scores, 1)), strict=True):
                found[(min(block[a], block[b]), max(block[a], block[b]))] = float(scores[a, b])
    for (i, j), score in sorted(found.items()):
        yield i, j, score


def _blocking_keys(title: str) -> set[str]:
    """A title's words, and its letter trigrams (marked "#") with the spaces taken out."""
    letters = title.replace(" ", "")
    return set(title.split()) | {"#" + letters[k : k + 3] for k in range(max(1, len(letters) - 2))}


def _embedding_evidence(
    entries: Sequence[Entry], papers: Sequence[Paper], embeddings: np.ndarray, threshold: float
) -> list[Evidence]:
    """Pairs of different papers whose embeddings (L2-normalised rows) are at least `threshold` alike,
    as evidence between the first listed rows of each."""
    first_line = {p.id: Ref.parse(p.entries[0]).line for p in papers if p.entries}
    listed = {e.line for e in entries}
    found = []
    for start in range(0, len(embeddings), EMBEDDING_BLOCK):  # a block of rows at a time, never n x n
        similarity = embeddings[start : start + EMBEDDING_BLOCK] @ embeddings.T
        for row, j in zip(*np.nonzero(similarity >= threshold), strict=True):
            i = start + int(row)
            if j <= i:
                continue
            a, b = first_line.get(papers[i].id), first_line.get(papers[j].id)
            if a in listed and b in listed and a != b:
                score = round(float(similarity[row, j]), 3)
                found.append(Evidence("embedding_similarity", (min(a, b), max(a, b)), f"{score:g}", False, score))
    return found


def _dataset_evidence(datasets: Sequence[DatasetEntry]) -> list[Evidence]:
    """Dataset items are one dataset when their names are one spelling, or when they link the same page
    and do not name two datasets (then they are only possibly one). Names are not compared fuzzily:
    "VoxCeleb1" and "VoxCeleb2" are different datasets."""
    names = [title_key(d.name) for d in datasets]
    evidence = [Evidence("normalised_title", (datasets[i].line, datasets[j].line), normalise_text(datasets[i].name),
                         True)
                for (i, j) in _sharing([{name} - {""} for name in names])]
    links = [{link_key(link.url) for link in d.links} for d in datasets]
    for (i, j) in _sharing(links):
        a, b = datasets[i], datasets[j]
        # Two named datasets on one page (LRS2 and LRW share a download page) are two datasets.
        short, long = sorted((names[i], names[j]), key=len)
        same_name = not (short and long) or long.startswith(short)  # "LRS2" and "LRS2-BBC" name one
        evidence += [Evidence("dataset_link", (a.line, b.line), url, same_name) for url in sorted(links[i] & links[j])]
    return evidence


def _group(items: Sequence[Entry] | Sequence[DatasetEntry], evidence: list[Evidence]) -> list[RawGroup]:
    """Certain groups: rows joined by strong evidence. Possible groups: certain groups (or single rows)
    joined only by weak evidence."""
    lines = [item.line for item in items]
    strong = _components(lines, [e.lines for e in evidence if e.strong])
    group_of = {line: min(component) for component in strong for line in component}
    weak_pairs = [
        (group_of[a], group_of[b]) for e in evidence if not e.strong for a, b in [e.lines] if group_of[a] != group_of[b]
    ]
    possible = _components(sorted(set(group_of.values())), weak_pairs)
    result: list[RawGroup] = []
    for component in strong:
        if len(component) > 1:
            result.append((component, _evidence_within(evidence, component), True))
    for component in possible:
        if len(component) > 1:
            members = sorted(line for line in lines if group_of[line] in component)
            result.append((members, _evidence_within(evidence, members), False))
    return result


def _components(nodes: Iterable[int], pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Connected components (sorted lists) of a graph given by its edges."""
    parent = {node: node for node in nodes}

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in pairs:
        parent[root(a)] = root(b)
    components: dict[int, list[int]] = {}
    for node in parent:
        components.setdefault(root(node), []).append(node)
    return sorted((sorted(c) for c in components.values()), key=lambda c: c[0])


def _evidence_within(evidence: list[Evidence], lines: list[int]) -> list[Evidence]:
    inside = set(lines)
    return [e for e in evidence if e.lines[0] in inside and e.lines[1] in inside]


# -- groups ----------------------------------------------------------------------------------------


def _paper_group(members: list[Entry], evidence: list[Evidence], certain: bool, months: VenueMonths) -> DuplicateGroup:
    conflicts = [
        _conflict("title", [(e.line, e.title) for e in members]),
        _conflict("venue", [(e.line, e.venue.raw) for e in members], key=lambda v: v.replace(" ", "").lower()),
        _conflict("year", [(e.line, str(e.year or "")) for e in members]),
        _conflict("section", [(e.line, e.section) for e in members]),
    ]
    for column in ("paper", "code", "project"):
        conflicts.append(
            _conflict(
                f"{column} link",
                [(e.line, " ".join(_urls(e, column))) for e in members],
                key=lambda v: " ".join(sorted(link_key(u) for u in v.split())),
            )
        )
    # Within a group, any venue that predates the paper's arXiv posting speaks less for it than one that
    # does not, however short the gap: the grace period is for reporting defects, not for choosing.
    strict = VenueMonths(months.months, grace=0)
    suspect = {e.line: date_conflict(e.venue, e.arxiv_id, strict) for e in members}
    best = min(
        members,
        key=lambda e: (suspect[e.line] is not None, VENUE_KIND_RANK[e.venue.kind], not e.title, -len(e.links),
                       -len(e.title), e.line),
    )
    links = tuple(dict.fromkeys(link.url for e in [best, *members] for link in e.links))
    canonical = Canonical(best.line, best.title, best.venue.raw, links, _paper_reason(best, members, suspect))
    return DuplicateGroup(
        kind="paper",
        members=tuple(Member(e.file, e.line, e.title, e.venue.raw, e.section) for e in members),
        evidence=tuple(evidence),
        conflicts=tuple(c for c in conflicts if c is not None),
        canonical=canonical,
        certain=certain,
    )


def _urls(entry: Entry, column: str) -> list[str]:
    if column == "paper":
        return [link.url for link in entry.links_in("paper", "title", "links") if link.kind not in CODE_HOSTS]
    if column == "code":
        return [link.url for link in entry.code_links]
    return [link.url for link in entry.links_in("project")]


def _paper_reason(best: Entry, members: list[Entry], suspect: dict[int, str | None]) -> str:
    """Why `best` speaks for the group, in the order the choice was made."""
    others = [e for e in members if e is not best]
    contradicted = [e for e in others if suspect[e.line]]
    if contradicted and not suspect[best.line]:
        names = ", ".join(f"{e.venue.raw} (line {e.line})" for e in contradicted)
        return f"{best.venue.raw} agrees with the arXiv date; {names} does not"
    preprints = [e for e in others if VENUE_KIND_RANK[e.venue.kind] > VENUE_KIND_RANK[best.venue.kind]]
    if preprints:
        names = ", ".join(f"{e.venue.raw or 'no venue'} (line {e.line})" for e in preprints)
        reviewed = best.venue.kind in ("conference", "journal", "workshop")
        return f"{'peer-reviewed' if reviewed else 'named'} venue {best.venue.raw} over {names}"
    if all(" ".join(e.raw.split()) == " ".join(best.raw.split()) for e in others):
        return "exact repeat: the first row is kept"
    if any(len(e.links) < len(best.links) for e in others):
        return f"same venue; this row has the most links ({len(best.links)})"
    if any(len(e.title) < len(best.title) for e in others):
        return "same venue; this row has the fullest title"
    same_links = all({link_key(x.url) for x in e.links} == {link_key(x.url) for x in best.links} for e in others)
    return f"same venue{' and links' if same_links else ', other links'}; the first row is kept"


def _dataset_group(members: list[DatasetEntry], evidence: list[Evidence], certain: bool) -> DuplicateGroup:
    best = min(members, key=lambda d: (d.year is None, -len(d.links), d.line))
    names = [(d.line, f"{d.name} {d.year}" if d.year else d.name) for d in members]
    conflicts = [
        _conflict("name", [(d.line, d.name) for d in members]),
        _conflict("year", [(d.line, str(d.year or "")) for d in members]),
    ]
    if best.year and any(d.year is None for d in members):
        reason = f"names the year ({best.year})"
    elif any(len(d.links) < len(best.links) for d in members):
        reason = f"has the most links ({len(best.links)})"
    else:
        reason = "the first item is kept"
    links = tuple(dict.fromkeys(link.url for d in [best, *members] for link in d.links))
    label = dict(names)[best.line]
    return DuplicateGroup(
        kind="dataset",
        members=tuple(Member(d.file, d.line, name, "", d.section) for d, (_, name) in zip(members, names, strict=True)),
        evidence=tuple(evidence),
        conflicts=tuple(c for c in conflicts if c is not None),
        canonical=Canonical(best.line, label, "", links, reason),
        certain=certain,
    )


def _conflict(field: str, values: list[tuple[int, str]], key: Callable[[str], str] = str) -> Conflict | None:
    """A Conflict when the non-empty values differ (compared by `key`, e.g. loosely)."""
    present = [(line, value) for line, value in values if value]
    if len({key(value) for _, value in present}) < 2:
        return None
    return Conflict(field, tuple(present))
