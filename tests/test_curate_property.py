"""Curation of random lists made of real rows, repeated at will: never a crash, and --fix always
gives a list that parses into the same papers minus the duplicates, with no certain duplicate left."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.papers import build_corpus
from ingest.parse import parse_text
from kg.core.vocab import Vocabulary
from kg.curation.curate import curate
from kg.curation.duplicates import find_duplicates
from kg.curation.fix import fix_list, plan_fixes
from kg.curation.venue_dates import VenueMonths

from .conftest import BUNDLED_LIST, ROOT
from .curate_helpers import small_build

VOCAB = Vocabulary.load(ROOT / "data")
MONTHS = VenueMonths.load(ROOT / "data")
LINES = BUNDLED_LIST.read_text(encoding="utf-8").splitlines()
HEADER = ["# Random list", "", "## 2020", "", "| title | accept | paper | code | web/proj | dataset |",
          "| --- | ---| --- | --- | --- | --- |"]
ROWS = LINES[166:197]  # the 2020 table: repeats, placeholders, arXiv and conference twins
ITEMS = LINES[220:248]  # the datasets list


@settings(max_examples=25)
@given(st.lists(st.sampled_from(ROWS), min_size=1, max_size=12), st.lists(st.sampled_from(ITEMS), max_size=6))
def test_fix_of_any_mix_of_real_rows_keeps_every_work_once(rows: list[str], items: list[str]) -> None:
    text = "\n".join([*HEADER, *rows, "", "## datasets", *items]) + "\n"
    with tempfile.TemporaryDirectory() as temp:
        source = Path(temp) / "source" / "random.md"
        source.parent.mkdir()
        source.write_text(text, encoding="utf-8")
        build = small_build(source, Path(temp) / "build", VOCAB)
        report = curate(build, ROOT / "data")
        report.to_markdown()
        fixed, _ = fix_list(build, report)
        changes = plan_fixes(build.parsed, report, text)
    removed = {c.line for c in changes if c.after is None}
    left = {c.before for c in changes if c.kind == "kept"}  # duplicates whose links the kept row lacks
    kept = {e.ref for e in build.parsed.entries if e.line not in removed}
    reparsed = parse_text(fixed, "fixed.md", "", VOCAB)
    corpus = build_corpus(reparsed, VOCAB)
    assert {p.id for p in corpus.papers} == {p.id for p in build.papers if set(p.entries) & kept}
    lines = fixed.splitlines()
    remaining = [g for g in find_duplicates(reparsed.entries, reparsed.datasets, corpus.papers, MONTHS) if g.certain]
    assert all(any(lines[line - 1] in left for line in g.lines) for g in remaining)
