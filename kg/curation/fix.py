"""`tfkg curate --fix`: a corrected copy of a list, every change listed, and a unified diff.

Reads: the list's text, its parsed entries and a `CurationReport`. Writes: nothing itself (the CLI
writes the corrected copy, never over the input). What is changed:
  certain duplicates   the canonical row is kept, the others removed; empty cells of the canonical row
                       (paper, code, project, dataset, keywords) are filled from the removed rows, code
                       links it lacks are added, and links only a removed dataset item had are added to
                       the kept one (a bullet; a table row has no cell for them). A row is removed only
                       when the kept row then holds every link it had, and only within one category:
                       otherwise it is kept and left for review
  title_noise          the title cell cleaned (`kg.curation.defects.clean_title`)
  malformed_markdown   a stray closing bracket removed; a nested link reduced to the one URL that
                       agrees with the title, when exactly one does
  placeholder          cells holding only "-" (or "n/a"...) emptied
  code_link_not_code   a code-column link that repeats the paper link removed, else moved to an empty
                       project column
  moved_link           a link that `tfkg lint --check-links` found moved permanently: its new address
Everything else (wrong links, suspect venues, missing links, "coming soon") needs a person: it stays
in the report and is not touched. Possible duplicates are not merged.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.core.links import BARE_URL, arxiv_id, classify, clean_url, link_key
from kg.core.model import CODE_HOSTS, DatasetEntry, Entry, ParsedList
from kg.core.rows import MARKDOWN_LINK, NESTED_LINK, TableRow, join_row, split_row, table_row
from kg.core.store import Build
from kg.core.vocab import PLACEHOLDERS
from kg.curation.curate import CurationReport, read_list
from kg.curation.defects import Defect, clean_title, link_matches_title, stray_bracket
from kg.curation.duplicates import DuplicateGroup
from kg.curation.linkcheck import link_key as link_key_of

MERGED_COLUMNS = ("paper", "code", "project", "dataset", "keywords")
KEPT = "kept"  # the kind of a Change that leaves a duplicate row in place for a person to decide


@dataclass(frozen=True)
class Change:
    """One edit of one line: kind is "duplicate", "merge", the defect kind fixed, or "kept" (a duplicate
    left in place for review: after equals before); after is None when the line was removed."""

    line: int
    kind: str
    detail: str
    before: str
    after: str | None


def fix_list(build: Build, report: CurationReport, to_name: str = "corrected") -> tuple[str, str]:
    """The corrected text of the build's list and a unified diff from the list to it."""
    path, text = read_list(build)
    fixed = apply_changes(text, plan_fixes(build.parsed, report, text))
    return fixed, unified_diff(text, fixed, str(path), to_name)


def plan_fixes(parsed: ParsedList, report: CurationReport, text: str,
               moved: dict[str, str] | None = None) -> tuple[Change, ...]:
    """The changes that correct a list, in the order they apply; lines are 1-based in `text`. moved maps
    links a link check found moved permanently (by `kg.curation.linkcheck.link_key`) to where they are now."""
    editor = _Editor(text.splitlines())
    entries = {e.line: e for e in parsed.entries}
    items = {d.line: d for d in parsed.datasets}
    for group in report.duplicates:
        if group.certain and group.kind == "paper":
            _merge_paper_rows(editor, group, entries)
        elif group.certain:
            _merge_dataset_items(editor, group, items)
    for row in [*parsed.entries, *parsed.datasets, *parsed.metrics]:
        for link in row.links:
            target = (moved or {}).get(link_key_of(link.url))
            current = editor.lines[row.line - 1]
            if target and current is not None and link.url in current:
                editor.set(row.line, "moved_link", f"{link.url} -> {target} (moved permanently)",
                           current.replace(link.url, target))
    fixable = {(d.line, d.kind) for d in report.defects}
    for line, kind in sorted(fixable):
        if editor.removed(line):
            continue
        if kind == "title_noise":
            editor.edit_cells(line, kind, "title", _clean_title_cell, "title cleaned")
        elif kind == "malformed_markdown":
            _fix_markdown(editor, line, entries.get(line))
        elif kind == "placeholder":
            editor.edit_row(line, kind, _empty_placeholders)
        elif kind == "code_link_not_code" and line in entries:
            editor.edit_row(line, kind, _move_code_links)
    return tuple(editor.changes)


