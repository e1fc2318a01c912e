"""The records that flow between tfkg's stages.

list -> `ParsedList` (entries, dataset and metric entries, as the list wrote them, each with file and
line) -> `Paper` (one work, possibly listed several times) -> graph -> index, reports and exports.

Every record is a frozen dataclass with plain JSON-able fields, so each stage's artifact is
`dataclasses.asdict` of it and `from_dict` reads it back (see `kg/core/store.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal, TypeVar

LinkKind = Literal[
    "arxiv", "cvf", "ieee", "acm", "openreview", "publisher", "github", "gitlab", "huggingface", "code", "project",
    "other"
]
"""What a URL points to. Hosts decide most kinds ("publisher": another publisher or proceedings site such
as Springer, AAAI, NeurIPS, ACL Anthology; "code": another code host such as Bitbucket, Codeberg, Gitee or
an anonymised repository); "project" is an unknown host in a project column."""

LinkColumn = Literal["title", "paper", "code", "project", "links", "dataset", "other"]
"""Which column (or bullet part) of a row a link was written in."""

VenueKind = Literal["conference", "workshop", "journal", "preprint", "book", "unknown"]

EntryFlag = Literal["malformed_markdown", "placeholder", "missing_title", "unknown_venue", "extra_cells"]
"""Problems the parser saw in a row. A flagged row is still parsed as far as possible, never dropped."""

SOURCE_HOSTS: frozenset[str] = frozenset({"github", "gitlab", "code"})
"""Link kinds of hosts of source code repositories."""
CODE_HOSTS: frozenset[str] = SOURCE_HOSTS | {"huggingface"}
"""Link kinds whose repositories are a paper's code: source hosts, and Hugging Face's models and spaces."""
PAPER_KINDS: frozenset[str] = frozenset({"arxiv", "cvf", "ieee", "acm", "openreview", "publisher"})
"""Link kinds that point to a paper, whatever the label or column says."""
PAPER_COLUMNS: frozenset[str] = frozenset({"title", "paper", "links"})
"""The columns whose arXiv link is the row's own paper."""


@dataclass(frozen=True)
class Ref:
    """Where a row stands: its list's file and 1-based line, written "file:line" (how reports name it,
    and how papers record their rows)."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"

    @classmethod
    def parse(cls, text: str) -> Ref:
        """A "file:line" string read back; a ValueError when it does not end in a line number."""
        file, _, line = str(text).rpartition(":")
        if not line.isdigit():
            raise ValueError(f"{text!r} is not file:line")
        return cls(file, int(line))


@dataclass(frozen=True)
class Link:
    """One URL found in a row.

    url: as written (stripped); label: the link text ("paper", "code"...) or "" for a bare URL;
    column: where it was written; kind: what it points to; arxiv_id: the arXiv id without version,
    when kind is "arxiv".
    """

    url: str
    label: str
    column: LinkColumn
    kind: LinkKind
    arxiv_id: str | None = None


def code_links_of(links: tuple[Link, ...]) -> tuple[Link, ...]:
    """Links to code: the code column, plus code hosts written in a mixed "links" column or as the title, and
    a repository itself whatever its label says ("[website](https://github.com/QData/TextAttack)"; not a file
    kept in one, "[Slides](https://github.com/o/r/blob/main/talk.pdf)")."""
    return tuple(
        link for link in links
        if link.column == "code" or (link.column in ("links", "title") and link.kind in CODE_HOSTS)
        or (link.column == "project" and _repository_itself(link))
    )


def _repository_itself(link: Link) -> bool:
    """Whether a link is to a source repository's front page (owner/name, or a folder of it: `/tree/`, GitLab's
    `/-/tree/`), not to a file kept in it."""
    segments = _path_segments(link.url)[1:]
    return link.kind in SOURCE_HOSTS and (len(segments) == 2 or (len(segments) > 2 and segments[2] in ("tree", "-")))


def _path_segments(url: str) -> list[str]:
    """A URL's host and path segments, lowercase, without scheme, "www.", query or fragment."""
    path = url.lower().split("://", 1)[-1].removeprefix("www.").split("?")[0].split("#")[0]
    return [s for s in path.split("/") if s]


@dataclass(frozen=True)
class CodeRepo:
    """A code repository: id is host and path, lowercase ("github.com/winfredy/sadtalker")."""

    id: str
    url: str
    host: LinkKind

    @classmethod
    def from_link(cls, link: Link) -> CodeRepo | None:
        """The repository a code link points to, or None when it is not on a code host."""
        if link.kind not in CODE_HOSTS:
            return None
        segments = _path_segments(link.url)
        # host/owner/repo; huggingface.co/spaces/owner/name for a space
        depth = 4 if link.kind == "huggingface" and segments[1:2] == ["spaces"] else 3
        ident = "/".join(segments[:depth]).removesuffix(".git")
        return cls(id=ident, url=link.url, host=link.kind)


