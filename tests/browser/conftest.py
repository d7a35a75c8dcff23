"""Browser tests: Playwright drives Debian's Chromium against a real ``streamlit run`` server.

The server runs on a free localhost port with its own temporary database and is stopped (its
whole process group) at the end, so the suite never leaves a server running. When
``/usr/bin/chromium`` is missing the tests are skipped, unless ``EGGBASKET_REQUIRE_BROWSER=1``
(set by ``.ci/run``), which turns a missing browser into a failure. A failing test leaves a
full-page screenshot in ``tests/artifacts/``.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
# Flags the workplace's probe uses: no sandbox as root, no GPU, no background network chatter.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not become healthy in time")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} not installed (apt-get install chromium)"
        if os.environ.get("EGGBASKET_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    # Two cores shared with other work: give on-screen expectations longer than the default 5 s.
    expect.set_options(timeout=20_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def app_server(tmp_path: Path) -> Iterator[str]:
    """A fresh ``streamlit run app.py`` on a free port with an empty database; yields its URL."""
    port = _free_port()
    env = {**os.environ, "EGGBASKET_DB": str(tmp_path / "browser.duckdb")}
    log = open(tmp_path / "streamlit.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    """A new browser page; on failure a full-page screenshot goes to tests/artifacts/."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    try:
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            save_screenshot(page, request.node.nodeid)
    finally:
        context.close()


def save_screenshot(page, name: str) -> Path:
    """A screenshot of the whole page to tests/artifacts/NAME.png.

    Streamlit scrolls inside its main pane, not the document, so Playwright's ``full_page`` alone
    would show only the visible part: the viewport is first made as tall as that pane's content.
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / (re.sub(r"[^\w.-]+", "_", name) + ".png")
    try:
        height = page.evaluate("() => document.querySelector('[data-testid=stMain]')?.scrollHeight || 0")
        if height > page.viewport_size["height"]:
            page.set_viewport_size({"width": page.viewport_size["width"], "height": min(height, 12_000)})
            page.wait_for_timeout(500)  # let the charts re-layout
    except Exception:  # a crashed or closed page: take what there is
        pass
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for_app(page) -> None:
    """Wait until Streamlit has finished running the script: no 'Running…' status and the app's run
    state idle (the status widget appears only after a delay, the run state at once).

    After an action this may still return before the rerun it causes has started; wrap the action
    in ``helpers.rerun`` to wait for that run."""
    page.wait_for_selector("[data-testid=stApp]")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget]') && ['notRunning', 'compilationError']"
        ".includes(document.querySelector('[data-testid=stApp]').dataset.testScriptState)",
        timeout=30_000,
    )
