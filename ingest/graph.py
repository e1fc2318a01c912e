"""The knowledge graph: a networkx MultiDiGraph of typed nodes and typed edges.

Reads: a `Corpus` (papers, datasets, metrics), the list's entries and the vocabulary.
Writes: the graph. Node ids are "<type>/<stable id>" (`paper/2301.03786`, `concept/nerf`,
`dataset/hdtf`, `venue/CVPR`, `code/github.com/winfredy/sadtalker`, `entry/<list stem>/L42`);
every node has `type` and `label`; every edge has `type`.

Node types: paper, entry, venue, concept, dataset, metric, code, author.
Edge types (source -> target):
  listed_as     paper|dataset|metric -> entry   the list rows a thing came from
  published_in  paper -> venue                  attribute `year`
  about         paper -> concept                attribute `source` (keywords, title, section)
  broader       concept -> concept
  uses_dataset  paper -> dataset                attribute `source` (dataset_column, title, abstract)
  introduces    paper -> dataset                the paper's code or project page is the dataset's page
  has_code      paper -> code
  defined_in    metric -> paper
  authored_by   paper -> author                 (enrichment)
  cites         paper -> paper                  (enrichment)
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from ingest.papers import Corpus
from kg.core.model import Entry, ParsedList, Ref
from kg.core.vocab import Vocabulary, slugify

NODE_TYPES = ("paper", "entry", "venue", "concept", "dataset", "metric", "code", "author")


def paper_node(paper_id: str) -> str:
    return f"paper/{paper_id}"


def entry_node(file: str, line: int) -> str:
    return f"entry/{Path(file).stem}/L{line}"


def entry_node_of(ref: str) -> str:
    """The node of an entry named "file:line"."""
    where = Ref.parse(ref)
    return entry_node(where.file, where.line)


def build_graph(corpus: Corpus, parsed: ParsedList, vocab: Vocabulary) -> nx.MultiDiGraph:
    """Assemble the graph of one list."""
    graph = nx.MultiDiGraph()
    for entry in parsed.entries:
        _add_entry(graph, entry)
    for item in (*parsed.datasets, *parsed.metrics):
        graph.add_node(entry_node(item.file, item.line), type="entry", label=item.raw.strip()[:80],
                       file=item.file, line=item.line, section=item.section)

    for concept in vocab.concepts.values():
        graph.add_node(f"concept/{concept.id}", type="concept", label=concept.label)
    for concept in vocab.concepts.values():
        if concept.broader:
            graph.add_edge(f"concept/{concept.id}", f"concept/{concept.broader}", type="broader")

    for dataset in corpus.datasets:
        node = f"dataset/{dataset.id}"
        graph.add_node(node, type="dataset", label=dataset.label, year=dataset.year)
        for ref in dataset.entries:
            graph.add_edge(node, entry_node_of(ref), type="listed_as")

    for paper in corpus.papers:
        node = paper_node(paper.id)
        graph.add_node(node, type="paper", label=paper.title, year=paper.year,
                       venue=paper.venue.family, has_code=paper.has_code)
        for ref in paper.entries:
            graph.add_edge(node, entry_node_of(ref), type="listed_as")
        if paper.venue.family:
            venue = f"venue/{slugify(paper.venue.family) if paper.venue.kind == 'unknown' else paper.venue.family}"
            graph.add_node(venue, type="venue", label=paper.venue.name or paper.venue.family,
                           kind=paper.venue.kind)
            graph.add_edge(node, venue, type="published_in", year=paper.year)
        for assignment in paper.concepts:
            graph.add_edge(node, f"concept/{assignment.concept}", type="about", source=assignment.source)
        for mention in paper.datasets:
            kind = "introduces" if mention.source == "shared_link" else "uses_dataset"
            graph.add_edge(node, f"dataset/{mention.dataset}", type=kind, source=mention.source)
        for repo in paper.code_repos:
            graph.add_node(f"code/{repo.id}", type="code", label=repo.id, url=repo.url, host=repo.host)
            graph.add_edge(node, f"code/{repo.id}", type="has_code")
        for author in paper.authors:
            graph.add_node(f"author/{author.id}", type="author", label=author.name)
            graph.add_edge(node, f"author/{author.id}", type="authored_by")
        for cited in paper.cites:
            graph.add_edge(node, paper_node(cited), type="cites")

    for metric in corpus.metrics:
        node = f"metric/{metric.id}"
        graph.add_node(node, type="metric", label=metric.abbreviation, name=metric.name)
        for ref in metric.entries:
            graph.add_edge(node, entry_node_of(ref), type="listed_as")
        if metric.defined_in:
            graph.add_edge(node, paper_node(metric.defined_in), type="defined_in")
    return graph


def _add_entry(graph: nx.MultiDiGraph, entry: Entry) -> None:
    graph.add_node(
        entry_node(entry.file, entry.line), type="entry", label=entry.title or entry.raw.strip()[:80],
        file=entry.file, line=entry.line, section=entry.section,
    )


def edge_counts(graph: nx.MultiDiGraph) -> dict[str, int]:
    """Number of edges of each type, sorted by type."""
    counts: dict[str, int] = {}
    for _, _, kind in graph.edges(data="type"):
        counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items()))


def node_counts(graph: nx.MultiDiGraph) -> dict[str, int]:
    """Number of nodes of each type, sorted by type."""
    counts: dict[str, int] = {}
    for _, kind in graph.nodes(data="type"):
        counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items()))
