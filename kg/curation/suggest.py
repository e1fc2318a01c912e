"""`tfkg suggest`: works a list is missing, each with why and a row to paste in the list's own style.

Reads: the list; peer lists (other awesome lists: the works they list that this one lacks, ranked by
how many peers list them, then by closeness); a local arXiv metadata snapshot (streamed once in constant
memory: a cheap test on each raw line, then the list's concepts and words, no embedding); and the works
a build's enrichment found cited by the list's papers (`external_references.jsonl`). Writes nothing.

Nothing the list has is suggested: a candidate is dropped when the list holds its arXiv id, its DOI or
its title (a fuzzy match). Closeness is lexical: the share of a candidate's concepts (data/concepts.toml)
and title words that the list's own titles use.
"""

from __future__ import annotations

import heapq
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from ingest.parse import parse_list
from ingest.snapshot import iter_records
from kg.core.headings import heading_year
from kg.core.model import Entry, ParsedList
from kg.core.rows import table_row
from kg.core.vocab import Vocabulary, normalise_text
from kg.curation.duplicates import title_key

SAME_TITLE = 90.0  # fuzz.ratio of normalised titles at or above which a candidate is the list's own work
STOPWORDS = frozenset({
    "a", "an", "the", "of", "for", "and", "or", "in", "on", "with", "to", "from", "via", "by", "using",
    "towards", "toward", "is", "are",
})
DEFAULT_CATEGORIES = ("cs.CV", "cs.GR", "cs.SD", "eess.AS", "eess.IV", "cs.MM", "cs.LG", "cs.AI", "cs.CL")
MIN_SHARED_WORDS = 2  # a snapshot record must share this many of the list's frequent words, or a concept
DOI = re.compile(r"10\.\d{4,9}/[^\s?#]+", re.IGNORECASE)


@dataclass
class Suggestion:
    """One work the list lacks: what it is, why it is suggested, where it goes and the row to paste."""

    title: str
    arxiv_id: str | None = None
    doi: str | None = None
    venue: str | None = None
    year: int | None = None
    paper_url: str | None = None
    code_url: str | None = None
    peers: list[str] = field(default_factory=list)
    cited_by: int = 0
    from_snapshot: bool = False
    concepts: list[str] = field(default_factory=list)
    closeness: float = 0.0
    concept_labels: list[str] = field(default_factory=list)
    section: str = ""
    section_line: int = 0
    row: str = ""

    @property
    def score(self) -> float:
        """Peers that list it first, then citations, then closeness."""
        return len(self.peers) * 10 + self.cited_by + self.closeness

    def why(self) -> str:
        reasons = []
        if self.peers:
            reasons.append(f"listed by {len(self.peers)} peer list{'s' * (len(self.peers) != 1)} "
                           f"({', '.join(self.peers)})")
        if self.cited_by:
            reasons.append(f"cited by {self.cited_by} of the list's papers")
        if self.from_snapshot:
            reasons.append("in the arXiv snapshot")
        if self.concepts:
            reasons.append(f"about {', '.join(self.concepts)}")
        reasons.append(f"closeness {self.closeness:.2f}")
        return "; ".join(reasons)

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "arxiv_id": self.arxiv_id, "doi": self.doi, "venue": self.venue,
                "year": self.year, "paper_url": self.paper_url, "code_url": self.code_url,
                "section": self.section, "section_line": self.section_line, "row": self.row,
                "evidence": {"peers": self.peers, "cited_by": self.cited_by, "arxiv_snapshot": self.from_snapshot,
                             "concepts": self.concepts, "closeness": round(self.closeness, 3)},
                "score": round(self.score, 3), "why": self.why()}


