"""Two browser sessions import different files at the same moment into the same database: both
imports succeed, each session sees its own result, and both datasets are stored whole."""

from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import save_screenshot, wait_for_app


def _csv(path: Path, client: str, rows: int) -> Path:
    lines = ["date,client,amount"] + [f"2026-{1 + i % 12:02d}-{1 + i % 28:02d},{client} {i % 7},{10 + i}.00"
                                      for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_two_sessions_import_at_the_same_time(app_server, browser, tmp_path, request):
    files = [_csv(tmp_path / "alpha.csv", "Alpha", 8_000), _csv(tmp_path / "beta.csv", "Beta", 5_000)]
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in files]
    pages = [context.new_page() for context in contexts]
    try:
        for page, path in zip(pages, files):
            page.set_default_timeout(60_000)
            page.goto(f"{app_server}/upload")
            wait_for_app(page)
            page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(path))
            page.get_by_role("button", name="Import", exact=True).wait_for()
        for page in pages:  # click both before waiting for either
            page.get_by_role("button", name="Import", exact=True).click()
        pages[0].get_by_text("Imported 8,000 of 8,000 rows").wait_for()
        pages[1].get_by_text("Imported 5,000 of 5,000 rows").wait_for()
        for page in pages:
            assert page.locator("[data-testid=stException]").count() == 0

        pages[1].goto(f"{app_server}/datasets")
        wait_for_app(pages[1])
        # The table is drawn on a canvas; its accessible cells are in the DOM but hidden.
        for name in ("alpha", "beta"):
            pages[1].get_by_text(name, exact=True).first.wait_for(state="attached")
    except Exception:  # this test has its own pages, so it keeps their screenshots itself
        for number, page in enumerate(pages, 1):
            save_screenshot(page, f"{request.node.nodeid}-session{number}")
        raise
    finally:
        for context in contexts:
            context.close()
