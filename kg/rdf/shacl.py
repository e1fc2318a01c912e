"""SHACL validation of tfkg's RDF: reads the shapes (`shapes.ttl` in the data folder), runs pyshacl.

Reads: an rdflib Graph and the shapes file. Writes nothing; returns a `Validation` whose text lists
each violation (focus node, property, message) as pyshacl reports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyshacl
from rdflib import Graph
from rdflib.namespace import SH

from kg.core.errors import UserError

SHAPES_FILE = "shapes.ttl"


@dataclass(frozen=True)
class Validation:
    """The outcome of validating a graph: whether it conforms, how many violations, pyshacl's report."""

    conforms: bool
    violations: int
    report: str


def load_shapes(data_dir: Path) -> Graph:
    """The SHACL shapes of the data folder; a UserError names the file when it is missing or broken."""
    path = data_dir / SHAPES_FILE
    try:
        return Graph().parse(path, format="turtle")
    except FileNotFoundError as error:
        raise UserError(f"{path}: no SHACL shapes here; set TFKG_DATA_DIR to tfkg's data folder") from error
    except Exception as error:  # rdflib raises several parser exception types, all meaning a broken file
        raise UserError(f"{path}: not valid Turtle ({error})") from error


def validate(graph: Graph, shapes: Graph) -> Validation:
    """Validate graph against shapes, with no inference (the export states every type it relies on)."""
    conforms, results, text = pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=False)
    violations = len(set(results.subjects(SH.resultSeverity, None)))
    return Validation(bool(conforms), violations, str(text))
