"""`python -m kg.api --host H --port N --build DIR`: what `tfkg serve` runs (the CLI starts it as a process of
its own, since the front ends do not import each other). A missing build is one line on stderr, exit 1."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.api.app import serve
from kg.core import settings
from kg.core.errors import UserError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.api", description="Serve a tfkg build over HTTP.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--build", type=Path, default=settings.get_path("build"))
    options = parser.parse_args(argv)
    try:
        serve(options.build, options.host, options.port)
    except UserError as error:
        print(f"tfkg: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
