"""Papers as a bibliography: BibTeX entries and CSV rows, what people paste into papers and spreadsheets.

Reads: Paper records (and the build's datasets and vocabulary for labels). Writes nothing: returns
text. Citation keys are made over all papers of a build, so a paper keeps its key in every slice.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

from kg.core.model import Paper
from kg.core.vocab import Vocabulary

BIBTEX_TYPES = {"conference": "inproceedings", "workshop": "inproceedings", "journal": "article", "book": "book"}
"""Entry type by venue kind; preprints and unknown venues are @misc."""
TITLE_STOPWORDS = frozenset({"a", "an", "the", "on", "of", "for", "to", "in", "with", "and", "towards", "toward"})
LATEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
    "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
CSV_COLUMNS = ("id", "iri", "title", "year", "venue", "venue_kind", "arxiv_id", "doi", "url", "code",
               "keywords", "datasets", "authors", "entries")


def latex_escape(text: str) -> str:
    """Text with LaTeX's special characters escaped, so BibTeX and LaTeX read it as written."""
    return "".join(LATEX_SPECIALS.get(char, char) for char in " ".join(text.split()))


def _key_word(text: str) -> str:
    """The first word of a title that is not a stopword, letters and digits only ("One-Shot" -> "oneshot")."""
    words = [re.sub(r"[^a-z0-9]", "", word) for word in text.lower().split()]
    return next((word for word in words if word and word not in TITLE_STOPWORDS), "")


def citation_keys(papers: Iterable[Paper]) -> dict[str, str]:
    """A BibTeX key per paper id, "<first author's surname><year><first title word>" ("zhang2023sadtalker"),
    without the surname before enrichment; repeated keys get "b", "c"... in the order of the papers."""
    keys: dict[str, str] = {}
    used: set[str] = set()
    for paper in papers:
        surname = _key_word(paper.authors[0].name.split()[-1]) if paper.authors else ""
        stem = f"{surname}{paper.year or ''}{_key_word(paper.title)}" or re.sub(r"[^a-z0-9]", "", paper.id.lower())
        key, suffix = stem, ord("b")
        while key in used:
            key, suffix = f"{stem}{chr(suffix)}", suffix + 1
        used.add(key)
        keys[paper.id] = key
    return keys


def paper_url(paper: Paper) -> str | None:
    """The paper's own page: its arXiv abstract, else the first link of its title or paper column."""
    if paper.arxiv_id:
        return f"https://arxiv.org/abs/{paper.arxiv_id}"
    return next((link.url for link in paper.links if link.column in ("title", "paper")), None)


def bibtex_entry(paper: Paper, key: str, vocab: Vocabulary) -> str:
    """One BibTeX entry; the title is double-braced so BibTeX styles keep its capitals."""
    venue = paper.venue
    kind = BIBTEX_TYPES.get(venue.kind, "misc")
    venue_name = venue.name or venue.family or ""
    if venue.name and venue.family and venue.family != venue.name:
        venue_name = f"{venue.name} ({venue.family})"
    fields: list[tuple[str, str]] = [("title", "{" + latex_escape(paper.title) + "}")]
    if paper.authors:
        fields.append(("author", " and ".join(latex_escape(a.name) for a in paper.authors)))
    if venue_name and kind == "inproceedings":
        fields.append(("booktitle", latex_escape(venue_name)))
    elif venue_name and kind == "article":
        fields.append(("journal", latex_escape(venue_name)))
    elif venue_name and kind == "misc":
        fields.append(("howpublished", latex_escape(venue_name)))
    if paper.year:
        fields.append(("year", str(paper.year)))
    if paper.arxiv_id:
        fields += [("eprint", paper.arxiv_id), ("archivePrefix", "arXiv")]
    if paper.doi:
        fields.append(("doi", latex_escape(paper.doi)))
    url = paper_url(paper)
    if url:
        fields.append(("url", url.replace("{", "%7B").replace("}", "%7D")))
    labels = [vocab.concept_label(c) for c in paper.concept_ids]
    if labels:
        fields.append(("keywords", latex_escape(", ".join(labels))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{key},\n{body}\n}}\n"


def to_bibtex(papers: Sequence[Paper], keys: Mapping[str, str], vocab: Vocabulary) -> str:
    """BibTeX entries of the papers, in their order; a comment line when there are none."""
    if not papers:
        return "% no papers in this slice\n"
    return "\n".join(bibtex_entry(paper, keys[paper.id], vocab) for paper in papers)


def to_csv(papers: Sequence[Paper], iris: Mapping[str, str], dataset_labels: Mapping[str, str],
           vocab: Vocabulary) -> str:
    """One CSV row per paper (columns CSV_COLUMNS; several values in a cell are joined by "; ")."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for paper in papers:
        concepts = [vocab.concept_label(c) for c in paper.concept_ids]
        writer.writerow([
            paper.id,
            iris[paper.id],
            paper.title,
            paper.year or "",
            paper.venue.family or "",
            paper.venue.kind,
            paper.arxiv_id or "",
            paper.doi or "",
            paper_url(paper) or "",
            "; ".join(repo.url for repo in paper.code_repos),
            "; ".join(concepts),
            "; ".join(dataset_labels.get(d, d) for d in paper.dataset_ids),
            "; ".join(a.name for a in paper.authors),
            "; ".join(paper.entries),
        ])
    return out.getvalue()
