"""`tfkg lint`: a list's duplicates and defects as findings for its repository's CI, like a compiler's.

Reads: a list file (parsed and curated in memory: no build, no network, no embeddings), the list
repository's `.tfkg.toml` (kinds on or off, severities), `<!-- tfkg-disable-next-line KIND -->` comments
in the list, and a baseline file of findings to ignore. Writes nothing but its output; `write_baseline`
writes a baseline.

A finding is matched to a baseline by its kind and the text of its row, not by line number, so rows
added or removed above it do not bring it back.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from ingest.parse import parse_list, read_list_text
from kg.core.errors import UserError
from kg.core.model import ParsedList
from kg.core.vocab import Vocabulary
from kg.curation.curate import curate_parsed
from kg.curation.defects import DEFECT_KINDS
from kg.curation.linkcheck import LinkStatus

Severity = Literal["error", "warning", "note"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "note")
LINK_KINDS = ("dead_link", "moved_link", "link_server_error")
KINDS = ("duplicate", *DEFECT_KINDS, *LINK_KINDS)
CONFIG_NAME = ".tfkg.toml"
DISABLE_NEXT_LINE = re.compile(r"<!--\s*tfkg-disable-next-line\b([^>]*?)-->")
RULE_HELP = {
    "duplicate": "The same work is listed again: keep one row.",
    "link_title_mismatch": "The paper link points to another paper than the title.",
    "code_link_not_code": "A code link that points to no code repository.",
    "malformed_markdown": "Broken markdown: unbalanced brackets, a link inside a link.",
    "title_noise": "A typo-like flaw in a title: a space before a colon, a broken hyphen, a repeated prefix.",
    "missing_paper_link": "The row links no paper (only code, a project page, or nothing).",
    "placeholder": "A cell holding a placeholder ('-', 'n/a', 'coming soon') instead of content.",
    "venue_suspect": "A venue that contradicts the paper's arXiv date, its link, or its duplicate.",
    "venue_typo": "A misspelt venue name or year, read as the vocabulary spells it: write it so.",
    "wrong_section": "A row under a year heading that is not its year.",
    "dead_link": "A link whose page is gone (404, 410).",
    "moved_link": "A link that moved permanently (301, 308): `tfkg curate --fix` writes the new address.",
    "link_server_error": "A link whose server fails (5xx) or refuses (4xx).",
}
LINK_OUTCOMES = {"dead": "dead_link", "moved": "moved_link", "server_error": "link_server_error"}


@dataclass(frozen=True)
class Finding:
    """One problem in one row: where (1-based line and column), what kind, how severe, and why.
    fingerprint identifies it by kind and row text, for baselines."""

    file: str
    line: int
    column: int
    kind: str
    severity: Severity
    message: str
    fingerprint: str


@dataclass(frozen=True)
class LintConfig:
    """What a list's repository asks of the linter (`.tfkg.toml`, table [lint])."""

    disabled: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    source: Path | None = None

    @classmethod
    def find(cls, list_path: Path) -> LintConfig:
        """The `.tfkg.toml` beside the list or in a folder above it, up to the repository's root."""
        for folder in [list_path.resolve().parent, *list_path.resolve().parents]:
            candidate = folder / CONFIG_NAME
            if candidate.is_file():
                return cls.load(candidate)
            if (folder / ".git").exists():
                break
        return cls()

    @classmethod
    def load(cls, path: Path) -> LintConfig:
        """Read a config file; unknown kinds or severities are errors naming the file."""
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8")).get("lint", {})
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise UserError(f"{path}: cannot read the lint configuration ({error})") from error
        disabled = frozenset(table.get("disable", []))
        severity = dict(table.get("severity", {}))
        unknown = (disabled | set(severity)) - set(KINDS)
        if unknown:
            raise UserError(f"{path}: unknown kind(s) {', '.join(sorted(unknown))}; kinds: {', '.join(KINDS)}")
        wrong = {kind: level for kind, level in severity.items() if level not in SEVERITIES}
        if wrong:
            raise UserError(f"{path}: severity must be one of {', '.join(SEVERITIES)}, not {wrong}")
        return cls(disabled, severity, path)


def lint(list_path: Path, vocab: Vocabulary, data_dir: Path, config: LintConfig | None = None,
         baseline: frozenset[str] = frozenset(),
         check_links: Callable[[list[str]], dict[str, LinkStatus]] | None = None) -> list[Finding]:
    """The findings of a list, in line order: curation's certain duplicates and defects (and, with
    check_links, its dead, moved and failing links), less the kinds the config turns off, the rows a
    disable comment covers, and the findings in the baseline."""
    config = config or LintConfig.find(list_path)
    text, _ = read_list_text(list_path)
    lines = text.splitlines()
    parsed = parse_list(list_path, vocab, name=str(list_path))
    report = curate_parsed(parsed, text, vocab, data_dir)
    raw: list[tuple[int, str, str]] = []
    for group in report.duplicates:
        if group.certain:
            keep = group.canonical
            raw += [(m.line, "duplicate", f"same {group.kind} as line {keep.line}; keep line {keep.line} "
                                          f"({keep.reason})")
                    for m in group.members if m.line != keep.line]
    raw += [(d.line, d.kind, d.detail) for d in report.defects]
    if check_links is not None:
        raw += _link_findings(parsed, check_links)
    silenced = _disabled_lines(lines)
    findings = []
    for line, kind, message in sorted(raw):
        if kind in config.disabled or kind in silenced.get(line, set()) or "*" in silenced.get(line, set()):
            continue
        row = lines[line - 1] if 0 < line <= len(lines) else ""
        finding = Finding(str(list_path), line, len(row) - len(row.lstrip()) + 1, kind,
                          config.severity.get(kind, "error"), message, fingerprint(kind, row))
        if finding.fingerprint not in baseline:
            findings.append(finding)
    return findings


