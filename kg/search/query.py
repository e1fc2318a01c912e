"""Query understanding: which concepts, venues, years and datasets a search query names.

Reads: the query text and the vocabulary. Writes nothing. "one shot", "oneshot" and "One-Shot" all
name the concept one-shot; "CVPR 2023", "cvpr2023" and "CVPR'23" name a venue and a year; "2020-2022"
a year range, "since 2021" or "before 2020" an open one; "HDTF" a dataset; "journal papers" or
"preprints" a kind of venue; "with code" or "open source" papers with code; "recent" the newest years
of the build. These become soft constraints: they boost and explain results, while explicit filters
(kg/search/facets.py) are the hard ones. The words that name a venue, year, kind of venue or code are
removed from the text that dense and BM25 retrieval see, since paper texts do not say them. A misspelt
word is read as the list's word it stands for, when the searcher gives a speller ("radience").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass

from ingest.lexical import words as content_words
from kg.core.vocab import Vocabulary, alias_key, normalise_text

MAX_QUERY_CHARS = 500
"""Longer queries are cut here (at a word boundary): the model reads at most 256 word pieces anyway."""

YEAR_WORD = r"(?:19[5-9]\d|20\d\d)"
YEAR_SPAN = re.compile(rf"(?<![\w'])({YEAR_WORD})(?:\s*(?:-|–|to|\.\.)\s*({YEAR_WORD}))?(?!\w)")
GLUED_YEAR = re.compile(rf"(?<=[a-z])(?:({YEAR_WORD})|'(\d\d))$", re.IGNORECASE)
FULL_YEAR = re.compile(rf"({YEAR_WORD})|'(\d\d)")
NEGATION = r"(?:not|no|without|except|excluding|instead\s+of|rather\s+than|other\s+than)"
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999
"""The ends of an open year range: "since 2021" is (2021, LATEST_YEAR)."""
SINCE_YEAR = re.compile(rf"(?<!\w)(?:(since|after|newer\s+than|later\s+than)\s+({YEAR_WORD})|from\s+({YEAR_WORD})"
                        rf"\s+on(?:wards?)?|({YEAR_WORD})(?:\s+(?:and|or)\s+(?:later|newer|after)|\s+onwards?|\+))"
                        r"(?![\w+])", re.IGNORECASE)
"""An open range of years from one on: "since 2021", "after 2020" (from 2021), "from 2021 on", "2021+"
("from 2021" alone is that year)."""
UNTIL_YEAR = re.compile(rf"(?<!\w)(?:(before|until|till|up\s+to|through|prior\s+to|older\s+than|earlier\s+than)"
                        rf"\s+({YEAR_WORD})|({YEAR_WORD})\s+(?:and|or)\s+(?:earlier|older|before))(?!\w)",
                        re.IGNORECASE)
EXCLUSIVE_YEAR_WORDS = ("after", "newer", "later", "before", "prior", "older", "earlier")
VENUE_KIND_WORDS = (
    ("journal", re.compile(r"(?<![\w-])journals?(?:\s+(?:papers?|articles?|versions?|publications?))?(?![\w-])",
                           re.IGNORECASE)),
    ("workshop", re.compile(r"(?<![\w-])workshops?(?:\s+(?:papers?|versions?|publications?))?(?![\w-])",
                            re.IGNORECASE)),
    ("preprint", re.compile(r"(?<![\w-])(?:preprints?|unpublished)(?![\w-])", re.IGNORECASE)),
    # "video conferencing" is a topic of its own: the kind needs "conference papers" or "at a conference"
    ("conference", re.compile(r"(?<![\w-])(?:conference\s+(?:papers?|publications?|proceedings|versions?)|"
                              r"(?:at|in)\s+(?:an?\s+|top\s+|major\s+)*conferences?)(?![\w-])", re.IGNORECASE)),
)
"""The words naming a kind of venue (kg/core/model.py Venue.kind) in a query."""
CODE_WORDS = re.compile(
    r"(?<![\w-])(?:(?P<without>without|with\s+no|no|lacking)\s+(?:public\s+|released\s+|available\s+|source\s+)?"
    r"(?:code|implementations?)|with\s+(?:public\s+|released\s+|available\s+|official\s+|source\s+)?"
    r"(?:code|implementations?)|(?:has|having)\s+code|(?:public|released|official|source)\s+code|"
    r"code\s+(?:available|released|is\s+available|on\s+github)|open[\s-]?source(?:d)?(?:\s+code)?|"
    r"on\s+github|github)(?![\w-])", re.IGNORECASE)
"""Words asking for papers with code ("with code", "open source", "on GitHub"), or without it ("without
code"). "code" alone is not enough: a "latent code" is a topic of this field."""
RECENT_WORDS = re.compile(r"(?<![\w-])(?:most\s+)?(?:recent|latest|newest)(?![\w-])", re.IGNORECASE)
KEYWORDS_SHARE = 0.75
"""Share of a query's content words that its concept words must make up for it to be a query of keywords
("nerf lip sync", "one-shot diffusion emotion") rather than a sentence that names a concept in passing
(measured on the judged dev queries: docs/search.md)."""
SUBJECT_SHARE = 0.3
"""Share of a list's papers from which a word is the subject of the whole list ("talking", "head" in a list
of talking-head papers): such a word names nothing to tell papers apart, so it does not count against a
query of keywords ("talking head realtime" asks for real-time). Measured on the dev queries of the bundled
list and of gen3d (0.5, 0.3 and 0.2 tried): docs/search.md."""


@dataclass(frozen=True)
class ConceptMention:
    """A concept the query names, and the query words that named it."""

    id: str
    label: str
    words: str


@dataclass(frozen=True)
class QueryIntent:
    """What a query asks for.

    raw: the query as given (control characters removed, cut to MAX_QUERY_CHARS); text: what dense and
    lexical retrieval see (raw without the words naming a venue, year, kind of venue or code, and
    without what it excludes); concepts/venues/datasets/venue_kinds: what it names;
    years: a year or a range it names, as (first, last), open ends EARLIEST_YEAR and LATEST_YEAR;
    has_code: True for "with code", False for "without code"; recent: whether it asks for the newest
    papers (the searcher turns that into years, as it knows the build); work_kinds: the concepts among
    `concepts` that are kinds of work (`kind_of_work` in concepts.toml) named by a label, not a hidden one
    ("surveys", not "evaluation metrics"): the query asks for works of that kind; subject_words: its words
    that are the subject of the whole list (SUBJECT_SHARE); notes: what was changed in the query, for the
    user.
    """

    raw: str
    text: str
    concepts: tuple[ConceptMention, ...] = ()
    venues: tuple[str, ...] = ()
    years: tuple[int, int] | None = None
    datasets: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    venue_kinds: tuple[str, ...] = ()
    has_code: bool | None = None
    recent: bool = False
    work_kinds: tuple[str, ...] = ()
    subject_words: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.raw

    @property
    def constraints(self) -> tuple[str, ...]:
        """The soft constraints as the `matched` explanation names them: concept labels, venues, the
        year (or range) and dataset ids."""
        years = (year_label(self.years),) if self.years else ()
        code = () if self.has_code is None else ("code" if self.has_code else "no code",)
        return (*(c.label for c in self.concepts), *self.venues, *years, *self.datasets, *self.venue_kinds, *code)

    @property
    def read_as(self) -> str:
        """The soft constraints, each concept with the query words that named it when they are not its
        label, for people: 'one-shot ("single photo"), 2021 or later, code'."""
        concepts = [c.label if normalise_text(c.words) == normalise_text(c.label) else f'{c.label} ("{c.words}")'
                    for c in self.concepts]
        return ", ".join([*concepts, *self.constraints[len(self.concepts):]])

    @property
    def constraint_is_concept(self) -> tuple[bool, ...]:
        """For each of `constraints`: whether it is a concept (rather than a venue, year or dataset)."""
        return (True,) * len(self.concepts) + (False,) * (len(self.constraints) - len(self.concepts))

    @property
    def is_keywords(self) -> bool:
        """Whether the query is made of the concepts it names: their words are at least KEYWORDS_SHARE of
        its content words (stop words, question words and the list's subject words aside)."""
        content = [word for word in content_words(self.text) if word not in self.subject_words]
        named = {word for concept in self.concepts for word in content_words(concept.words)}
        return bool(self.concepts) and sum(word in named for word in content) >= KEYWORDS_SHARE * len(content)


def year_label(years: tuple[int, int]) -> str:
    """How a year constraint is named: "2021", "2020-2022", "2021 or later", "2019 or earlier"."""
    first, last = years
    if last >= LATEST_YEAR:
        return f"{first} or later"
    if first <= EARLIEST_YEAR:
        return f"{last} or earlier"
    return str(first) if first == last else f"{first}-{last}"


def clean_query(query: str) -> tuple[str, tuple[str, ...]]:
    """The query without control characters and extra spaces, cut to MAX_QUERY_CHARS; and notes."""
    notes = []
    cleaned = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in query)
    if cleaned != query:
        notes.append("control characters in the query were ignored")
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > MAX_QUERY_CHARS:
        cut = cleaned[:MAX_QUERY_CHARS].rsplit(" ", 1)[0] or cleaned[:MAX_QUERY_CHARS]
        notes.append(f"the query was cut from {len(cleaned)} to {len(cut)} characters")
        cleaned = cut
    return cleaned, tuple(notes)


