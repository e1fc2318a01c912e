"""The controlled vocabularies: venues, keyword concepts and dataset aliases.

Reads `data/venues.toml`, `data/concepts.toml` and `data/datasets.toml` (or another folder's files
of those names) and answers three questions: which venue a cell names, which concepts a text is
about, and which datasets a text mentions. Matching is pure and case-insensitive.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from kg.core.model import Concept, Venue, VenueFamily, VenueKind

VOCAB_FILES = ("venues.toml", "concepts.toml", "datasets.toml")
YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
SHORT_YEAR = re.compile(r"['’‘](\d\d)(?!\d)")
EMOJI_SHORTCODE = re.compile(r":[a-z0-9_+\-]{2,30}:")
ARXIV_NUMBER = re.compile(r"(?<![\d.])\d{4}\.\d{4,5}(?:v\d+)?(?![\d.])")
MONTH_AFTER_YEAR = re.compile(r"[./-](?:0[1-9]|1[0-2])(?!\d)")
"""The month a date adds after its year: "arXiv 2023.05", "2022-04"."""
SLUG_LENGTH = 120
SLUG_HASH_LENGTH = 10
PLACEHOLDERS = frozenset({"-", "–", "—", "n/a", "na", "none", "tbd", "todo", "?", "null"})
# Words written beside a venue that do not change which venue it is.
VENUE_DECORATIONS = frozenset({
    "oral", "orals", "spotlight", "spotlights", "highlight", "highlights", "poster", "posters", "best", "paper",
    "award", "finalist", "honorable", "mention", "accepted", "accept", "candidate", "long", "short", "demo", "full",
})
UNDER_REVIEW = re.compile(r"\b(under review|submitted|submission|in review)\b", re.IGNORECASE)
# A venue word this close to a known name (Jaro-Winkler similarity of the letters) is read as it:
# "Arix" -> arXiv scores 0.88. Only names within a letter of the known one's length are compared.
MISSPELT_VENUE_SCORE = 0.88
MIN_MISSPELT_LENGTH = 4
# A venue name of several words this close to a known one (rapidfuzz ratio, edit distance) is read as it.
MISSPELT_NAME_SCORE = 92
# Two-digit years ("NeurIPS'99") up to this many years past the current one are this century's.
SHORT_YEAR_LOOKAHEAD = 1
FIVE_DIGIT_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\d(?!\d)")
VENUE_MONTH = re.compile(r"\s*(.*[A-Za-z])[\s'’]+(\d\d)(?:0[1-9]|1[0-2])\s*")
"""A venue and four digits that are no year: the year and month, as arXiv ids start ("Arxiv_2508" is August
2025, "NeurIPS 2309" September 2023, "arXiv'2401" January 2024)."""
VENUE_AND_PART = re.compile(r"\s*([^()]*?\w)\s*\(([^()]+)\)\s*")
"""A venue, then the part of it a paper appeared in, in brackets: "CVPRW (PBVS)"."""


def century(short: int) -> int:
    """The four-digit year of a two-digit one: this century unless that is in the future."""
    this_year = datetime.date.today().year
    return 2000 + short if 2000 + short <= this_year + SHORT_YEAR_LOOKAHEAD else 1900 + short


def _take_year(text: str, readings: list[str]) -> tuple[int | None, str]:
    """The year a venue cell gives and the cell without it. "'99" is 1999, "'23" 2023; a month after the
    year goes with it ("arXiv 2023.05"); a five-digit typo ("20233") gives its first four digits. How such
    a typo, or a stray dash ("-2023"), was read is added to `readings`."""
    match = YEAR.search(text)
    if match:
        if re.search(r"(?:^|\s)[-–—]\s*$", text[: match.start()]):  # "CVPR -2023": a stray dash or minus
            readings.append(f"read {text[match.start() - 1 : match.end()].strip()!r} as {match.group(1)}")
        month = MONTH_AFTER_YEAR.match(text, match.end())
        return int(match.group(1)), text[: match.start()] + " " + text[month.end() if month else match.end() :]
    match = SHORT_YEAR.search(text)
    if match:
        return century(int(match.group(1))), text[: match.start()] + " " + text[match.end() :]
    match = FIVE_DIGIT_YEAR.search(text)
    if match:
        readings.append(f"read year {match.group(0)!r} as {match.group(1)}")
        return int(match.group(1)), text[: match.start()] + " " + text[match.end() :]
    return None, text


def normalise_text(text: str) -> str:
    """Lowercase, with "-", "_", "/" and other punctuation as spaces ("One-Shot" -> "one shot").

    "+" is kept, so that "FaceForensics++" stays distinct from "FaceForensics".
    """
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^a-z0-9+']+", " ", text)
    return " ".join(text.replace("'", "").split())


def title_similarity(a: str, b: str) -> float:
    """How alike two titles are, 0-100: fuzz.ratio after `normalise_text`."""
    return float(fuzz.ratio(normalise_text(a), normalise_text(b)))


GENERIC_VENUE_WORDS = frozenset({"ieee", "cvf", "acm", "the", "of", "on", "in", "for", "international", "annual"})
"""Words of a venue's full name that say who runs it, not which venue it is."""
VENUE_KIND_NAME_WORDS = {"conference": "conference", "proceedings": "conference", "symposium": "conference",
                         "journal": "journal", "transactions": "journal", "letters": "journal",
                         "magazine": "journal"}
