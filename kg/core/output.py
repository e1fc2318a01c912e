"""Where a command's `-o` output goes, without ever damaging what tfkg reads.

`-o -` is standard output. A character device or a pipe (`/dev/null`, `/dev/full`, a FIFO) is written
through, never replaced. A symbolic link is followed and its target replaced, never the link. Any other
path is written atomically (temporary file, then rename): a new file gets the umask's mode, a replaced
file keeps its mode. Refused: the list being read, and anything inside a build or cache folder.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

from kg.core.errors import UserError
from kg.core.store import atomic_write_text

STDOUT = "-"


def write_output(target: Path, text: str, inputs: Sequence[Path] = (), folders: Sequence[Path] = ()) -> str:
    """Write text to target; returns how to name where it went ("stdout" or the path). inputs are files
    the command reads and folders are folders it owns (build, cache): writing to either is refused."""
    if str(target) == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
        return "stdout"
    check_output_path(target, inputs, folders)
    real = Path(os.path.realpath(target))
    if _is_stream(real):
        _write_through(real, text)
    else:
        atomic_write_text(real, text)
    return str(target)


def check_output_path(target: Path, inputs: Sequence[Path] = (), folders: Sequence[Path] = ()) -> None:
    """Refuse, before any work, an output that would overwrite an input, land in a build or cache
    folder, name a folder, or sit in a folder that does not exist."""
    if str(target) == STDOUT:
        return
    real = Path(os.path.realpath(target))
    for source in inputs:
        if real == Path(os.path.realpath(source)):
            raise UserError(f"{target}: is the list being read; write the output elsewhere")
    for folder in folders:
        owned = Path(os.path.realpath(folder))
        if real == owned or owned in real.parents:
            raise UserError(f"{target}: is inside {folder}, which tfkg manages; write the output elsewhere")
    if real.is_dir():
        raise UserError(f"{target}: is a folder; give a file name to write to")
    if not real.parent.is_dir():
        raise UserError(f"{target}: folder {real.parent} does not exist; create it first or write elsewhere")


def _is_stream(path: Path) -> bool:
    """A character device or a pipe: written through, since replacing it would destroy it."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def _write_through(path: Path, text: str) -> None:
    try:
        with path.open("w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise UserError(f"{path}: no space left; nothing was written") from error
        raise UserError(f"{path}: cannot write ({error.strerror})") from error
