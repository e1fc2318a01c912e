"""tfkg as a package: a wheel installed outside the checkout finds its vocabularies, shapes and bundled
list in its package data, keeps builds in the user's data folder, ingests, searches and serves the app."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_browser import free_port, wait_healthy


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of this checkout, installed (without its dependencies, which this venv has) in a folder
    of its own."""
    wheels, target = tmp_path_factory.mktemp("wheels"), tmp_path_factory.mktemp("site")
    source = tmp_path_factory.mktemp("source")  # a copy: building leaves a build/ folder in its source
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for package in ("kg", "ingest", "webapp", "data"):
        shutil.copytree(ROOT / package, source / package,
                        ignore=shutil.ignore_patterns("__pycache__", "build", ".build*", "cache"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(wheels), str(source)], check=True, capture_output=True)
    wheel = next(wheels.glob("tfkg-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    return target


def tfkg(site: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site), "XDG_DATA_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    env = {k: v for k, v in env.items() if not k.startswith("TFKG_")}
    return subprocess.run([sys.executable, "-c", "from kg.cli.main import main; main()", *args], cwd=home, env=env,
                          capture_output=True, text=True, timeout=600)


def test_an_installed_wheel_ingests_searches_and_serves_from_any_folder(installed: Path, tmp_path: Path) -> None:
    where = tfkg(installed, tmp_path, "--version")
    assert where.returncode == 0 and "version" in where.stdout
    built = tfkg(installed, tmp_path, "ingest", "--offline", "--quiet")
    assert built.returncode == 0, built.stderr
    assert str(tmp_path / "tfkg" / "build") in built.stdout and str(installed / "tfkg_data") in built.stdout
    found = tfkg(installed, tmp_path, "search", "nerf", "--top", "1")
    assert found.returncode == 0 and found.stdout.startswith("1 of ")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(installed), "XDG_DATA_HOME": str(tmp_path), "HF_HUB_OFFLINE": "1"}
    env = {k: v for k, v in env.items() if not k.startswith("TFKG_")}
    command = [sys.executable, "-c", "from kg.cli.main import main; main()", "app", "--port", str(port)]
    server = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", server)
    finally:
        server.terminate()
        server.wait(timeout=15)