class ListProfile:
    """What a list holds (ids, DOIs, titles), what it is about (concepts, frequent words) and how it is
    laid out (its paper sections and their rows), to tell what is new and to write rows like its own."""

    def __init__(self, parsed: ParsedList, lines: Sequence[str], vocab: Vocabulary) -> None:
        self.parsed, self.lines, self.vocab = parsed, lines, vocab
        entries = parsed.entries
        self.arxiv_ids = {e.arxiv_id for e in entries if e.arxiv_id}
        self.dois = {m.group(0).lower() for e in entries for link in e.links for m in DOI.finditer(link.url)}
        self.title_keys = {title_key(e.title) for e in entries if e.title}
        self.titles = [normalise_text(e.title) for e in entries if e.title]
        self.concepts = Counter(c for e in entries for c in vocab.concepts_in(e.title, strong_only=True))
        words = Counter(w for title in self.titles for w in set(title.split()) if w not in STOPWORDS and len(w) > 2)
        self.frequent_words = {w for w, n in words.items() if n >= 2}
        self.spellings = _spelling_of(entries)
        self.sections: dict[int, list[Entry]] = defaultdict(list)
        for entry in entries:
            self.sections[self._section_line(entry)].append(entry)

    def has(self, title: str, arxiv_id: str | None = None, doi: str | None = None) -> bool:
        """Whether the list already holds this work."""
        if (arxiv_id and arxiv_id in self.arxiv_ids) or (doi and doi.lower() in self.dois):
            return True
        if not title:
            return False
        return title_key(title) in self.title_keys or process.extractOne(
            normalise_text(title), self.titles, scorer=fuzz.ratio, score_cutoff=SAME_TITLE) is not None

    def closeness(self, text: str) -> tuple[float, list[str]]:
        """How close a text is to the list (0-1) and the list's concepts it is about."""
        concepts = [c for c in self.vocab.concepts_in(text, strong_only=True) if c in self.concepts]
        words = {w for w in normalise_text(text).split() if w not in STOPWORDS and len(w) > 2}
        shared = len(words & self.frequent_words) / len(words) if words else 0.0
        return 0.5 * min(1.0, len(concepts) / 2) + 0.5 * shared, concepts

    def place(self, suggestion: Suggestion) -> None:
        """Choose the section a suggestion goes in and write its row like that section's rows."""
        line = self._best_section(suggestion)
        example = self.sections[line][0]
        suggestion.section = example.section
        suggestion.section_line = line
        suggestion.concept_labels = [self.vocab.concept_label(c) for c in suggestion.concepts]
        suggestion.row = self._row_like(example, suggestion)

    def _spelling(self, family: str | None) -> str | None:
        return self.spellings.get(family, family) if family else None

    def _section_line(self, entry: Entry) -> int:
        """The line of the heading an entry sits under (0 before any heading)."""
        headings = [s for s in self.parsed.sections if s.line < entry.line]
        return headings[-1].line if headings else 0

    def _best_section(self, suggestion: Suggestion) -> int:
        years = {line: self._year_of(line) for line in self.sections}
        dated = {line: year for line, year in years.items() if year is not None}
        candidates = list(self.sections)
        if dated and suggestion.year is not None:
            nearest = min(abs(year - suggestion.year) for year in dated.values())
            candidates = [line for line, year in dated.items() if abs(year - suggestion.year) == nearest]

        def fit(line: int) -> tuple[int, int, int]:
            profile = Counter(c for e in self.sections[line] for c in self.vocab.concepts_in(e.title))
            shared = sum(profile[c] for c in suggestion.concepts)
            newest = years[line] or 0
            return shared, newest, len(self.sections[line])

        return max(candidates, key=fit)

    def _year_of(self, line: int) -> int | None:
        titles = [s.title for s in self.parsed.sections if s.line <= line]
        for title in reversed(titles[-3:]):
            year = heading_year(title)
            if year is not None:
                return year
        return None

    def _row_like(self, example: Entry, s: Suggestion) -> str:
        table = table_row(self.lines, example.line)
        venue = _venue_text(example.venue.raw, self._spelling(s.venue), s.year)
        if table is not None:
            cells = []
            for role, cell in zip(table.roles, table.cells, strict=False):
                cells.append(_cell(role, cell, s, venue))
            raw = example.raw.strip()
            return ("| " if raw.startswith("|") else "") + " | ".join(cells) + (" |" if raw.endswith("|") else "")
        marker = re.match(r"\s*([-*+]|\d+\.)\s", example.raw)
        if marker is None:  # a paragraph entry: a bold title, then venue and links
            link = f" [[Paper]({s.paper_url})]" if s.paper_url else ""
            return f"**{s.title}**<br>{venue}.{link}".replace("<br>.", "<br>")
        title = f"[{s.title}]({s.paper_url})" if s.paper_url else s.title
        tag = f"`{venue}`" if "`" in example.raw else f"({venue})" if venue else ""
        code = f" [[Code]({s.code_url})]" if s.code_url else ""
        return f"{marker.group(1)} {title}" + (f", {tag}" if tag else "") + "." + code


def _spelling_of(entries: Iterable[Entry]) -> dict[str, str]:
    """How a list writes each venue family it uses ("arXiv" -> "Arxiv"): its first row's venue cell
    without the year."""
    spelled: dict[str, str] = {}
    for entry in entries:
        family, raw = entry.venue.family, entry.venue.raw
        if family and raw and family not in spelled:
            spelled[family] = re.sub(r"[\s'(]*(19|20)\d\d\)?\s*$", "", raw).strip() or family
    return spelled


def _venue_text(example: str, venue: str | None, year: int | None) -> str:
    """A venue written the way the example row writes its own: "CVPR2023" or "CVPR 2023"."""
    if not venue and not year:
        return ""
    glued = re.fullmatch(r"\s*[A-Za-z]+\d{4}\s*", example or "") is not None
    return f"{venue or ''}{'' if glued else ' '}{year or ''}".strip()


