"""A user imports a CSV with some bad rows and downloads the rejected-rows file, from the upload
page right after the import and later from the datasets page: it lists exactly the bad rows with
their line numbers and reasons, and a record starting with = + - @ is neutralised so a spreadsheet
shows it as text instead of running it as a formula."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.helpers import cli, import_upload, open_page, upload

LINES = [
    "client,date,amount",                                   # line 1: header
    "Acme,2026-03-01,600.00",                               # 2
    '=HYPERLINK("http://evil.example/x";"Click"),2026-03-02,abc',  # 3: amount
    "Beta,not a date,200.00",                               # 4: date
    "+Plus Corp,2026-03-05,300.00",                         # 5: fine, a name may start with +
    "@Sum Ltd,2026-03-06,",                                 # 6: no amount
    "-Minus GmbH,2026-03-07,1OO.00",                        # 7: amount (letter O)
    "Gamma,2026-03-08,100.00",                              # 8
    "+cmd|' /C calc'!A0,yesterday,50.00",                   # 9: date
]
# By hand: lines 3, 4, 6, 7 and 9 are rejected; 2, 5 and 8 imported (3 of 8 data rows).
BAD = {3: "unreadable amount 'abc'", 4: "unreadable date 'not a date'", 6: "missing amount",
       7: "unreadable amount '1OO.00'", 9: "unreadable date 'yesterday'"}


def cli_rejections(path: Path) -> dict[int, str]:
    """Line → reason, from the CLI's readable report ("Rejected line N: reason")."""
    return {int(m[1]): m[2] for m in re.finditer(r"^Rejected line (\d+): (.*)$", cli("report", path), re.M)}


def download_rejected(page, button: str | re.Pattern) -> tuple[str, list[list[str]]]:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    download = info.value
    body = Path(download.path()).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, so Excel reads the encoding right
    return download.suggested_filename, list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_download_the_rejected_rows(app_server, page, tmp_path: Path):
    path = tmp_path / "march.csv"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    reasons = cli_rejections(path)
    assert sorted(reasons) == sorted(BAD)
    assert all(reasons[line].startswith(start) for line, start in BAD.items())
    expected = [["line", "reason", "original record"]] + [
        [str(line), reasons[line], ("'" if LINES[line - 1][0] in "=+-@" else "") + LINES[line - 1]]
        for line in sorted(BAD)
    ]
    assert expected[1][2] == "'" + LINES[2] and expected[3][2] == "'@Sum Ltd,2026-03-06,"

    upload(page, app_server, path)
    import_upload(page, 3, 8)
    page.get_by_text("5 rejected").wait_for()
    name, rows = download_rejected(page, "Download rejected rows (CSV)")
    assert name == "march-rejected.csv"
    assert rows == expected

    open_page(page, app_server, "datasets", "Datasets")
    expect(page.locator("[data-testid=stCaptionContainer]", has_text="rows imported from")).to_contain_text(
        "3 rows imported from march.csv")
    name, rows = download_rejected(page, re.compile(r"^Rejected rows"))
    assert name == "march-rejected.csv"
    assert rows == expected