def apply_changes(text: str, changes: Sequence[Change]) -> str:
    """The text with the changes applied (the last change of a line wins; None removes it); every
    line keeps its own line ending, so a CRLF list stays CRLF."""
    final: dict[int, str | None] = {change.line: change.after for change in changes}
    out = []
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if number not in final:
            out.append(line)
        elif (after := final[number]) is not None:
            out.append(after + line[len(line.rstrip("\r\n")) :])
    return "".join(out)


def unified_diff(before: str, after: str, from_name: str, to_name: str) -> str:
    """A unified diff (difflib) between two texts."""
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), fromfile=from_name, tofile=to_name
        )
    )


class _Editor:
    """The list's lines as they are being edited, and the changes made so far."""

    def __init__(self, lines: list[str]) -> None:
        self.original = lines
        self.lines: list[str | None] = list(lines)
        self.changes: list[Change] = []

    def removed(self, line: int) -> bool:
        return self.lines[line - 1] is None

    def keep(self, line: int, detail: str) -> None:
        """Record that a line was deliberately left as it is, for a person to look at."""
        current = self.lines[line - 1]
        if current is not None:
            self.changes.append(Change(line, KEPT, detail, current, current))

    def set(self, line: int, kind: str, detail: str, after: str | None) -> None:
        before = self.lines[line - 1]
        if before is None or before == after:
            return
        self.lines[line - 1] = after
        self.changes.append(Change(line, kind, detail, before, after))

    def row(self, line: int) -> TableRow | None:
        """The row at a line as edited so far, with the roles of its table's header."""
        original = table_row(self.original, line)
        current = self.lines[line - 1]
        if original is None or current is None:
            return None
        return TableRow(original.roles, tuple(split_row(current)))

    def edit_row(self, line: int, kind: str, edit: Callable[[TableRow], tuple[list[str], str]]) -> None:
        """Apply edit (row -> new cells, detail) to a table row."""
        row = self.row(line)
        current = self.lines[line - 1]
        if row is None or current is None:
            return
        cells, detail = edit(row)
        if detail:
            self.set(line, kind, detail, join_row(current, cells))

    def edit_cells(self, line: int, kind: str, role: str, edit: Callable[[str], str], detail: str) -> None:
        def change(row: TableRow) -> tuple[list[str], str]:
            cells = list(row.cells)
            for index in row.cells_of(role):
                cells[index] = edit(cells[index])
            return cells, detail if cells != list(row.cells) else ""

        self.edit_row(line, kind, change)


# -- duplicates ------------------------------------------------------------------------------------


def _links(text: str) -> list[re.Match[str]]:
    """The links of a cell's text that lead somewhere (not images, not empty targets)."""
    return [m for m in MARKDOWN_LINK.finditer(text) if m.group("url") and not m.group(0).startswith("!")]


def _is_empty(cell: str) -> bool:
    return not cell.strip() or cell.strip().lower() in PLACEHOLDERS


def _merge_paper_rows(editor: _Editor, group: DuplicateGroup, entries: dict[int, Entry]) -> None:
    """Remove the group's other rows once the kept row holds every link they had. A row listed under
    another category, or whose links the kept row cannot take in, is kept and left for review."""
    keep = group.canonical.line
    for member in group.members:
        if member.line == keep:
            continue
        entry = entries[member.line]
        if entry.category != entries[keep].category:
            editor.keep(member.line, f"duplicate of line {keep}, listed under another category ({entry.category})")
            continue
        donor = editor.row(member.line)
        if donor is not None:
            for role in MERGED_COLUMNS:
                _fill_cell(editor, keep, role, donor, member.line)
        lost = _links_not_in(entry, editor.lines[keep - 1] or "")
        if lost:
            editor.keep(member.line, f"duplicate of line {keep}, which lacks its links {', '.join(lost)}")
            continue
        editor.set(member.line, "duplicate", f"removed: duplicate of line {keep} ({group.canonical.reason})", None)


