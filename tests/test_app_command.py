"""`tfkg app` serves the web app from wherever tfkg is installed, and `tfkg --version` names it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli.main import main
from tests.test_browser import free_port, wait_healthy


def test_tfkg_app_serves_the_app_over_the_build(bundled_build: Path, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "TFKG_BUILD": str(bundled_build), "HF_HUB_OFFLINE": "1"}
    tfkg = str(Path(sys.executable).with_name("tfkg"))
    with (tmp_path / "app.log").open("w") as log:  # run from another folder: nothing relies on the checkout's cwd
        server = subprocess.Popen([tfkg, "app", "--port", str(port)], cwd=tmp_path, env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            wait_healthy(f"http://127.0.0.1:{port}", server)
        finally:
            server.terminate()
            server.wait(timeout=15)
    with pytest.raises(OSError):  # stopping `tfkg app` stopped the server, not only a parent of it
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("tfkg, version ")
