"""What a list's heading says about the rows under it: which year they are from, and whether they are
papers, datasets, metrics or something else (tools, news, contents, contributors).

Pure functions of the heading's text; the rules are about words, never about one list.
"""

from __future__ import annotations

import re
from typing import Literal

from kg.core.vocab import YEAR

SectionKind = Literal["papers", "datasets", "metrics", "other"]

# A heading made only of these words (and filler) holds no papers: "Tools & Libraries", "News 🔥",
# "Table of Contents", "Star History", "How to Contribute", "Other Awesome Lists".
NON_PAPER_WORDS = frozenset({
    "content", "contents", "toc", "table", "index", "contributing", "contribute", "contribution",
    "contributions", "contributor", "contributors", "license", "licence", "citation", "citations", "cite",
    "citing", "bibtex", "acknowledgement", "acknowledgements", "acknowledgment", "acknowledgments",
    "acknowledge", "thanks", "star", "stars", "history", "stargazers", "contact", "todo", "todos", "tool",
    "tools", "toolkit", "toolkits", "toolbox", "toolboxes", "library", "libraries", "software", "slides",
    "slide", "reference", "references", "news", "update", "updates", "changelog", "talk", "talks", "tutorial",
    "tutorials", "course", "courses", "lecture", "lectures", "blog", "blogs", "podcast", "podcasts", "workshop",
    "workshops", "challenge", "challenges", "competition", "competitions", "community", "related", "awesome",
    "list", "lists", "repo", "repos", "repositories", "repository", "links", "link", "useful", "sponsor",
    "sponsors", "follow", "disclaimer", "faq", "usage", "install", "installation", "roadmap",
    "code", "codes", "implementation", "implementations", "plan", "plans", "criteria", "guidelines",
    "announcement", "announcements", "people", "group", "groups", "lab", "labs", "resource", "resources",
    "framework", "frameworks", "platform", "platforms", "doc", "docs", "documentation",
    "post", "posts", "book", "books", "textbook", "textbooks",
})
# Non-paper words that name what a heading holds when they end its noun phrase ("Time-series Analysis
# Toolkits", "Federated Learning Framework", "Team and People"); unlike "table" or "history" in "Year-first
# Table" or "History of X", which describe a layout or a topic.
KIND_NOUNS = frozenset({
    "tool", "tools", "toolkit", "toolkits", "toolbox", "toolboxes", "library", "libraries", "software",
    "framework", "frameworks", "platform", "platforms", "resource", "resources", "implementation",
    "implementations", "tutorial", "tutorials", "course", "courses", "lecture", "lectures", "talk", "talks",
    "blog", "blogs", "post", "posts", "news", "update", "updates", "people", "lab", "labs", "contributors",
    "podcast", "podcasts", "slides", "docs", "documentation", "leaderboard", "leaderboards", "materials",
    "book", "books", "textbook", "textbooks",
})
FILLER_WORDS = frozenset({
    "and", "or", "of", "the", "a", "an", "to", "for", "other", "more", "some", "how", "see", "also", "our",
    "we", "latest", "recent",
})
NAVIGATION_WORDS = frozenset({"content", "contents", "toc", "table", "index", "overview"})
SOFTWARE_WORDS = frozenset({
    "sw", "software", "hw", "hardware", "tool", "tools", "toolkit", "toolkits", "toolbox", "toolboxes", "library",
    "libraries", "framework", "frameworks", "platform", "platforms",
})
DATASET_WORDS = frozenset({
    "dataset", "datasets", "database", "databases", "corpus", "corpora",
})
PAPER_WORDS = frozenset({
    "paper", "papers", "survey", "surveys", "review", "reviews", "method", "methods", "work", "works",
    "approach", "approaches", "publication", "publications", "article", "articles", "model", "models",
})
TOPIC_WORDS = frozenset({"on", "for", "with", "from", "over", "in", "of"})
METRIC_WORDS = frozenset({
    "metric", "metrics", "measure", "measures",
})
# A year heading names one year; these words make it a range ("Before 2020", "2019 and earlier").
RANGE_WORDS = frozenset({
    "before", "after", "earlier", "older", "prior", "pre", "since", "until", "till", "previous", "past",
    "beyond", "later", "below", "above", "early", "and", "or", "to", "onwards",
})
PSEUDO_HEADING_LEVEL = 7
"""The level of bold text used as a heading ("**2.1 Fundamental Papers**"): below every real heading level."""
MAX_YEAR_HEADING_WORDS = 4