def _links_not_in(entry: Entry, kept_row: str) -> list[str]:
    """The URLs of a row that a kept row does not have; an arXiv paper counts as had in any of its forms
    (abs, pdf, another version)."""
    urls = BARE_URL.findall(kept_row)
    keys = {link_key(clean_url(url)) for url in urls}
    arxiv_ids = {arxiv_id(url) for url in urls} - {None}
    return [link.url for link in entry.links
            if link_key(link.url) not in keys and not (link.arxiv_id and link.arxiv_id in arxiv_ids)]


def _fill_cell(editor: _Editor, keep: int, role: str, donor: TableRow, donor_line: int) -> None:
    values = [donor.cells[i] for i in donor.cells_of(role) if not _is_empty(donor.cells[i])]
    if not values:
        return

    def fill(row: TableRow) -> tuple[list[str], str]:
        cells = list(row.cells)
        columns = row.cells_of(role)
        if not columns:
            return cells, ""
        if all(_is_empty(cells[i]) for i in columns):
            cells[columns[0]] = values[0]
            return cells, f"{role} column filled from line {donor_line}"
        if role != "code":
            return cells, ""
        # Other code links (an official and an author's repository) are all worth keeping.
        known = {link_key(m.group("url")) for i in columns for m in _links(cells[i])}
        extra = [m.group(0) for v in values for m in _links(v) if link_key(m.group("url")) not in known]
        if not extra:
            return cells, ""
        cells[columns[0]] = ", ".join([cells[columns[0]], *dict.fromkeys(extra)])
        return cells, f"code links added from line {donor_line}: {', '.join(dict.fromkeys(extra))}"

    editor.edit_row(keep, "merge", fill)


def _merge_dataset_items(editor: _Editor, group: DuplicateGroup, items: dict[int, DatasetEntry]) -> None:
    keep = group.canonical.line
    kept = items[keep]
    known = {link_key(link.url) for link in kept.links}
    extra: list[str] = []
    for member in group.members:
        if member.line == keep:
            continue
        new = [link for link in items[member.line].links if link_key(link.url) not in known]
        if new and table_row(editor.original, keep) is not None:  # a table row has no cell to take them
            editor.keep(member.line, f"duplicate of line {keep}, which lacks its links "
                                     f"{', '.join(link.url for link in new)}")
            continue
        for link in new:
            known.add(link_key(link.url))
            extra.append(f"[{link.label or 'link'}]({link.url})")
        editor.set(member.line, "duplicate", f"removed: duplicate of line {keep} ({group.canonical.reason})", None)
    current = editor.lines[keep - 1]
    if extra and current is not None and table_row(editor.original, keep) is None:
        editor.set(keep, "merge", f"links added from its duplicates: {', '.join(extra)}",
                   current.rstrip() + " " + " ".join(extra))


# -- defects ---------------------------------------------------------------------------------------


def _clean_title_cell(cell: str) -> str:
    """The title cell with its title text cleaned; a title written as a link keeps its link."""
    link = MARKDOWN_LINK.fullmatch(cell.strip())
    if link:
        return f"[{clean_title(link.group('label'))}]({link.group('url')})"
    return clean_title(cell)


def _fix_markdown(editor: _Editor, line: int, entry: Entry | None) -> None:
    current = editor.lines[line - 1]
    if current is None:
        return
    nested = NESTED_LINK.search(current)
    if nested:
        title = entry.title if entry else ""
        agreeing = [url for url in (nested.group("first"), nested.group("second"))
                    if link_matches_title(url, title) is not False]
        if len(agreeing) == 1:
            fixed = current[: nested.start()] + f"[{nested.group('label')}]({agreeing[0]})" + current[nested.end():]
            editor.set(line, "malformed_markdown", f"nested link reduced to {agreeing[0]}", fixed)
        return

    def remove_stray(row: TableRow) -> tuple[list[str], str]:
        cells = list(row.cells)
        for index, cell in enumerate(cells):
            stray = stray_bracket(cell)
            if stray is not None:
                cells[index] = (cell[:stray] + cell[stray + 1:]).strip()
                return cells, f"stray {cell[stray]!r} removed from the {row.role(index) or 'row'} column"
        return cells, ""

    editor.edit_row(line, "malformed_markdown", remove_stray)