def _cell(role: str | None, example: str, s: Suggestion, venue: str) -> str:
    label = re.match(r"\s*\[([^\]]+)\]\(", example)
    if role == "title":
        return f"[{s.title}]({s.paper_url})" if example.strip().startswith("[") and s.paper_url else s.title
    if role == "venue":
        return venue
    if role == "year":
        return str(s.year or "")
    if role in ("paper", "links") and s.paper_url:
        return f"[{label.group(1) if label else 'paper'}]({s.paper_url})"
    if role == "code" and s.code_url:
        return f"[{label.group(1) if label else 'code'}]({s.code_url})"
    if role == "keywords":
        return ", ".join(s.concept_labels)
    return ""


def from_peers(profile: ListProfile, peers: Sequence[Path], vocab: Vocabulary) -> list[Suggestion]:
    """Works the peer lists have that the list lacks, one suggestion per work however many peers list it."""
    works: dict[str, Suggestion] = {}
    for peer in peers:
        for entry in parse_list(peer, vocab).entries:
            if not entry.title or profile.has(entry.title, entry.arxiv_id):
                continue
            key = entry.arxiv_id or title_key(entry.title)
            work = works.get(key)
            if work is None:
                paper = next((link.url for link in entry.links if link.column in ("title", "paper", "links")), None)
                code = next((link.url for link in entry.code_links), None)
                work = works[key] = Suggestion(entry.title, entry.arxiv_id, None, entry.venue.family, entry.year,
                                               paper, code)
            if peer.name not in work.peers:
                work.peers.append(peer.name)
    return list(works.values())


def from_snapshot(profile: ListProfile, snapshot: Path, categories: Sequence[str], top: int) -> list[Suggestion]:
    """The records of a snapshot closest to the list, streamed once; at most `top` are kept at any time."""
    wanted = [c.encode() for c in categories]
    words = [w.encode() for w in profile.frequent_words]

    def cheap(line: bytes) -> bool:  # on the raw bytes, before any JSON is parsed
        lowered = line.lower()
        return any(c in line for c in wanted) and sum(w in lowered for w in words[:400]) >= MIN_SHARED_WORDS

    kept: list[tuple[float, int, Suggestion]] = []
    for order, record in enumerate(iter_records(snapshot, cheap)):
        title = " ".join(str(record.get("title") or "").split())
        if not title or profile.has(title, record["id"], record.get("doi")):
            continue
        closeness, concepts = profile.closeness(f"{title} {record.get('abstract') or ''}")
        year = _year(record)
        suggestion = Suggestion(title, record["id"], record.get("doi"), "arXiv", year,
                                f"https://arxiv.org/abs/{record['id']}", from_snapshot=True, concepts=concepts,
                                closeness=closeness)
        item = (closeness, -order, suggestion)
        if len(kept) < top:
            heapq.heappush(kept, item)
        elif item > kept[0]:
            heapq.heapreplace(kept, item)
    return [s for _, _, s in kept]


def from_citations(profile: ListProfile, build_folder: Path) -> list[Suggestion]:
    """Works the list's papers cite that the list lacks (a build's external_references.jsonl)."""
    path = build_folder / "external_references.jsonl"
    if not path.exists():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        ref = json.loads(line) if line.strip() else None
        if not ref or profile.has(str(ref.get("title") or ""), ref.get("arxiv_id"), ref.get("doi")):
            continue
        arxiv = ref.get("arxiv_id")
        found.append(Suggestion(str(ref["title"]), arxiv, ref.get("doi"), None, ref.get("year"),
                                f"https://arxiv.org/abs/{arxiv}" if arxiv else None,
                                cited_by=len(ref.get("cited_by") or ())))
    return found


def suggest(profile: ListProfile, candidates: Iterable[Suggestion], top: int | None) -> list[Suggestion]:
    """Merge candidates of one work, score them, keep the best `top` (all when None), and place each."""
    merged: dict[str, Suggestion] = {}
    for candidate in candidates:
        key = candidate.arxiv_id or title_key(candidate.title)
        known = merged.get(key)
        if known is None:
            merged[key] = candidate
        else:
            known.peers += [p for p in candidate.peers if p not in known.peers]
            known.cited_by = max(known.cited_by, candidate.cited_by)
            known.from_snapshot = known.from_snapshot or candidate.from_snapshot
    for suggestion in merged.values():
        if not suggestion.concepts or not suggestion.closeness:
            suggestion.closeness, suggestion.concepts = profile.closeness(suggestion.title)
    ranked = sorted(merged.values(), key=lambda s: (-s.score, s.title.lower()))
    chosen = ranked if top is None else ranked[:top]
    for suggestion in chosen:
        profile.place(suggestion)
    return chosen


def _year(record: dict[str, Any]) -> int | None:
    match = re.match(r"(\d{2})(\d{2})\.", str(record.get("id")))
    return 2000 + int(match.group(1)) if match else None