def _year(match: re.Match[str]) -> int:
    return int(match.group(1)) if match.group(1) else 2000 + int(match.group(2))


def _venue_at(tokens: list[str], start: int, vocab: Vocabulary,
              list_venues: Mapping[str, str]) -> tuple[str, int, int | None] | None:
    """The venue family named by the tokens from start (up to 3 words, longest first), how many tokens
    it takes (with a year written after it: "CVPR 2023"), and that year or one glued to it ("cvpr2023").
    list_venues: venue names of the list that the vocabulary does not know, by alias_key.

    A short lowercase alias that is also an English word ("tip", "mm") counts only with a year."""
    for size in (3, 2, 1):
        if start + size > len(tokens):
            continue
        phrase = " ".join(tokens[start:start + size])
        glued = GLUED_YEAR.search(phrase)
        body = phrase[: glued.start()] if glued else phrase
        known = vocab.venue_family(body) if alias_key(body) else None
        family = known.id if known else list_venues.get(alias_key(body))
        if family is None:
            continue
        year = _year(glued) if glued else None
        taken = size
        following = FULL_YEAR.fullmatch(tokens[start + size]) if start + size < len(tokens) else None
        if year is None and following:
            year, taken = _year(following), size + 1
        if len(alias_key(body)) >= 4 or not body.islower() or year is not None:
            return family, taken, year
    return None


