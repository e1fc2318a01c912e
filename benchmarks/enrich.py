"""Enrichment of the bundled list against the fake APIs, at the services' published rates.

Usage: python benchmarks/enrich.py

Serves generated arXiv and Semantic Scholar records for every paper of the bundled list from
tests/fake_apis.py (titles as listed; a third of the papers without an arXiv link get an arXiv id
through Semantic Scholar, as CVF papers often have), enriches the list into an empty cache with the
default politeness (arXiv: a request every 3 s, Semantic Scholar: one a second), then again from the
cache, and prints requests per listed paper and wall time of each run.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.enrich import EnrichConfig, doi_of, enrich  # noqa: E402
from ingest.papers import build_corpus  # noqa: E402
from ingest.parse import parse_list  # noqa: E402
from kg.core.model import Paper  # noqa: E402
from kg.core.settings import DATA_DIR  # noqa: E402
from kg.core.vocab import Vocabulary  # noqa: E402
from tests.fake_apis import FakeApis  # noqa: E402


def s2_id(paper_id: str) -> str:
    return hashlib.sha1(paper_id.encode()).hexdigest()


def atom_entry(arxiv_id: str, title: str) -> bytes:
    return (
        f'<entry xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">'
        f"<id>http://arxiv.org/abs/{arxiv_id}v1</id><updated>2023-01-02T00:00:00Z</updated>"
        f"<published>2023-01-01T00:00:00Z</published><title>{escape(title)}</title>"
        f"<summary>An abstract of {escape(title)}, evaluated on HDTF.</summary>"
        f"<author><name>First Author</name></author><author><name>Second Author</name></author>"
        f'<link href="https://arxiv.org/pdf/{arxiv_id}v1" rel="related" type="application/pdf" title="pdf"/>'
        f'<arxiv:primary_category term="cs.CV"/><category term="cs.CV" scheme="http://arxiv.org/schemas/atom"/>'
        f"</entry>"
    ).encode()


def s2_paper(paper: Paper, arxiv_id: str | None, cited: list[Paper]) -> dict[str, object]:
    return {
        "paperId": s2_id(paper.id),
        "externalIds": {k: v for k, v in (("ArXiv", arxiv_id), ("DOI", doi_of(paper)), ("CorpusId", 1)) if v},
        "title": paper.title, "abstract": None, "venue": "", "publicationVenue": None, "journal": None,
        "year": paper.year, "publicationDate": None, "citationCount": 10, "tldr": None, "openAccessPdf": None,
        "authors": [{"authorId": "1", "name": "First Author"}, {"authorId": "2", "name": "Second Author"}],
        "references": [{"paperId": s2_id(c.id), "title": c.title, "year": c.year, "externalIds": {}} for c in cited]
        + [{"paperId": s2_id("outside"), "title": "A paper outside the list", "year": 2020, "externalIds": {}}],
    }


def fake_apis(papers: tuple[Paper, ...]) -> FakeApis:
    entries, records = {}, []
    for number, paper in enumerate(papers):
        arxiv_id = paper.arxiv_id or (f"2399.{number:05d}" if number % 3 == 0 else None)
        if arxiv_id:
            entries[arxiv_id] = atom_entry(arxiv_id, paper.title)
        records.append(s2_paper(paper, arxiv_id, list(papers[number + 1 : number + 4])))
    return FakeApis(entries, records)


def main() -> None:
    vocab = Vocabulary.load(DATA_DIR)
    corpus = build_corpus(parse_list(DATA_DIR / "awesome-talking-face-generation.md", vocab), vocab)
    count = len(corpus.papers)
    print(f"bundled list: {count} papers, {sum(1 for p in corpus.papers if p.arxiv_id)} with an arXiv id")
    print(f"{'run':<14} {'arXiv':>6} {'S2':>4} {'requests/paper':>15} {'wall time':>10}  enriched")
    with fake_apis(corpus.papers) as apis, tempfile.TemporaryDirectory() as cache:
        for run in ("empty cache", "cached rerun"):
            sent = (apis.count("arxiv"), apis.count("s2"))
            started = time.perf_counter()
            result = enrich(corpus, vocab, EnrichConfig(Path(cache), arxiv_url=apis.arxiv_url, s2_url=apis.s2_url))
            seconds = time.perf_counter() - started
            arxiv, s2 = apis.count("arxiv") - sent[0], apis.count("s2") - sent[1]
            enriched = count - result.report["not_enriched"]
            print(f"{run:<14} {arxiv:>6} {s2:>4} {(arxiv + s2) / count:>15.3f} {seconds:>9.1f}s  {enriched}/{count}")


if __name__ == "__main__":
    main()