@dataclass(frozen=True)
class Venue:
    """A normalised venue cell: "CVPR2023" -> family "CVPR", year 2023, kind "conference".

    raw: the cell as written; family: the vocabulary key (`data/venues.toml`), or the raw text when
    unknown, or None when the cell names no venue; name: the family's full name when known;
    decoration: what decorated the venue ("Oral", "Highlight", the part of it in brackets: "PBVS") or what
    kept the cell from naming one ("under review ICLR"); readings: how an unsure reading was made ("read
    'Arix' as arXiv"), one per misspelt name or year, for the reader's warnings and the venue_typo defect;
    () when none was made.
    """

    raw: str
    family: str | None
    year: int | None
    kind: VenueKind
    name: str | None = None
    decoration: str | None = None
    readings: tuple[str, ...] = ()

    @property
    def note(self) -> str | None:
        """The decoration, then the readings, in words for people ("Oral; read 'Arix' as arXiv")."""
        return "; ".join(filter(None, (self.decoration, *self.readings))) or None

    @property
    def known_and_dated(self) -> bool:
        """Whether the vocabulary knows this venue as written (no misspelling read) and it gives a year:
        "AAAI'24", "CVPR 2023", not "Mystery Venue 2021" nor "NeuRIPS 2023"."""
        return self.name is not None and self.year is not None and not self.readings

    @property
    def label(self) -> str:
        """Human form: "CVPR 2023", "arXiv 2022", "2022", or "" when nothing is known."""
        return " ".join(str(part) for part in (self.family, self.year) if part)


@dataclass(frozen=True)
class Entry:
    """One paper row of a list (a table row or a bullet item), as written.

    file: the list's path as given; line: 1-based line of the row; section: the nearest heading;
    headings: all enclosing headings, outermost first; raw: the row's source text.
    title: the title cell with markdown removed; venue: the normalised venue cell;
    year: the venue's year, else a year column, else a year heading; links: every URL in the row;
    keywords / datasets: the raw items of those columns; category: a non-year heading that carries a
    topic ("Audio-driven"), if any; flags: parser problems with this row.
    """

    file: str
    line: int
    section: str
    headings: tuple[str, ...]
    raw: str
    title: str
    venue: Venue
    year: int | None
    links: tuple[Link, ...]
    keywords: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    category: str | None = None
    flags: tuple[EntryFlag, ...] = ()

    @property
    def ref(self) -> str:
        """"file:line", how reports name an entry."""
        return str(Ref(self.file, self.line))

    @property
    def arxiv_id(self) -> str | None:
        """The arXiv id of the row's paper: of an arXiv link written as the title, in the paper column or in
        a mixed links column. One in a code, project or dataset column is another paper's (a dataset's
        paper, the code's origin) and never identifies this row."""
        return next((link.arxiv_id for link in self.links if link.arxiv_id and link.column in PAPER_COLUMNS), None)

    def links_in(self, *columns: LinkColumn) -> tuple[Link, ...]:
        """The row's links written in the given columns."""
        return tuple(link for link in self.links if link.column in columns)

    @property
    def code_links(self) -> tuple[Link, ...]:
        return code_links_of(self.links)


@dataclass(frozen=True)
class DatasetEntry:
    """One item of a list's datasets section: "HDTF 2020 [project page](url)"."""

    file: str
    line: int
    section: str
    raw: str
    name: str
    year: int | None
    links: tuple[Link, ...]
    flags: tuple[EntryFlag, ...] = ()

    @property
    def ref(self) -> str:
        return str(Ref(self.file, self.line))


@dataclass(frozen=True)
class MetricEntry:
    """One row of a list's metrics table: abbreviation, full name, and the reference that defines it."""

    file: str
    line: int
    section: str
    raw: str
    abbreviation: str
    name: str
    reference: str
    links: tuple[Link, ...]

    @property
    def ref(self) -> str:
        return str(Ref(self.file, self.line))


@dataclass(frozen=True)
class Section:
    """A heading of the list and what the parser found under it."""

    title: str
    line: int
    level: int
    kind: Literal["papers", "datasets", "metrics", "other"]
    entries: int


@dataclass(frozen=True)
class ParseWarning:
    """Something in the list the parser could not fully make sense of."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class ParsedList:
    """Everything read from one list file. sha256 is of the file's bytes."""

    file: str
    sha256: str
    entries: tuple[Entry, ...]
    datasets: tuple[DatasetEntry, ...]
    metrics: tuple[MetricEntry, ...]
    sections: tuple[Section, ...]
    warnings: tuple[ParseWarning, ...]