def _empty_placeholders(row: TableRow) -> tuple[list[str], str]:
    """Placeholder cells emptied, except a title: a row's title is its identity, a person must name it."""
    cells = list(row.cells)
    emptied = []
    for index, cell in enumerate(cells):
        if cell.strip().lower() in PLACEHOLDERS and row.role(index) != "title":
            cells[index] = ""
            emptied.append(row.role(index) or f"column {index + 1}")
    return cells, ("emptied placeholder cells: " + ", ".join(emptied)) if emptied else ""


def _move_code_links(row: TableRow) -> tuple[list[str], str]:
    """Code-column links that are not code: dropped when the paper column has the same URL, else moved to
    an empty project column."""
    cells = list(row.cells)
    paper_urls = {link_key(m.group("url")) for i in row.cells_of("paper") for m in _links(cells[i])}
    project = [i for i in row.cells_of("project") if _is_empty(cells[i])]
    done = []
    for index in row.cells_of("code"):
        for match in _links(cells[index]):
            url = match.group("url")
            if _is_code_host(url):
                continue
            if link_key(url) in paper_urls:
                done.append(f"removed {url} (it is the paper link)")
            elif project:
                cells[project.pop(0)] = f"[project page]({url})"
                done.append(f"moved {url} to the project column")
            else:
                continue
            cells[index] = cells[index].replace(match.group(0), "").strip(" ,")
    return cells, "; ".join(done)


def _is_code_host(url: str) -> bool:
    return classify(url, "code") in CODE_HOSTS


def default_output(build_dir: Path, build: Build) -> Path:
    """Where `tfkg curate --fix` writes by default: "<list name>.curated.md" beside the build folder."""
    return build_dir.parent / f"{Path(build.parsed.file).stem}.curated.md"


def left_for_review(report: CurationReport, changes: Sequence[Change]) -> tuple[Defect, ...]:
    """The defects the changes did not fix, on rows that are still in the list."""
    removed = {c.line for c in changes if c.after is None}
    fixed = {(c.line, c.kind) for c in changes if c.kind != KEPT}
    return tuple(d for d in report.defects if d.line not in removed and (d.line, d.kind) not in fixed)


def changes_markdown(output: Path, changes: Sequence[Change], left: Sequence[Defect], diff: str) -> str:
    """What `tfkg curate --fix` prints: a summary line, each change, the defects left, the diff."""
    removed = sum(c.after is None for c in changes)
    edits = [c for c in changes if c.kind != KEPT]
    kept = [c for c in changes if c.kind == KEPT]
    out = [
        f"wrote {output}: {len(edits)} changes ({removed} duplicate rows removed); "
        f"{len(left) + len(kept)} left for review",
        "",
        "## Changes",
        "",
        *[f"- line {c.line} [{c.kind}]: {c.detail}" for c in edits],
        "",
        "## Left for review",
        "",
        *[f"- line {c.line} [duplicate]: {c.detail}" for c in kept],
        *[f"- line {d.line} [{d.kind}]: {d.detail}" for d in left],
        "",
        "## Diff",
        "",
        "```diff",
        diff.rstrip("\n"),
        "```",
    ]
    return "\n".join(out) + "\n"


def changes_json(output: Path, changes: Sequence[Change], left: Sequence[Defect], diff: str) -> dict[str, Any]:
    """What `tfkg curate --fix --json` prints: {"output", "changes", "left_for_review", "diff"}."""
    return {
        "output": str(output),
        "changes": [dataclasses.asdict(c) for c in changes],
        "left_for_review": [dataclasses.asdict(d) for d in left],
        "diff": diff,
    }
