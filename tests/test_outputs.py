"""`-o` never destroys what tfkg reads: the list, the build, device nodes and symbolic links survive,
`-o -` is stdout, and files get the modes any program would give them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kg.cli.main import main
from kg.core.store import atomic_write_text
from kg.core.vocab import Vocabulary

from .conftest import FIXTURES
from .curate_helpers import small_build


@pytest.fixture
def build_dir(tmp_path: Path, vocab: Vocabulary) -> Path:
    folder = tmp_path / "build"
    small_build(FIXTURES / "curate_defects.md", folder, vocab)
    return folder


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_curate_refuses_to_write_its_report_over_the_list(build_dir: Path) -> None:
    listed = build_dir.parent / "curate_defects.md"
    before = listed.read_bytes()
    result = run("curate", "--build", str(build_dir), "-o", str(listed))
    assert result.exit_code == 1 and "is the list being read" in result.output
    assert listed.read_bytes() == before


def test_export_refuses_to_write_inside_the_build(build_dir: Path) -> None:
    papers = build_dir / "papers.jsonl"
    before = papers.read_bytes()
    result = run("export", "--build", str(build_dir), "-o", str(papers))
    assert result.exit_code == 1 and "which tfkg manages" in result.output
    assert papers.read_bytes() == before


def test_a_device_is_written_through_not_replaced(build_dir: Path) -> None:
    result = run("export", "--build", str(build_dir), "--format", "csv", "-o", "/dev/null")
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_device_is_an_error_not_a_success(build_dir: Path) -> None:
    result = run("export", "--build", str(build_dir), "--format", "csv", "-o", "/dev/full")
    assert result.exit_code == 1 and "no space left" in result.output
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_symbolic_link_is_followed_and_kept(build_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "real.csv"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    result = run("export", "--build", str(build_dir), "--format", "csv", "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("id,")


def test_dash_is_standard_output(build_dir: Path) -> None:
    result = run("export", "--build", str(build_dir), "--format", "csv", "-o", "-")
    assert result.exit_code == 0 and result.stdout.startswith("id,")
    assert not (Path.cwd() / "-").exists()


def test_new_files_get_the_umask_mode_and_replaced_files_keep_theirs(tmp_path: Path) -> None:
    old_mask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.txt"
        atomic_write_text(fresh, "a")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        private = tmp_path / "private.txt"
        private.write_text("a", encoding="utf-8")
        private.chmod(0o600)
        atomic_write_text(private, "b")
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
    finally:
        os.umask(old_mask)


def test_a_build_folder_is_as_readable_as_the_umask_allows(bundled_build: Path) -> None:
    assert stat.S_IMODE(bundled_build.stat().st_mode) == 0o777 & ~_umask()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