@dataclass(frozen=True)
class ConceptAssignment:
    """A paper is about a concept; source says why: "keywords" (the list's keywords column),
    "title", "section" (a category heading). Abstracts are not read for concepts (ingest/enrich.py)."""

    concept: str
    source: str


@dataclass(frozen=True)
class DatasetMention:
    """A paper uses or introduces a dataset; source: "dataset_column", "title", "abstract",
    "shared_link" (the paper's code or project link is the dataset's page: it introduces it)."""

    dataset: str
    source: str


@dataclass(frozen=True)
class Author:
    """A person who wrote a paper; id is Semantic Scholar's author id when known, else a name slug."""

    id: str
    name: str


@dataclass(frozen=True)
class Paper:
    """One work, with every list entry that describes it.

    id: the stable id: the arXiv id where known, else a slug of the normalised title.
    entries: "file:line" of each entry mapped to this paper, first one first.
    title/venue/year: taken from the entry judged most authoritative (peer-reviewed over preprint).
    links: every link of every entry, deduplicated by URL.
    topics: the topic headings its entries are listed under (Entry.category, "Segmentation"), as written.
    Enrichment fields (abstract ... external_ids, cites) stay empty until enrichment fills them;
    sources maps each filled field name to where it came from ("list", "arxiv", "arxiv-snapshot",
    "semanticscholar"). cites: ids of the listed papers this paper cites (Semantic Scholar references).
    """

    id: str
    title: str
    venue: Venue
    year: int | None
    entries: tuple[str, ...]
    links: tuple[Link, ...]
    arxiv_id: str | None = None
    concepts: tuple[ConceptAssignment, ...] = ()
    datasets: tuple[DatasetMention, ...] = ()
    abstract: str | None = None
    authors: tuple[Author, ...] = ()
    published: str | None = None
    categories: tuple[str, ...] = ()
    doi: str | None = None
    s2_id: str | None = None
    citation_count: int | None = None
    tldr: str | None = None
    pdf_url: str | None = None
    external_ids: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    cites: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()

    @property
    def code_links(self) -> tuple[Link, ...]:
        return code_links_of(self.links)

    @property
    def code_repos(self) -> tuple[CodeRepo, ...]:
        """The code repositories the paper's entries link (code hosts only, one per repository)."""
        repos = {repo.id: repo for repo in map(CodeRepo.from_link, self.code_links) if repo}
        return tuple(repos.values())

    @property
    def has_code(self) -> bool:
        """True when some entry links a code host (GitHub, GitLab, a Hugging Face space)."""
        return bool(self.code_repos)

    @property
    def concept_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.concept for a in self.concepts))

    @property
    def dataset_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.dataset for m in self.datasets))


@dataclass(frozen=True)
class Dataset:
    """A dataset entity: from the datasets section (entries) and/or mentioned by papers."""

    id: str
    label: str
    year: int | None
    links: tuple[Link, ...]
    entries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Metric:
    """An evaluation metric from the metrics table; defined_in is the id of the listed paper its
    reference names, if any."""

    id: str
    abbreviation: str
    name: str
    reference: str
    links: tuple[Link, ...]
    entries: tuple[str, ...] = ()
    defined_in: str | None = None


@dataclass(frozen=True)
class Concept:
    """A keyword concept from `data/concepts.toml` (a SKOS concept). hidden_labels name it only in a
    search query (skos:hiddenLabel): plain words a newcomer types for it ("a single photo" for one-shot),
    too loose to tag a paper by. kind_of_work: a kind of work (a survey) rather than a topic."""

    id: str
    label: str
    alt_labels: tuple[str, ...] = ()
    broader: str | None = None
    weak: bool = False
    hidden_labels: tuple[str, ...] = ()
    kind_of_work: bool = False


@dataclass(frozen=True)
class VenueFamily:
    """A venue family from `data/venues.toml`."""

    id: str
    name: str
    kind: VenueKind
    aliases: tuple[str, ...] = ()


T = TypeVar("T")


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a record (and the records nested in it) from `dataclasses.asdict` output."""
    nested: dict[str, Any] = {
        "venue": Venue,
        "links": Link,
        "concepts": ConceptAssignment,
        "datasets": DatasetMention if cls is Paper else None,
        "authors": Author,
    }
    kwargs: dict[str, Any] = {}
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    for key, value in data.items():
        if key not in names:
            continue  # written by a newer tfkg; ignoring keeps old readers working
        inner = nested.get(key)
        if key == "venue" and isinstance(value, dict):
            value = from_dict(Venue, value)
        elif inner is not None and isinstance(value, list):
            value = tuple(inner(**item) if isinstance(item, dict) else item for item in value)
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[key] = value
    return cls(**kwargs)
