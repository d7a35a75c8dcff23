"""Steps the browser flows share: what the CLI says about a file, and how a user drives the pages.

Numbers on screen are checked against ``python -m analytics … --format json`` run as a subprocess on
the same file, formatted with the app's own house style (``analytics.formatting``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from analytics.formatting import money, number, percent
from analytics.risk import percent_text
from tests.browser.conftest import ROOT, wait_for_app

DEMO = ROOT / "data" / "demo_income.csv"
DEMO_NAME = "Demo: a small design studio"


def cli(command: str, path: Path | str, *options: str) -> str:
    """What ``python -m analytics COMMAND PATH OPTIONS`` prints."""
    return subprocess.run(
        [sys.executable, "-m", "analytics", command, str(path), *options],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout


def cli_json(command: str, path: Path | str, *options: str) -> dict:
    """``python -m analytics COMMAND PATH OPTIONS --format json``, parsed."""
    return json.loads(cli(command, path, *options, "--format", "json"))


_RUN_STATE = "document.querySelector('[data-testid=stApp]').dataset.testScriptState"


@contextmanager
def rerun(page: Page, timeout: float = 30_000) -> Iterator[None]:
    """Wait, after the block, for the script run it caused to finish.

    ``wait_for_app`` alone can return before a widget's rerun has even started (nothing on screen
    says a run is due), so a click that follows may land in the middle of it. This watches the
    app's run state from before the action: it must have been running and be idle again. The
    watch starts once the app is idle: an action during a run only restarts that run, which would
    show no new "running" state.
    """
    wait_for_app(page)
    page.evaluate(f"""() => {{
        window.__ebRunStates = [];
        window.__ebRunWatch?.disconnect();
        window.__ebRunWatch = new MutationObserver(() => window.__ebRunStates.push({_RUN_STATE}));
        window.__ebRunWatch.observe(document.querySelector('[data-testid=stApp]'),
                                    {{attributes: true, attributeFilter: ['data-test-script-state']}});
    }}""")
    yield
    try:
        page.wait_for_function(
            f"() => window.__ebRunStates.includes('running') && {_RUN_STATE} === 'notRunning'", timeout=timeout)
    except PlaywrightTimeoutError:
        states, now = page.evaluate(f"() => [window.__ebRunStates, {_RUN_STATE}]")
        if now != "notRunning":
            raise AssertionError(f"the script run after the action did not finish (run states seen: {states})") from None
        # No run was seen at all (the action changed nothing, or its run was coalesced into one that
        # had just ended): the app is idle, and the assertions that follow wait for what they need.
    wait_for_app(page)


def open_page(page: Page, app_server: str, path: str, ready: str) -> None:
    """Go to ``path`` and wait until the text ``ready`` is drawn."""
    page.goto(f"{app_server}/{path.lstrip('/')}")
    wait_for_app(page)
    page.get_by_text(ready).first.wait_for()


def upload(page: Page, app_server: str, path: Path) -> None:
    """Open the upload page and choose ``path``; waits until the file has been read."""
    open_page(page, app_server, "upload", "Upload income")
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Import", exact=True).wait_for()
    wait_for_app(page)


def import_upload(page: Page, imported: int, read: int) -> None:
    """Click Import and wait for "Imported IMPORTED of READ rows"."""
    with rerun(page):
        page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text(f"Imported {number(imported)} of {number(read)} rows").wait_for()


def import_then_overview(page: Page, imported: int, read: int) -> None:
    """Import, then follow the result's link to the overview."""
    import_upload(page, imported, read)
    with rerun(page):
        page.get_by_role("link", name="See the concentration overview").click()


def choose(page: Page, key: str, option: str) -> None:
    """Pick ``option`` in the select box created with ``key=KEY`` and wait for the rerun."""
    box = page.locator(f".st-key-{key} [role=combobox]")
    with rerun(page):
        box.click()
        page.get_by_role("option", name=option, exact=True).click()
    expect(box).to_have_value(option)


def enter(page: Page, label: str, value: str) -> None:
    """Type ``value`` into the text or number input labelled ``label`` and press Enter."""
    with rerun(page):
        page.get_by_label(label, exact=True).fill(value)
        page.keyboard.press("Enter")


def metric(page: Page, label: str) -> Locator:
    """The value of the metric card titled ``label``."""
    card = page.locator("[data-testid=stMetric]").filter(
        has=page.locator("[data-testid=stMetricLabel]", has_text=re.compile(f"^{re.escape(label)}$")))
    return card.locator("[data-testid=stMetricValue]")


def expect_overview(page: Page, report: dict, currency: str | None) -> None:
    """The overview's cards, caption and risk level show the CLI's ``report`` JSON."""
    expect(metric(page, "Top client share")).to_have_text(percent_text(report["top_shares"]["1"], 1))
    expect(metric(page, "Top 3 clients")).to_have_text(percent(report["top_shares"]["3"]))
    expect(metric(page, "Effective clients")).to_have_text(number(report["effective_clients"], 1))
    expect(metric(page, "HHI")).to_have_text(number(report["hhi_points"]))
    total = f"{money(report['total_revenue'], currency)} from {number(report['clients'])} paying clients"
    expect(page.locator("[data-testid=stCaptionContainer]", has_text="paying clients")).to_have_text(
        re.compile(f" · {re.escape(total)}$"))
    expect(page.get_by_text(f"Risk: {report['risk']['level'].upper()}", exact=True)).to_have_count(1)