"""Words of a venue's full name that say its kind: "International Conference on Computer Vision" is ICCV,
"International Journal of Computer Vision" IJCV, and an unknown "Journal of Imaging" is a journal."""


def _name_kinds(text: str) -> list[str]:
    """The kinds of venue a name's words say, sorted."""
    return sorted({VENUE_KIND_NAME_WORDS[word] for word in re.findall(r"[a-z]+", text.lower())
                   if word in VENUE_KIND_NAME_WORDS})


def _name_core(text: str, with_kind: bool) -> str:
    """A venue name's words without the generic ones, its kind words as the kind or left out:
    "IEEE/CVF Conference on Computer Vision and Pattern Recognition" -> "conference computer vision and
    pattern recognition" (with_kind) or "computer vision and pattern recognition"."""
    core = [word for word in re.findall(r"[a-z0-9]+", text.lower())
            if word not in GENERIC_VENUE_WORDS and word not in VENUE_KIND_NAME_WORDS]
    return " ".join([*_name_kinds(text), *core] if with_kind else core)


def alias_key(text: str) -> str:
    """The key venue aliases are compared by: lowercase letters and digits only ("ACM MM" -> "acmmm")."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def slugify(text: str) -> str:
    """A stable, unique id from a name or title: "DiffTalk: Crafting..." -> "difftalk-crafting-...".

    Accents are dropped ("Über" -> "uber"), letters of other scripts kept ("语音驱动"); a slug longer than
    SLUG_LENGTH, or one with no letter or digit at all (emoji), ends in a hash of the whole text, so two
    titles that differ anywhere get two ids.
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("+", "plus"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    slug = "-".join(re.findall(r"[^\W_]+", plain))
    if slug and len(slug) <= SLUG_LENGTH:
        return slug
    digest = hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:SLUG_HASH_LENGTH]
    return f"{slug[:SLUG_LENGTH].rstrip('-') or 'untitled'}-{digest}"


