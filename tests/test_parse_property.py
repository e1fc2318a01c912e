"""The parser never crashes, whatever list it is given: random text and mutated real lists."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.parse import parse_text
from kg.core.vocab import Vocabulary

from .conftest import BUNDLED_LIST, ROOT

VOCAB = Vocabulary.load(ROOT / "data")
REAL_LINES = BUNDLED_LIST.read_text(encoding="utf-8").splitlines()
MARKDOWN_BITS = [
    "|", "[", "]", "(", ")", "`", "#", "- ", "1. ", "\n", "---", "**", "<", ">", "\\", "http://x.y/", "2023",
]


def assert_parses(text: str) -> None:
    parsed = parse_text(text, "fuzz.md", "0", VOCAB)
    lines = text.splitlines()
    for entry in parsed.entries:
        assert 1 <= entry.line <= len(lines)


@settings(max_examples=150)
@given(st.lists(st.sampled_from([*MARKDOWN_BITS, "a", " ", "é", "CVPR"]) | st.text(max_size=5), max_size=120))
def test_random_markdown_never_crashes_the_parser(pieces: list[str]) -> None:
    assert_parses("".join(pieces))


@settings(max_examples=100)
@given(
    st.lists(st.integers(min_value=0, max_value=len(REAL_LINES) - 1), min_size=1, max_size=40),
    st.lists(st.tuples(st.integers(min_value=0, max_value=10_000), st.sampled_from(MARKDOWN_BITS)), max_size=30),
    st.integers(min_value=0, max_value=20),
)
def test_mutated_real_lists_never_crash_the_parser(picks: list[int], inserts: list[tuple[int, str]], cut: int) -> None:
    text = "\n".join(REAL_LINES[i] for i in sorted(picks))
    for position, bit in inserts:
        at = position % (len(text) + 1)
        text = text[:at] + bit + text[at:]
    text = text[: max(0, len(text) - cut)]
    assert_parses(text)
