"""The parser reads every row of a list, in any of the usual layouts, and keeps file and line."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from ingest.parse import ListError, parse_list, parse_text
from kg.core.links import arxiv_id, classify
from kg.core.rows import split_row
from kg.core.vocab import Vocabulary

from .conftest import BUNDLED_LIST, FIXTURES


def count_rows_by_hand(path: Path) -> dict[str, int]:
    """Rows per section counted without the parser: table lines minus header and delimiter, plus bullets."""
    counts: Counter[str] = Counter()
    section, header_seen = "", set()
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            section = stripped.strip("# ")
        elif stripped.startswith("|") and not re.match(r"^\|\s*:?-{3,}", stripped):
            if section in header_seen:
                counts[section] += 1
            header_seen.add(section)
        elif stripped.startswith("- "):
            counts[section] += 1
    return dict(counts)


@pytest.fixture(scope="module")
def bundled(vocab: Vocabulary):
    return parse_list(BUNDLED_LIST, vocab)


def test_bundled_list_has_the_exact_number_of_rows_per_section(bundled) -> None:
    expected = {
        "Survey": 10, "2023": 45, "2022": 46, "2021": 35, "2020": 31, "2019": 16, "datasets": 28, "metrics": 15,
    }
    assert count_rows_by_hand(BUNDLED_LIST) == expected
    parsed_counts = {s.title: s.entries for s in bundled.sections if s.entries}
    assert parsed_counts == expected
    assert len(bundled.entries) == 183
    assert len(bundled.datasets) == 28
    assert len(bundled.metrics) == 15


def test_every_entry_keeps_its_file_line_and_raw_row(bundled) -> None:
    lines = BUNDLED_LIST.read_text(encoding="utf-8").splitlines()
    for entry in bundled.entries:
        assert entry.file == str(BUNDLED_LIST)
        assert lines[entry.line - 1] == entry.raw
    first = bundled.entries[0]
    assert (first.line, first.section) == (11, "Survey")
    assert first.title == "Critical review of human face reenactment methods"


@pytest.mark.parametrize(
    ("cell", "family", "year", "kind"),
    [
        ("CVPR2023", "CVPR", 2023, "conference"),
        ("ICCV2021", "ICCV", 2021, "conference"),
        ("CVPRW2020", "CVPRW", 2020, "workshop"),
        ("SIGGRAPHASIA2022", "SIGGRAPHAsia", 2022, "conference"),
        ("ICME 2023", "ICME", 2023, "conference"),
        ("JIG 2022", "JIG", 2022, "journal"),
        ("TCSVT2023", "TCSVT", 2023, "journal"),
        ("Arxiv2022", "arXiv", 2022, "preprint"),
        ("I4Tech 2020", "I4Tech", 2020, "conference"),
        ("MLSysWorkshop2023", "MLSysW", 2023, "workshop"),
        ("CVPR(2021)", "CVPR", 2021, "conference"),
        ("ACM MM 2020", "ACMMM", 2020, "conference"),
        ("NeurIPS'19", "NeurIPS", 2019, "conference"),
        ("2022", None, 2022, "unknown"),
        ("-", None, None, "unknown"),
        ("Mystery Venue 2021", "Mystery Venue", 2021, "unknown"),
        # full names as Semantic Scholar and some lists write them
        ("Computer Vision and Pattern Recognition 2022", "CVPR", 2022, "conference"),
        ("Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition 2022", "CVPR", 2022,
         "conference"),
        ("International Conference on Learning Representations 2023", "ICLR", 2023, "conference"),
        ("International Conference on Pattern Recognition 2020", "ICPR", 2020, "conference"),
        ("Pattern Recognition 2020", "PR", 2020, "journal"),
        # an unknown venue's own words say its kind; a long name is not a misspelling of a known one
        ("IEEE Transactions on Geoscience and Remote Sensing 2022",
         "IEEE Transactions on Geoscience and Remote Sensing", 2022, "journal"),
        ("IEEE Transactions on Medical Imaging 2022", "TMI", 2022, "journal"),  # known by its full name
        ("Journal of Imaging, 2023", "Journal of Imaging", 2023, "journal"),
        ("Symposium on Biomedical Imaging 2021", "Symposium on Biomedical Imaging", 2021, "conference"),
        ("Mystery Workshop 2022", "Mystery Workshop", 2022, "workshop"),
    ],
)
def test_venue_cells_are_normalised_to_family_year_and_kind(vocab, cell, family, year, kind) -> None:
    venue = vocab.parse_venue(cell)
    assert (venue.family, venue.year, venue.kind) == (family, year, kind)
    assert venue.raw == cell


@pytest.mark.parametrize(
    ("url", "column", "kind", "ident"),
    [
        ("https://arxiv.org/pdf/2301.03786.pdf", "paper", "arxiv", "2301.03786"),
        ("https://arxiv.org/abs/2304.00334v1", "paper", "arxiv", "2304.00334"),
        ("http://arxiv.org/abs/2001.04758", "paper", "arxiv", "2001.04758"),
        ("https://arxiv.org/pdf/2012.03065", "paper", "arxiv", "2012.03065"),
        ("https://openaccess.thecvf.com/content/CVPR2023/papers/x.pdf", "paper", "cvf", None),
        ("https://ieeexplore.ieee.org/document/9102668", "paper", "ieee", None),
        ("https://dl.acm.org/doi/abs/10.1145/3394171.3413844", "paper", "acm", None),
        ("https://openreview.net/pdf?id=7r6kDq0mK_", "paper", "openreview", None),
        ("https://github.com/Winfredy/SadTalker", "code", "github", None),
        ("https://github.com", "code", "other", None),
        ("https://huggingface.co/spaces/CVPR/ml-talking-face", "code", "huggingface", None),
        ("https://huggingface.co/paige-ai/Virchow2", "code", "huggingface", None),  # a model's weights
        ("https://huggingface.co/datasets/someone/talking-faces", "code", "other", None),
        ("https://huggingface.co/papers/2301.03786", "code", "other", None),  # a paper page, no repository
        ("https://sadtalker.github.io/", "project", "project", None),
        ("https://yuegao.me/PECHead/", "project", "project", None),
        ("https://yuegao.me/PECHead/", "paper", "other", None),
    ],
)
def test_links_are_classified_by_host_and_column(url, column, kind, ident) -> None:
    assert classify(url, column) == kind
    assert arxiv_id(url) == ident


def test_nested_link_is_parsed_and_flagged_not_dropped(bundled) -> None:
    entry = next(e for e in bundled.entries if e.line == 217)
    assert entry.title == "Talking Face Generation by Conditional Recurrent Adversarial Network"
    assert "malformed_markdown" in entry.flags
    assert entry.arxiv_id == "1804.04786"
    assert any("papers.nips.cc" in link.url for link in entry.links)


def test_stray_brackets_and_placeholders_are_flagged(bundled) -> None:
    by_line = {e.line: e for e in bundled.entries}
    assert "malformed_markdown" in by_line[209].flags  # [Project](...)]  (Monkey-Net)
    assert "malformed_markdown" in by_line[117].flags  # "... with 3D Control]" (HifiHead)
    assert "placeholder" in by_line[144].flags  # code(coming soon) (MeshTalk)
    assert "placeholder" in by_line[119].flags  # paper(temp) (SyncTalkFace)
    assert "placeholder" in by_line[63].flags  # "-" in the code column
    assert by_line[144].code_links[0].url == "https://github.com/facebookresearch/meshtalk"


def test_keywords_and_dataset_columns_are_read_by_header(bundled) -> None:
    by_line = {e.line: e for e in bundled.entries}
    assert by_line[26].keywords == ("Diffusion",)  # DiffTalk
    rhythmic = next(e for e in bundled.entries if e.title.startswith("Talking-head Generation with Rhythmic"))
    assert rhythmic.datasets == ("Crema", "Grid", "Voxceleb", "Lrs3")
    assert rhythmic.year == 2020


def test_two_code_links_in_one_cell_are_both_kept(bundled) -> None:
    makeittalk = next(e for e in bundled.entries if e.title.startswith("MakeItTalk") and e.venue.family == "arXiv")
    assert [link.url for link in makeittalk.code_links] == [
        "https://github.com/adobe-research/MakeItTalk",
        "https://github.com/yzhou359/MakeItTalk",
    ]


def test_datasets_list_items_keep_name_year_and_links(bundled) -> None:
    by_name = {d.name: d for d in bundled.datasets}
    assert by_name["HDTF"].year == 2020
    assert by_name["HDTF"].links[0].url == "https://github.com/MRzzm/HDTF"
    assert by_name["HIT Bi-CAV"].links == ()
    assert [link.kind for link in by_name["DPCD"].links] == ["github", "arxiv"]


def test_metrics_table_gives_abbreviation_name_and_reference(bundled) -> None:
    by_abbreviation = {m.abbreviation: m for m in bundled.metrics}
    assert by_abbreviation["PSNR"].name == "peak signal-to-noise ratio"
    assert by_abbreviation["PSNR"].reference == ""
    assert by_abbreviation["LPIPS"].name == "Learned Perceptual Image Patch Similarity"
    assert by_abbreviation["LRA"].links[0].arxiv_id == "1804.04786"
    assert by_abbreviation["CPBD"].name == "cumulative probability of blur detection"


def test_bullet_lists_with_category_and_year_headings(vocab) -> None:
    parsed = parse_list(FIXTURES / "bullet_list.md", vocab)
    titles = [e.title for e in parsed.entries]
    assert len(titles) == 5  # the contents and contributing bullets are not papers
    sadtalker = parsed.entries[0]
    assert sadtalker.title.startswith("SadTalker: Learning Realistic 3D Motion")
    assert (sadtalker.venue.family, sadtalker.year, sadtalker.category) == ("CVPR", 2023, "Audio-driven")
    assert sadtalker.arxiv_id == "2211.12194"
    assert [link.column for link in sadtalker.links] == ["title", "code", "project"]
    text2video = parsed.entries[-1]
    assert (text2video.category, text2video.venue.family, text2video.line) == ("Text-driven", "ICASSP", 22)
    assert parsed.entries[3].venue.label == "CVPR 2021"  # venue written as "(CVPR 2021)"


def test_tables_with_other_columns_and_mixed_link_cells(vocab) -> None:
    parsed = parse_list(FIXTURES / "other_tables.md", vocab)
    first, second, freeview, *_ = parsed.entries
    assert (first.year, first.venue.family) == (2022, "SIGGRAPH")
    assert second.title.startswith("Audio2Head") and second.arxiv_id == "2107.09293"
    assert freeview.venue.label == "CVPR 2021"
    assert [link.column for link in freeview.links] == ["paper", "code", "project"]
    unknown = parsed.entries[-1]
    assert unknown.venue.kind == "unknown" and "unknown_venue" in unknown.flags
    assert any("unknown venue 'FooConf 2020'" in str(w) and ":17:" in str(w) for w in parsed.warnings)


def test_a_row_of_an_unknown_venue_is_a_paper_when_it_links_a_pdf_anywhere(vocab) -> None:
    text = (
        "# L\n\n| Name | Paper | Publication | Link |\n| --- | --- | --- | --- |\n"
        "| CTR-X | Cheap Knowledge Distillation for Huge Teachers | ENLSP 2021 |"
        " [[Link]](https://workshop-site.github.io/papers/20/camera_ready.pdf) |\n"
        "| Tool | Some Handy Tool for Recommendation Demos | FooCon 2021 | [[Link]](https://github.com/foo/tool) |\n"
    )
    parsed = parse_text(text, "mini.md", "0", vocab)
    assert [entry.title for entry in parsed.entries] == ["Cheap Knowledge Distillation for Huge Teachers"]
    assert any(":6:" in str(w) and "not read as a paper" in str(w) for w in parsed.warnings)


def test_split_row_keeps_escaped_pipes_and_code_spans() -> None:
    assert split_row(r"| a \| b | `x|y` | c |") == [r"a \| b", "`x|y`", "c"]
    assert split_row("a | b") == ["a", "b"]


def test_malformed_row_warns_with_file_and_line_and_the_rest_goes_on(vocab) -> None:
    text = (
        "# L\n\n| title | accept | paper |\n| --- | --- | --- |\n"
        "| | CVPR2020 | [paper](https://arxiv.org/abs/2001.00001) |\n| Good One | CVPR2021 | |\n"
    )
    parsed = parse_text(text, "mini.md", "0", vocab)
    assert [e.title for e in parsed.entries] == ["", "Good One"]
    assert "missing_title" in parsed.entries[0].flags
    assert [str(w) for w in parsed.warnings] == ["mini.md:5: row has no title"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("does-not-exist.md", "no such file"),
        ("no_papers.md", "no paper entries found"),
        ("latin1.md", ":5: not UTF-8 text"),
    ],
)
def test_unreadable_lists_raise_one_clear_error(vocab, name, message) -> None:
    with pytest.raises(ListError, match=re.escape(message)) as caught:
        parse_list(FIXTURES / name, vocab)
    assert str(FIXTURES / name) in str(caught.value)


def test_a_file_that_is_not_markdown_is_refused(vocab, tmp_path) -> None:
    binary = tmp_path / "list.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(ListError, match="not a markdown file"):
        parse_list(binary, vocab)
    image = tmp_path / "list.png"
    image.write_bytes(b"| title |\n")
    with pytest.raises(ListError, match=r"expected \.md"):
        parse_list(image, vocab)