def understand(query: str, vocab: Vocabulary, is_known: Callable[[str], bool] = lambda word: False,
               list_venues: Mapping[str, str] | None = None,
               respell: Callable[[str], str | None] = lambda word: None,
               is_subject: Callable[[str], bool] = lambda word: False) -> QueryIntent:
    """Read the concepts, venues, years and datasets a query names (see the module docstring).

    is_known: whether a word occurs in the indexed texts; such a word is never taken as a misspelling.
    list_venues: the acronyms of venues the list names that the vocabulary does not know ("MICCAI"), by
    alias_key (`list_venue_acronyms`): a query names them too. respell: the list's word a misspelt
    word stands for ("radience" -> "radiance"; kg/search/spelling.py), or None. is_subject: whether a word
    is the subject of the whole list (SUBJECT_SHARE)."""
    raw, notes = clean_query(query)
    tokens = raw.split()
    venues: list[str] = []
    years: tuple[int, int] | None = None
    kept: list[str] = []
    index = 0
    while index < len(tokens):
        venue = _venue_at(tokens, index, vocab, list_venues or {})
        if venue is None:
            kept.append(tokens[index])
            index += 1
            continue
        family, taken, year = venue
        venues.append(family)
        if year is not None and years is None:
            years = (year, year)
        index += taken
    text, found_years = _years(" ".join(kept))
    years = years or found_years
    text, venue_kinds, has_code = _facet_words(text)
    text, negated = _drop_negated(text, vocab)
    notes += tuple(f"'{phrase}' was left out: tfkg does not search for what a query excludes" for phrase in negated)
    text, respelt = _respelt(text, vocab, is_known, respell)
    notes += tuple(f"read '{word}' as '{fixed}'" for word, fixed in respelt)
    concepts = _concepts(text, vocab)
    text, recent = _recency(text, concepts)
    datasets = tuple(vocab.datasets_in(text))
    return QueryIntent(raw, text, concepts, tuple(dict.fromkeys(venues)), years, datasets, notes,
                       venue_kinds, has_code, recent, _work_kinds(concepts, vocab),
                       tuple(word for word in dict.fromkeys(content_words(text)) if is_subject(word)))


def _work_kinds(concepts: tuple[ConceptMention, ...], vocab: Vocabulary) -> tuple[str, ...]:
    """The concepts named that are kinds of work, each named by its label or an alternative label (or
    their plural): a hidden label is too loose to ask for a kind of work ("evaluation metrics")."""
    kinds = []
    for mention in concepts:
        concept = vocab.concepts[mention.id]
        if not concept.kind_of_work:
            continue
        labels = {normalise_text(term) for term in (concept.label, *concept.alt_labels)}
        if _singular(normalise_text(mention.words), labels) is not None:
            kinds.append(concept.id)
    return tuple(kinds)


def list_venue_acronyms(families: Iterable[str], vocab: Vocabulary) -> dict[str, str]:
    """The venue families of a list that the vocabulary does not know and that are written as acronyms
    (one word of at least three characters, two or more of them capitals: "MICCAI", "MIDL"), by alias_key.
    Longer names ("Journal of Imaging") are left out: their words are ordinary query words."""
    return {alias_key(family): family for family in families
            if vocab.venue_family(family) is None and re.fullmatch(r"[A-Za-z][A-Za-z0-9&-]{2,}", family)
            and sum(char.isupper() for char in family) >= 2}