class TermMatcher:
    """Finds whole-word occurrences of many terms in normalised text, longest term first."""

    def __init__(self, terms: dict[str, str]) -> None:
        """terms maps a surface form to the id it stands for."""
        self._ids = {normalise_text(term): ident for term, ident in terms.items() if normalise_text(term)}
        alternatives = sorted(self._ids, key=len, reverse=True)
        pattern = "|".join(re.escape(term) for term in alternatives) or r"(?!x)x"
        self._regex = re.compile(rf"(?<![a-z0-9+])(?:{pattern})(?![a-z0-9+])")

    def find(self, text: str) -> list[tuple[str, str]]:
        """(id, matched words) for each occurrence in text, in order."""
        return [(self._ids[m.group(0)], m.group(0)) for m in self._regex.finditer(normalise_text(text))]

    def ids(self, text: str) -> list[str]:
        """The distinct ids mentioned in text, in order of first mention."""
        return list(dict.fromkeys(ident for ident, _ in self.find(text)))


@dataclass(frozen=True)
class DatasetName:
    """A known dataset: canonical id, display label and the spellings that name it."""

    id: str
    label: str
    aliases: tuple[str, ...]


class Vocabulary:
    """The three vocabularies of one data folder, with their matchers."""

    def __init__(
        self,
        venues: dict[str, VenueFamily],
        concepts: dict[str, Concept],
        datasets: dict[str, DatasetName],
        digest: str = "",
    ) -> None:
        self.venues = venues
        self.concepts = concepts
        self.datasets = datasets
        self.digest = digest
        """sha256 of the vocabulary files, recorded in build manifests."""

    @classmethod
    def load(cls, folder: Path) -> Vocabulary:
        """Read the vocabulary files from folder (normally `data/`)."""
        digest = hashlib.sha256()
        tables = {}
        for name in VOCAB_FILES:
            path = folder / name
            raw = path.read_bytes()
            digest.update(raw)
            try:
                tables[name] = tomllib.loads(raw.decode("utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
                raise ValueError(f"{path}: not a valid TOML vocabulary: {error}") from error
        venues = {
            key: VenueFamily(key, spec["name"], spec["kind"], tuple(spec.get("aliases", ())))
            for key, spec in tables["venues.toml"].items()
        }
        concepts = {
            key: Concept(
                key,
                spec["label"],
                tuple(spec.get("alt", ())),
                spec.get("broader"),
                bool(spec.get("weak", False)),
                tuple(spec.get("hidden", ())),
                bool(spec.get("kind_of_work", False)),
            )
            for key, spec in tables["concepts.toml"].items()
        }
        named: dict[str, str] = {}
        for concept in concepts.values():
            if concept.broader and concept.broader not in concepts:
                raise ValueError(f"{folder / 'concepts.toml'}: {concept.id}: unknown broader {concept.broader!r}")
            for term in (concept.id, concept.label, *concept.alt_labels, *concept.hidden_labels):
                other = named.setdefault(normalise_text(term), concept.id)
                if other != concept.id:  # one of the two would never be found
                    raise ValueError(f"{folder / 'concepts.toml'}: {term!r} names both {other} and {concept.id}")
        datasets = {
            key: DatasetName(key, spec["label"], tuple(spec.get("aliases", ())))
            for key, spec in tables["datasets.toml"].items()
        }
        return cls(venues, concepts, datasets, digest.hexdigest())

    # -- venues -----------------------------------------------------------------------------

    @cached_property
    def _venue_by_alias(self) -> dict[str, VenueFamily]:
        by_alias = {}
        for family in self.venues.values():
            for alias in (family.id, family.name, *family.aliases):
                by_alias[alias_key(alias)] = family
        return by_alias

    def venue_family(self, text: str) -> VenueFamily | None:
        """The venue family a name like "CVPR", "ACM MM" or "Arxiv" stands for, if known."""
        return self._venue_by_alias.get(alias_key(text))

    def _venue_by_full_name(self, text: str) -> VenueFamily | None:
        """The venue family a full name written otherwise stands for ("Computer Vision and Pattern
        Recognition", as Semantic Scholar writes CVPR's): the one family whose name has the same words once
        the generic ones are left out, first with its kind words, then without (when three or more words
        are left). Only for venue cells: in a query, "affective computing" is a topic, not the journal."""
        without_kind = _name_core(text, False)
        # two words name a field more than a venue: "Computational Linguistics" (a journal) is not COLING
        return (self._venue_by_core[True].get(_name_core(text, True))
                or (self._venue_by_core[False].get(without_kind) if len(without_kind.split()) >= 3 else None))

    @cached_property
    def _venue_by_core(self) -> dict[bool, dict[str, VenueFamily]]:
        """For cores with and without the kind: core -> the one family whose full name has it (a core that
        two families share names neither)."""
        tables = {}
        for with_kind in (True, False):
            by_core: dict[str, VenueFamily | None] = {}
            for family in self.venues.values():
                core = _name_core(family.name, with_kind)
                if len(core.split()) >= 2:
                    by_core[core] = family if by_core.get(core, family) is family else None
            tables[with_kind] = {core: family for core, family in by_core.items() if family is not None}
        return tables

    def parse_venue(self, raw: str) -> Venue:
        """Normalise a venue cell: "CVPR2023" -> Venue(family="CVPR", year=2023, kind="conference").

        Decorations ("Oral", "Spotlight", "Highlight🚀") are kept as the venue's decoration; "Workshop" after a
        venue is that venue's workshop; a close misspelling of a known name ("Arix") is read as it, with a
        reading saying so (in the note too). Unknown names are kept as written with kind "unknown"; the caller
        warns about them.
        """
        # "AAAI :mortar_board:", "ICLR_2022"
        text = " ".join(EMOJI_SHORTCODE.sub(" ", raw.replace("`", " ")).replace("_", " ").split())
        text = " ".join(ARXIV_NUMBER.sub(" ", text).split())  # "arXiv:1703.01619": the id is no part of a venue
        if not text or text.lower() in PLACEHOLDERS:
            return Venue(raw=raw.strip(), family=None, year=None, kind="unknown")
        readings: list[str] = []
        year, rest = _take_year(text, readings)
        if year is None and (yymm := VENUE_MONTH.fullmatch(rest)) and self.venue_family(yymm.group(1)):
            year, rest = century(int(yymm.group(2))), yymm.group(1)  # "Arxiv_2508": arXiv, August 2025
        glued = re.fullmatch(r"\s*(.*[A-Za-z])\s?(\d\d)\s*", rest) if year is None else None
        if glued and self.venue_family(glued.group(1)):  # "CVPR24", "MM 24"
            year, rest = century(int(glued.group(2))), glued.group(1)
        # "CVPRW (PBVS)", "NeurIPS (Datasets and Benchmarks)": a known venue, then which part of it, a decoration
        part = VENUE_AND_PART.fullmatch(rest)
        named_part = ""
        if part and not re.search(r"\bworkshops?\b|\bfindings\b", part.group(2), re.IGNORECASE) and (
                self.parse_venue(part.group(1)).kind != "unknown" and self.venue_family(part.group(2)) is None
                and self.parse_venue(part.group(2)).kind == "unknown"):  # "arXiv (CVPR 2023)" names two venues
            rest, named_part = part.group(1), " ".join(re.sub(r"[^\w&+\-/ ]", " ", part.group(2)).split())
        rest = re.sub(r"[^\w&+\-/ ]", " ", rest)
        rest = re.sub(r"^\s*(?:in\s+)?(?:the\s+)?proceedings\s+of\s+(?:the\s+)?", "", rest, flags=re.IGNORECASE)
        if UNDER_REVIEW.search(rest):  # not (yet) published there: no venue, the year stays
            return Venue(raw=raw.strip(), family=None, year=year, kind="unknown",
                         decoration=" ".join(rest.split()))
        decoration = " ".join(w for w in rest.split() if w.lower() in VENUE_DECORATIONS)
        if decoration:
            rest = " ".join(w for w in rest.split() if w.lower() not in VENUE_DECORATIONS)
        decoration = " ".join(filter(None, [decoration, named_part]))
        rest = re.sub(r"(?<=[A-Z])(?=Workshops?\b)", " ", rest)  # "MLGWorkshop": the MLG workshop, no typo
        # "ACL 2023 Findings", "Findings of EMNLP 2020": the Findings volume of that conference
        findings = re.search(r"\bfindings\b", rest, re.IGNORECASE) is not None
        rest = re.sub(r"\bfindings(?:\s+of(?:\s+the)?)?\b", " ", rest, flags=re.IGNORECASE)
        workshop = re.search(r"\bworkshops?\b", rest, re.IGNORECASE) is not None
        full_name = re.sub(r"\bworkshops?\b", " ", rest, flags=re.IGNORECASE).strip(" -/")
        rest = re.sub(r"\b(workshops?|conference|proceedings|main|track)\b", " ", rest, flags=re.IGNORECASE)
        rest = rest.strip(" -/")

        def venue(family: str | None, kind: VenueKind, name: str | None = None) -> Venue:
            return Venue(raw=raw.strip(), family=family, year=year, kind=kind, name=name,
                         decoration=decoration or None, readings=tuple(readings))

        if not alias_key(rest):
            return venue(None, "unknown")
        glued_workshop = re.fullmatch(r"\s*(.*\S)W\s*", rest)
        if glued_workshop and not self.venue_family(rest) and self.venue_family(glued_workshop.group(1)):
            workshop, rest = True, glued_workshop.group(1)  # "ICMEW": the ICME workshop
        publisher = re.match(r"\s*(?:ieee/cvf|ieee|acm|springer|elsevier|isca)\s+(.+)", rest, re.IGNORECASE)
        if publisher and not self.venue_family(rest) and self.venue_family(publisher.group(1)):
            rest = publisher.group(1)  # "IEEE TPAMI": the publisher's name before the venue's
        ieee = re.fullmatch(r"\s*(?i:ieee)\s+([A-Z][A-Z0-9-]{2,})\s*", rest)
        if ieee and not self.venue_family(rest):
            rest = ieee.group(1)  # "IEEE MGRS": an IEEE journal is known by its acronym alone
        family = (self.venue_family(full_name) or self.venue_family(rest) or self._venue_by_full_name(full_name)
                  or (self._named_in(rest) if workshop or findings else None)  # "CVPR 2020 workshops on AI"
                  or self._misspelt_venue(rest, readings))
        if family is not None and findings:
            return venue(f"Findings of {family.id}", "conference", f"Findings of {family.name}")
        if family is not None and workshop and family.kind != "workshop":
            family = self.venue_family(family.id + "W") or self.venue_family(family.id + "workshop")
            if family is None:
                return venue(f"{self.venue_family(rest).id if self.venue_family(rest) else rest} Workshop", "workshop")
        if family is None:
            if workshop:
                return venue(f"{' '.join(rest.split())} Workshop", "workshop")
            kinds = _name_kinds(text)  # an unknown venue's own words may say its kind: "Journal of Imaging"
            return venue(" ".join(rest.split()), kinds[0] if len(kinds) == 1 else "unknown")
        return venue(family.id, family.kind, family.name)

    def _named_in(self, text: str) -> VenueFamily | None:
        """The first known venue one word of text names ("ICBINB NeurIPS" -> NeurIPS)."""
        return next((family for word in text.split() if (family := self.venue_family(word))), None)

    def _misspelt_venue(self, name: str, readings: list[str]) -> VenueFamily | None:
        """The known venue a word of four or more letters misspells ("Arix", "Interspech"). Acronyms in
        capitals ("ICMV") are taken as other venues, never as misspellings. A name of several words is compared
        by edit distance (MISSPELT_NAME_SCORE), since Jaro-Winkler favours a shared beginning: "Transactions
        on Medical Imaging" would be read as "Transactions on Image Processing"."""
        key = alias_key(name)
        if len(key) < MIN_MISSPELT_LENGTH or not key.isalpha() or name.replace(" ", "").isupper():
            return None
        near_length = [alias for alias in self._venue_by_alias if abs(len(alias) - len(key)) <= 1]
        several_words = len(name.split()) > 1
        found = process.extractOne(key, near_length,
                                   scorer=fuzz.ratio if several_words else JaroWinkler.normalized_similarity,
                                   score_cutoff=MISSPELT_NAME_SCORE if several_words else MISSPELT_VENUE_SCORE)
        if found is None:
            return None
        family = self._venue_by_alias[found[0]]
        readings.append(f"read {name!r} as {family.id}")
        return family

    # -- concepts ---------------------------------------------------------------------------

    @cached_property
    def _concept_matcher(self) -> TermMatcher:
        return TermMatcher(
            {term: c.id for c in self.concepts.values() for term in (c.id, c.label, *c.alt_labels)}
        )

    @cached_property
    def _query_concept_matcher(self) -> TermMatcher:
        return TermMatcher({term: c.id for c in self.concepts.values()
                            for term in (c.id, c.label, *c.alt_labels, *c.hidden_labels)})

    @cached_property
    def one_word_concepts(self) -> dict[str, str]:
        """Each one-word label or alternative label, normalised ("difusion" is compared with these) -> the
        concept it names."""
        return {normalise_text(term): c.id for c in self.concepts.values() for term in (c.label, *c.alt_labels)
                if normalise_text(term) and " " not in normalise_text(term)}

    def find_concepts(self, text: str, *, in_query: bool = False) -> list[tuple[str, str]]:
        """(concept id, matched words) for each concept mention in text; in a search query (in_query),
        hidden labels name concepts too."""
        return (self._query_concept_matcher if in_query else self._concept_matcher).find(text)

    def concepts_in(self, text: str, *, strong_only: bool = False) -> list[str]:
        """Distinct concept ids mentioned in text; strong_only skips concepts marked weak."""
        ids = self._concept_matcher.ids(text)
        return [i for i in ids if not (strong_only and self.concepts[i].weak)]

    def narrower(self, concept_id: str) -> set[str]:
        """The concept and every concept below it (a facet on "3d" includes "nerf")."""
        found = {concept_id}
        changed = True
        while changed:
            below = {c.id for c in self.concepts.values() if c.broader in found}
            changed = not below <= found
            found |= below
        return found

    def concept_label(self, concept_id: str) -> str:
        """The preferred label of a concept ("nerf" -> "NeRF"), or the id itself when it is not in the vocabulary."""
        concept = self.concepts.get(concept_id)
        return concept.label if concept else concept_id

    def concept_id(self, text: str) -> str | None:
        """The concept a user's word names ("NeRF", "one shot", "oneshot"), if any."""
        key = normalise_text(text)
        for concept in self.concepts.values():
            if key in {normalise_text(t) for t in (concept.id, concept.label, *concept.alt_labels)}:
                return concept.id
        return None

    # -- datasets ---------------------------------------------------------------------------

    @cached_property
    def _dataset_matcher(self) -> TermMatcher:
        return TermMatcher({alias: d.id for d in self.datasets.values() for alias in (d.label, *d.aliases)})

    def datasets_in(self, text: str) -> list[str]:
        """Distinct known dataset ids mentioned in text, by any alias."""
        return self._dataset_matcher.ids(text)

    def dataset_id(self, name: str) -> str:
        """The canonical id for a dataset name: a known alias's id, else a slug of the name."""
        key = normalise_text(name)
        for ident in self._dataset_matcher.ids(name):
            dataset = self.datasets[ident]
            if key in {normalise_text(a) for a in (dataset.label, *dataset.aliases)}:
                return ident
        return slugify(name)

    def dataset_label(self, dataset_id: str, fallback: str) -> str:
        known = self.datasets.get(dataset_id)
        return known.label if known else fallback