def heading_words(title: str) -> list[str]:
    """Lowercase words of a heading, without emoji and punctuation."""
    return re.findall(r"[a-z0-9]+", title.lower())


def heading_year(title: str) -> int | None:
    """The one year a heading stands for ("2023", "### 2021 papers", "Year 2020"), or None when it names
    none, several, or a range ("Before 2020", "2019-2021", "Pre-2018")."""
    years = YEAR.findall(title)
    if len(years) != 1 or re.search(r"[<>≤≥~]|\d\s*[-–—+]\s*(?:\d|$)", title):
        return None
    words = heading_words(title)
    if len(words) > MAX_YEAR_HEADING_WORDS or any(word in RANGE_WORDS for word in words):
        return None
    return int(years[0])


def section_kind(title: str) -> SectionKind:
    """What the rows under a heading are: datasets, metrics, other (not papers) or papers."""
    return named_section_kind(title) or "papers"


def named_section_kind(title: str) -> SectionKind | None:
    """The kind of rows a heading names, or None when it names none: a topic ("Face Reenactment") leaves
    its rows the kind of the heading above it ("Datasets > Talking heads" holds datasets)."""
    words = heading_words(title)
    if "without" in words:  # "Code without articles": what follows is what the rows lack
        words = words[: words.index("without")]
        title = " ".join(words)
    # "Instruction data" lists data; "FL on Tabular Data" is a topic: learning on that data
    if _names_data(title) or (words[-1:] == ["data"] and not TOPIC_WORDS & set(words)):
        return "datasets"
    if any(word in METRIC_WORDS for word in words):
        return "metrics"
    content = [word for word in words if word not in FILLER_WORDS and not word.isdigit()]
    if content and all(word in NON_PAPER_WORDS for word in content):
        return "other"
    if any(word in PAPER_WORDS for word in words):
        return "papers"
    # the noun a heading is about comes last, before any "of"/"for" phrase: "Time-series Analysis Toolkits"
    bare = heading_words(re.sub(r"\([^()]*\)", " ", title))  # "Private Graph Networks (todo)": a note
    head = next((word for word in reversed(_before_topic(bare)) if word not in FILLER_WORDS and not word.isdigit()),
                None)
    return "other" if head in KIND_NOUNS else None


def is_navigation(title: str) -> bool:
    """Whether a heading names the list's table of contents ("Contents", "Table of Contents"): it holds
    links to the sections, not the sections written below it at deeper levels."""
    content = [word for word in heading_words(title) if word not in FILLER_WORDS]
    return bool(content) and all(word in NAVIGATION_WORDS for word in content)


def _names_data(title: str) -> bool:
    """Whether a heading names data sets as a noun ("Datasets", "Datasets & Benchmarks", "Video Datasets
    for ..."), not as a modifier of another noun ("Distilled Dataset Parametrization"): a data set word
    that ends a phrase (at a comma, "&" or the end) or comes before "and", "for", "of"..."""
    for phrase in re.split(r"[,&/|;:()]", title):
        words = heading_words(phrase)
        if any(word in DATASET_WORDS and (index + 1 == len(words) or words[index + 1] in FILLER_WORDS | TOPIC_WORDS)
               for index, word in enumerate(words)):
            return True
    return False


def names_software_beside_data(title: str) -> bool:
    """Whether a heading of data sets also names software or hardware ("HW / SW / Dataset", "Tools and
    Datasets"): its rows may be reports on software as well as data sets."""
    return _names_data(title) and bool(set(heading_words(title)) & SOFTWARE_WORDS)


def _before_topic(words: list[str]) -> list[str]:
    """The words before the first that opens a topic phrase ("Tools for Face Reenactment" -> ["tools"])."""
    cut = next((i for i, word in enumerate(words) if word in TOPIC_WORDS), len(words))
    return words[:cut]


def names_papers(title: str) -> bool:
    """Whether a heading names papers among its rows ("Datasets, Benchmarks & Surveys")."""
    return any(word in PAPER_WORDS for word in heading_words(title))
