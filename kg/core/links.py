"""What a URL in a list points to: arXiv (with its id), CVF open access, IEEE, ACM, OpenReview,
a GitHub or GitLab repository, a Hugging Face space, another code host, a project page, or something else."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from kg.core.model import CODE_HOSTS, PAPER_KINDS, Link, LinkColumn, LinkKind

ARXIV_ID = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf|html|format)/|doi\.org/10\.48550/arxiv\.)"  # arXiv's own DOIs: 10.48550/arXiv.<id>
    r"(?P<id>\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?",
    re.IGNORECASE,
)
BARE_URL = re.compile(r"https?://[^\s<>\"'\]\[|`]+", re.IGNORECASE)

HOST_KINDS: tuple[tuple[str, LinkKind], ...] = (
    ("openaccess.thecvf.com", "cvf"),
    ("ieeexplore.ieee.org", "ieee"),
    ("dl.acm.org", "acm"),
    ("openreview.net", "openreview"),
    ("gitlab.com", "gitlab"),
    *((host, "code") for host in ("bitbucket.org", "codeberg.org", "gitee.com", "anonymous.4open.science",
                                  "gist.github.com")),
    ("huggingface.co", "huggingface"),
    *((host, "publisher") for host in (
        "link.springer.com", "ecva.net", "aaai.org", "ojs.aaai.org", "ijcai.org", "papers.nips.cc",
        "proceedings.neurips.cc", "proceedings.mlr.press", "aclanthology.org", "isca-speech.org",
        "sciencedirect.com", "onlinelibrary.wiley.com", "nature.com", "science.org", "bmva.org", "mdpi.com",
        "semanticscholar.org", "doi.org", "researchgate.net", "pubs.acs.org", "jmlr.org", "iopscience.iop.org",
        "diglib.eg.org", "dblp.org", "paperswithcode.com",
    )),
)
CVF_PROCEEDINGS = re.compile(
    r"/content[_/](?P<family>[A-Za-z]+?)_?(?P<year>(?:19|20)\d\d)(?P<workshop>W?)[/_]", re.IGNORECASE)
"""CVF's open-access addresses name the conference and year: content_CVPR_2019/, content/CVPR2021W/."""
HUGGING_FACE_PAGES = frozenset({"datasets", "papers", "docs", "blog", "learn", "collections", "models", "spaces",
                                "organizations", "settings", "tasks", "pricing"})
"""First path segments of Hugging Face pages that are no model repository."""


def arxiv_id(url: str) -> str | None:
    """The arXiv id in an abs/pdf/html URL, without its version: ".../pdf/2301.03786v2.pdf" -> "2301.03786"."""
    match = ARXIV_ID.search(url)
    return match.group("id") if match else None


def clean_url(url: str) -> str:
    """Strip what a sentence or broken markdown leaves around a URL: trailing punctuation and
    a closing parenthesis that has no opening one in the URL."""
    url = url.strip().strip("<>")
    while url and url[-1] in ".,;:)]}*" and not (url[-1] == ")" and url.count("(") >= url.count(")")):
        url = url[:-1]
    return url


def host_of(url: str) -> str:
    """A URL's host, lowercase and without "www."."""
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def classify(url: str, column: LinkColumn) -> LinkKind:
    """The kind of a URL; an unknown host counts as a project page when written in a project column."""
    parts = urlsplit(url)
    host = host_of(url)
    if arxiv_id(url):
        return "arxiv"
    for suffix, kind in HOST_KINDS:
        if host == suffix or host.endswith("." + suffix):
            if kind == "huggingface" and not _hugging_face_repository(parts.path):
                return "other"
            return kind
    segments = [s for s in parts.path.split("/") if s]
    if host == "github.com":
        return "github" if len(segments) >= 2 else "other"
    if host.startswith("gitlab.") and len(segments) >= 2:
        return "gitlab"  # a GitLab of its own: gitlab.inria.fr/owner/repo
    if host.endswith("github.io") or column == "project":
        return "project"
    return "other"


def _hugging_face_repository(path: str) -> bool:
    """Whether a Hugging Face path is a repository of code or weights: a space (/spaces/owner/name) or a
    model (/owner/name); not a dataset, a paper page, the docs or a blog."""
    segments = [s for s in path.split("/") if s]
    if segments[:1] == ["spaces"]:
        return len(segments) >= 3
    return len(segments) >= 2 and segments[0] not in HUGGING_FACE_PAGES


def make_link(url: str, label: str, column: LinkColumn) -> Link:
    """A classified Link from a URL as written."""
    url = clean_url(url)
    kind = classify(url, column)
    return Link(url=url, label=label.strip(), column=column, kind=kind, arxiv_id=arxiv_id(url))


def link_key(url: str) -> str:
    """A URL compared loosely: no scheme, no "www.", no trailing slash or ".git", lowercase."""
    key = url.lower().split("://", 1)[-1].removeprefix("www.").rstrip("/")
    return key.removesuffix(".git")


def is_pdf(url: str) -> bool:
    """Whether a URL is to a PDF, which in a list is a paper's, wherever it is kept."""
    return urlsplit(url).path.lower().endswith(".pdf")


def is_paper_link(link: Link) -> bool:
    """Whether a link points to a paper wherever it stands: arXiv, a paper host, or a PDF."""
    return link.kind in PAPER_KINDS or is_pdf(link.url)


def paper_links(links: list[Link]) -> list[Link]:
    """Links that point to a paper: arXiv, paper hosts and PDFs anywhere, anything but code in a paper
    column. (A link in a mixed "Links" column is no sign that a row is a paper: tools are linked so too.)"""
    return [link for link in links
            if is_paper_link(link) or (link.column in ("paper", "title") and link.kind not in CODE_HOSTS)]


def venue_of_link(link: Link) -> str:
    """The venue a paper link's address names ("CVPR 2019" for openaccess.thecvf.com/content_CVPR_2019/...),
    or "" when it names none."""
    match = CVF_PROCEEDINGS.search(link.url) if link.kind == "cvf" else None
    if not match:
        return ""
    name, year, workshop = match.groups()
    return f"{name.upper()}{'W' if workshop and not name.upper().endswith('W') else ''} {year}"
