"""Fuzzed and hostile input: every file ends in either an import with a correct rejected-rows
list or a clear IngestError — never another exception, a hang, or a half-written dataset."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.ingest import IngestError, import_file
from analytics.store import MEMORY, Store

GOOD = (
    "date,client,amount,description\n"
    "2026-01-05,Acme GmbH,1200.00,January retainer\n"
    '2026-01-20,"Blue Harbor, Inc.",450.50,"Logo, round 2"\n'
    "2026-02-05,Acme GmbH,-100.00,Credit note\n"
    "2026-02-11,ООО Вектор,999.99,Консультация\n"
)


def outcome(path) -> str:
    """Import ``path`` into a fresh store and check the result is whole; 'error' or 'imported'."""
    with Store(MEMORY) as store:
        try:
            result = import_file(store, path)
        except IngestError as exc:
            assert exc.message.strip() and "Traceback" not in exc.message
            assert store.datasets() == []  # nothing half-written
            with store.cursor() as cur:
                assert cur.execute("SELECT count(*) FROM income").fetchone() == (0,)
            return "error"
        d = result.dataset
        with store.cursor() as cur:
            (stored,) = cur.execute("SELECT count(*) FROM income WHERE dataset_id = ?", [d.id]).fetchone()
        assert stored == d.rows_imported == result.rows_imported
        assert d.rows_rejected == len(result.rejected) == len(store.rejected_rows(d.id))
        assert result.rows_read == result.rows_imported + len(result.rejected)
        assert all(r.line >= 1 and r.reason for r in result.rejected)
        return "imported"


FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.timeout(120)
@FUZZ
@given(st.binary(min_size=0, max_size=4096))
def test_random_bytes(tmp_path, data):
    path = tmp_path / "random.csv"
    path.write_bytes(data)
    outcome(path)


@pytest.mark.timeout(120)
@FUZZ
@given(st.integers(min_value=0, max_value=len(GOOD.encode())))
def test_truncated_files(tmp_path, cut):
    path = tmp_path / "cut.csv"
    path.write_bytes(GOOD.encode()[:cut])
    outcome(path)


@pytest.mark.timeout(120)
@FUZZ
@given(st.text(min_size=0, max_size=300))
def test_random_text_in_a_client_cell(tmp_path, name):
    quoted = '"' + name.replace('"', '""') + '"'
    path = tmp_path / "names.csv"
    path.write_text(f"date,client,amount\n2026-01-05,{quoted},100.00\n2026-01-06,Beta,50.00\n", encoding="utf-8")
    outcome(path)


def _write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "name, data, expected",
    [
        ("cp1251-as-utf8.csv", GOOD.encode("cp1251", errors="replace"), "imported"),
        ("utf16-no-bom.csv", GOOD.encode("utf-16-le"), None),
        ("nul-bytes.csv", GOOD.replace("Acme", "Ac\x00me").encode(), None),
        ("mixed-endings.csv", GOOD.replace("\n", "\r\n", 2).replace("\n2026-02-11", "\r2026-02-11").encode(), None),
        ("huge-field.csv", ("date,client,amount,description\n2026-01-05,Acme,10.00," + "x" * 2_000_000 + "\n").encode(), None),
        ("long-client.csv", ("date,client,amount\n2026-01-05," + "C" * 50_000 + ",10.00\n2026-01-06,B,5\n").encode(), "imported"),
        ("only-delimiters.csv", b",,,,\n,,,,\n", "error"),
        ("header-only.csv", b"date,client,amount\n", "error"),
        ("bom-only.csv", b"\xef\xbb\xbf", "error"),
        ("zip-not-xlsx.csv", b"PK\x03\x04" + bytes(random.Random(1).randrange(256) for _ in range(500)), "error"),
    ],
)
def test_hostile_files(tmp_path, name, data, expected):
    result = outcome(_write(tmp_path, name, data))
    if expected:
        assert result == expected


@pytest.mark.timeout(180)
def test_ten_thousand_columns(tmp_path):
    header = ",".join(["date", "client", "amount"] + [f"c{i}" for i in range(9_997)])
    row = ",".join(["2026-01-05", "Acme", "10.00"] + ["x"] * 9_997)
    outcome(_write(tmp_path, "wide.csv", f"{header}\n{row}\n{row}\n".encode()))


def test_formula_and_markup_names_are_kept_as_plain_text(tmp_path):
    names = ['=HYPERLINK("http://evil.example","x")', "<script>alert(1)</script>", "<b>bold</b> & co", "+SUM(A1)"]
    body = "".join(f'2026-01-0{i + 1},"{n.replace(chr(34), chr(34) * 2)}",10.00\n' for i, n in enumerate(names))
    path = _write(tmp_path, "formulas.csv", ("date,client,amount\n" + body).encode())
    with Store(MEMORY) as store:
        dataset_id = import_file(store, path).dataset.id
        with store.cursor() as cur:
            stored = {row[0] for row in cur.execute("SELECT client FROM income WHERE dataset_id = ?", [dataset_id]).fetchall()}
    assert stored == set(names)  # stored exactly as given: escaping happens where they are shown
