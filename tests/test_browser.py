"""End to end in a real browser: the app served by `streamlit run`, driven in Debian's headless Chromium
(/usr/bin/chromium, installed by scripts/test) with Playwright, which downloads no browser.

Searches, clicks a facet, opens a paper page, reloads a bookmarked search, and saves screenshots
under test-output/ (git-ignored).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from benchmarks.measure import wait_until_up
from tests.conftest import ROOT, free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUTPUT = ROOT / "test-output"
QUERY = "one-shot diffusion emotion"
TIMEOUT_MS = 60_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: scripts/test installs it"),
]



def wait_healthy(url: str, server: subprocess.Popen) -> None:
    """Until the app at url answers its health check (it loads the build first)."""
    wait_until_up(url + "/_stcore/health", server, "the app", seconds=90)


@pytest.fixture(scope="module")
def app_url(bundled_build: Path) -> Iterator[str]:
    """The app serving the bundled build on a free local port, stopped after the tests."""
    port = free_port()
    env = {**os.environ, "TFKG_BUILD": str(bundled_build), "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(port)]
    OUTPUT.mkdir(exist_ok=True)
    with (OUTPUT / "browser-app.log").open("w") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, server)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


@pytest.fixture(scope="module")
def browser(app_url: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    """A fresh page in a browser context of its own."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@contextmanager
def screenshot_on_failure(page, name: str) -> Iterator[None]:
    """Save what the page showed when a step failed, as test-output/<name>-failed.png."""
    try:
        yield
    except BaseException:
        page.screenshot(path=OUTPUT / f"{name}-failed.png")
        raise


def wait_for_param(page, key: str, value: str, path: str = "/") -> None:
    """Wait until the address bar holds path?key=value (Streamlit updates it in place, without a navigation)."""
    page.wait_for_function(
        "([key, value, path]) => location.pathname === path && new URLSearchParams(location.search).get(key) === value",
        arg=[key, value, path],
    )


def result_count(page) -> int:
    caption = page.get_by_text("papers for").first.inner_text()
    return int(caption.split()[0])


def test_search_facet_click_and_paper_page_in_chromium(app_url: str, page):
    with screenshot_on_failure(page, "test_search_facet_click_and_paper_page_in_chromium"):
        page.goto(app_url)
        box = page.get_by_placeholder("e.g. one-shot diffusion emotion")
        box.fill(QUERY)
        box.press("Enter")
        wait_for_param(page, "q", QUERY)
        first = page.locator('[data-testid="stPageLink"]').filter(has_text="EAMM").first
        first.wait_for()
        before = result_count(page)
        page.screenshot(path=OUTPUT / "browser-search.png")

        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_role("button", name="conference ·").click()
        wait_for_param(page, "kind", "conference")
        page.wait_for_function(f"!document.body.innerText.includes('{before} papers for')")
        after = result_count(page)
        assert 0 < after < before
        assert sidebar.get_by_role("button", name="conference ·").inner_text().endswith(f"· {after}")
        page.screenshot(path=OUTPUT / "browser-search-filtered.png")

        page.locator('[data-testid="stPageLink"]').filter(has_text="EAMM").first.click()
        wait_for_param(page, "id", "2205.15278", path="/paper")
        page.get_by_role("heading", name="EAMM").wait_for()
        page.get_by_text("Graph neighbourhood").wait_for()
        graph = page.frame_locator('iframe[title="streamlit_agraph.agraph"]').locator("canvas")
        graph.wait_for()
        page.set_viewport_size({"width": 1400, "height": 2600})  # the app scrolls inside the page: show it all
        page.get_by_text("Export this neighbourhood").wait_for()
        page.screenshot(path=OUTPUT / "browser-paper.png")

        page.get_by_text("Back to the results").click()
        wait_for_param(page, "kind", "conference")
        page.locator('[data-testid="stPageLink"]').filter(has_text="EAMM").first.wait_for()
        assert page.get_by_placeholder("e.g. one-shot diffusion emotion").input_value() == QUERY
        assert result_count(page) == after


def test_a_bookmarked_search_reloads_with_its_filters(app_url: str, page):
    with screenshot_on_failure(page, "test_a_bookmarked_search_reloads_with_its_filters"):
        page.goto(f"{app_url}/?q=nerf&kind=conference&year=2021-2023")
        page.locator('[data-testid="stPageLink"]').first.wait_for()
        page.reload()
        box = page.get_by_placeholder("e.g. one-shot diffusion emotion")
        box.wait_for()
        assert box.input_value() == "nerf"
        assert "kind=conference" in page.url and "year=2021-2023" in page.url
        assert result_count(page) > 0


def test_the_server_stops_on_sigterm_within_seconds_while_a_heavy_query_runs(bundled_build: Path, browser) -> None:
    """A SPARQL query that would run for minutes runs in its own process, so neither it nor the session
    waiting for it holds the server up: SIGTERM stops the server, and the query's process, in seconds."""
    port = free_port()
    env = {**os.environ, "TFKG_BUILD": str(bundled_build), "HF_HUB_OFFLINE": "1", "TFKG_SPARQL_TIMEOUT": "120"}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(port)]
    OUTPUT.mkdir(exist_ok=True)
    with (OUTPUT / "browser-sigterm.log").open("w") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, server)
            context = browser.new_context()
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(f"{url}/export")
            box = page.get_by_label("Query")
            box.fill("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
            page.get_by_role("button", name="Run").click()
            deadline = time.monotonic() + 30
            while not _children(server.pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            children = _children(server.pid)
            assert children, "the query did not start its own process"
            server.terminate()
            server.wait(timeout=10)
            context.close()
            time.sleep(0.5)
            assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
        finally:
            if server.poll() is None:
                server.kill()


def _children(pid: int) -> list[int]:
    """The process ids whose parent is pid (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found