def _link_findings(parsed: ParsedList,
                   check: Callable[[list[str]], dict[str, LinkStatus]]) -> list[tuple[int, str, str]]:
    """(line, kind, message) for each link of a row that is dead, moved or failing. Unreachable links
    (no connection) are no finding: they are what an offline machine sees."""
    rows = [*parsed.entries, *parsed.datasets, *parsed.metrics]
    statuses = check(list(dict.fromkeys(link.url for row in rows for link in row.links)))
    found = []
    for row in rows:
        for link in row.links:
            status = statuses.get(link.url)
            if status is not None and status.outcome in LINK_OUTCOMES:
                where = f" to {status.location}" if status.location else ""
                message = (f"{link.url} moved permanently{where}" if status.outcome == "moved"
                           else f"{link.url}: {status.detail or status.outcome}")
                found.append((row.line, LINK_OUTCOMES[status.outcome], message))
    return found


def fingerprint(kind: str, row: str) -> str:
    """A finding's identity: its kind and its row's text with spacing folded."""
    return hashlib.sha256(f"{kind}\n{' '.join(row.split())}".encode()).hexdigest()[:20]


def _disabled_lines(lines: Sequence[str]) -> dict[int, set[str]]:
    """Line numbers a `<!-- tfkg-disable-next-line [KIND ...] -->` comment covers, with its kinds
    ("*" for all kinds when it names none)."""
    covered: dict[int, set[str]] = {}
    for number, line in enumerate(lines, start=1):
        for match in DISABLE_NEXT_LINE.finditer(line):
            kinds = set(re.findall(r"[a-z_]+", match.group(1))) or {"*"}
            covered.setdefault(number + 1, set()).update(kinds)
    return covered


def read_baseline(path: Path) -> frozenset[str]:
    """The fingerprints a baseline file holds."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return frozenset(item["fingerprint"] for item in data["findings"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UserError(f"{path}: not a tfkg lint baseline ({error}); write one with --write-baseline") from error


def baseline_text(findings: Sequence[Finding]) -> str:
    """A baseline: every finding's fingerprint, with kind, line and message for the people reading it."""
    items = [{"fingerprint": f.fingerprint, "kind": f.kind, "line": f.line, "message": f.message} for f in findings]
    return json.dumps({"tool": "tfkg lint", "findings": items}, indent=1, ensure_ascii=False) + "\n"


def as_text(findings: Sequence[Finding]) -> str:
    """`file:line:col: kind: message`, one finding a line, as compilers print them."""
    return "".join(f"{f.file}:{f.line}:{f.column}: {f.kind}: {f.message}\n" for f in findings)


def as_json(findings: Sequence[Finding]) -> str:
    return json.dumps({"findings": [asdict(f) for f in findings]}, indent=1, ensure_ascii=False) + "\n"


def as_github(findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands: each finding an annotation on its line."""
    level = {"error": "error", "warning": "warning", "note": "notice"}
    return "".join(f"::{level[f.severity]} file={_escape(f.file, True)},line={f.line},col={f.column},"
                   f"title={_escape('tfkg ' + f.kind, True)}::{_escape(f.message, False)}\n" for f in findings)


def _escape(text: str, in_property: bool) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if in_property else text


def as_sarif(findings: Sequence[Finding], version: str) -> str:
    """SARIF 2.1.0, as GitHub code scanning reads it: one run, a rule per kind, a result per finding."""
    rules = [{"id": kind, "name": kind, "shortDescription": {"text": RULE_HELP[kind]}} for kind in KINDS]
    level = {"error": "error", "warning": "warning", "note": "note"}
    results: list[dict[str, Any]] = [
        {
            "ruleId": f.kind,
            "ruleIndex": KINDS.index(f.kind),
            "level": level[f.severity],
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": Path(f.file).as_posix()},
                                                "region": {"startLine": f.line, "startColumn": f.column}}}],
            "partialFingerprints": {"tfkgRow/v1": f.fingerprint},
        }
        for f in findings
    ]
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "tfkg", "version": version, "rules": rules,
                                      "informationUri": "https://github.com/tfkg/tfkg"}},
                  "results": results}],
    }
    return json.dumps(sarif, indent=1, ensure_ascii=False) + "\n"