def _respelt(text: str, vocab: Vocabulary, is_known: Callable[[str], bool],
             respell: Callable[[str], str | None]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The text with its misspelt words corrected, and (word, correction) for each. A word of the indexed
    texts or one naming a concept, dataset or venue is never misspelt."""
    respelt: dict[str, str] = {}

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        if is_known(word) or vocab.find_concepts(word, in_query=True) or vocab.datasets_in(word) \
                or vocab.venue_family(word):
            return word
        fixed = respell(word)
        if fixed is None:
            return word
        respelt[word] = fixed
        return fixed

    return re.sub(r"(?<![\w-])[A-Za-z]+(?![\w-])", fix, text), tuple(respelt.items())


def _singular(words: str, known: Container[str]) -> str | None:
    """The known form of some words, as they are or with a plural's "es" or "s" dropped ("surveys")."""
    return next((form for form in (words, words.removesuffix("es"), words.removesuffix("s")) if form in known), None)


def _cut(text: str, match: re.Match[str]) -> str:
    return " ".join((text[: match.start()] + " " + text[match.end():]).split())


def _years(text: str) -> tuple[str, tuple[int, int] | None]:
    """The text without the words naming a year or a range, and that (first, last) range: "2021",
    "2020-2022", "2020 to 2022"; open ranges "since 2021", "2021 onwards", "after 2020" (from 2021),
    "before 2020" (to 2019), "until 2020"."""
    span = YEAR_SPAN.search(text)
    if span and span.group(2):
        first, last = int(span.group(1)), int(span.group(2))
        return _cut(text, span), (min(first, last), max(first, last))
    for pattern, is_since in ((SINCE_YEAR, True), (UNTIL_YEAR, False)):
        match = pattern.search(text)
        if match:
            word = (match.group(1) or "").lower()
            year = int(next(group for group in match.groups()[1:] if group))
            step = 1 if word.startswith(EXCLUSIVE_YEAR_WORDS) else 0
            return _cut(text, match), ((year + step, LATEST_YEAR) if is_since else (EARLIEST_YEAR, year - step))
    if span:
        return _cut(text, span), (int(span.group(1)), int(span.group(1)))
    return text, None


def _facet_words(text: str) -> tuple[str, tuple[str, ...], bool | None]:
    """The text without the words naming kinds of venue or code, and what they name: (text, venue kinds,
    has_code)."""
    kinds = []
    for kind, pattern in VENUE_KIND_WORDS:
        if match := pattern.search(text):
            kinds.append(kind)
            text = _cut(text, match)
    has_code = None
    if match := CODE_WORDS.search(text):
        has_code = not match.group("without")
        text = _cut(text, match)
    return text, tuple(kinds), has_code


def _recency(text: str, concepts: tuple[ConceptMention, ...]) -> tuple[str, bool]:
    """The text without a word asking for the newest papers ("recent", "latest"), and whether there was
    one; a word that is part of a concept's phrase ("recent advances" naming a survey) asks for nothing."""
    match = RECENT_WORDS.search(text)
    if match is None:
        return text, False
    named = {word for mention in concepts for word in normalise_text(mention.words).split()}
    if normalise_text(match.group(0)).split()[-1] in named:
        return text, False
    return _cut(text, match), True


def _drop_negated(text: str, vocab: Vocabulary) -> tuple[str, tuple[str, ...]]:
    """The text without what it excludes ("instead of audio", "without lip sync": a concept's words,
    else one word), and those phrases: what a query excludes must not boost the papers that have it."""
    spellings = [r"[\W_]*".join(re.escape(word) for word in words.split())
                 for _, words in vocab.find_concepts(text, in_query=True)]
    excluded = "|".join([*sorted(spellings, key=len, reverse=True), r"[\w'-]+"])
    dropped = []
    while match := re.search(rf"(?<!\w){NEGATION}\s+(?:(?:a|an|the|any)\s+)?(?:{excluded})(?![\w'-])", text,
                             re.IGNORECASE):
        dropped.append(match.group(0))
        text = _cut(text, match)
    return text, tuple(dropped)


def _concepts(text: str, vocab: Vocabulary) -> tuple[ConceptMention, ...]:
    """Concepts named exactly (any label, spelling variant or hidden label), then plurals of one-word
    labels ("surveys"). A misspelt label ("difusion") was respelt before (`_respelt`)."""
    found: dict[str, ConceptMention] = {}
    for concept_id, words in vocab.find_concepts(text, in_query=True):
        found.setdefault(concept_id, ConceptMention(concept_id, vocab.concept_label(concept_id), words))
    covered = {word for mention in found.values() for word in mention.words.split()}
    one_word = vocab.one_word_concepts
    for word in normalise_text(text).split():
        match = _singular(word, one_word) if word not in covered else None
        if match is not None and one_word[match] not in found:
            concept = vocab.concepts[one_word[match]]
            found[concept.id] = ConceptMention(concept.id, concept.label, word)
    return tuple(found.values())
