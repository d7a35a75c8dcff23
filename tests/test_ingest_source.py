"""The bytes a user uploads: encodings, BOMs, binary files, workbooks, empty files, the size limit.

Files are written from each test with ``tmp_path`` (binary and legacy-encoded content stays exact).
Every expected total is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import hashlib
import random
from decimal import Decimal
from pathlib import Path

import pytest

import analytics.ingest.source as source
from analytics.ingest import ImportSettings, IngestError, import_file, inspect_file
from analytics.store import MEMORY, Store
from ingest_helpers import stored_rows, totals, write_bytes

D = Decimal


def stored(store: Store, dataset_id: int) -> list[tuple]:
    """(source_line, client, amount) of every stored row, in file order."""
    return stored_rows(store, dataset_id, "source_line, client, amount")


def ingest_error(path: Path) -> str:
    """The message of the IngestError importing ``path`` raises; checks nothing was stored."""
    with Store(MEMORY) as s:
        with pytest.raises(IngestError) as info:
            import_file(s, path)
        assert s.datasets() == []
    return info.value.message


# -- UTF-8 ------------------------------------------------------------------------------------------

TEXT = "Date,Client,Amount\n2024-01-05,Acme,100.50\n2024-01-06,Beta,200\n2024-01-07,Acme,-0.50\n"


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
def test_utf8_with_and_without_bom(tmp_path, db, bom):
    path = write_bytes(tmp_path, bom + TEXT.encode("utf-8"))
    plan = inspect_file(path)
    try:
        assert plan.dialect.columns == ("Date", "Client", "Amount")  # no "\ufeffDate"
        assert plan.mapping.date == "Date"
        assert plan.source.encoding == ("utf-8-sig" if bom else "utf-8")
        assert plan.source.converted is False  # read in place, no temporary copy
    finally:
        plan.close()
    result = import_file(db, path)
    # Acme: 100.50 - 0.50 = 100.00; Beta: 200.00
    assert totals(db, result.dataset.id) == {"Acme": D("100.00"), "Beta": D("200.00")}
    assert result.dataset.content_hash == hashlib.sha256(bom + TEXT.encode("utf-8")).hexdigest()


def test_utf8_bom_on_a_quoted_header(tmp_path):
    path = write_bytes(tmp_path, b"\xef\xbb\xbf" + '"Date","Client","Amount"\n2024-01-05,Acme,1\n'.encode())
    plan = inspect_file(path)
    try:
        assert plan.dialect.columns == ("Date", "Client", "Amount")
    finally:
        plan.close()


def test_utf16_with_bom_is_converted(tmp_path, db):
    path = write_bytes(tmp_path, "Дата;Клиент;Сумма\n05.03.2024;Иванов;1,50\n".encode("utf-16"))
    result = import_file(db, path)
    assert stored(db, result.dataset.id) == [(2, "Иванов", D("1.50"))]


# -- legacy code pages ------------------------------------------------------------------------------


def test_windows_1251_russian_file(tmp_path, db):
    text = (
        "Дата;Контрагент;Сумма\n"
        "05.03.2024;ООО «Ромашка»;1 500,50\n"
        "06.03.2024;ИП Иванов И.И.;-200,00\n"
        "07.03.2024;ООО «Ромашка»;300,00\n"
        "08.03.2024;ИП Иванов И.И.;1 000,00\n"
    )
    path = write_bytes(tmp_path, text.encode("cp1251"))
    plan = inspect_file(path)
    try:
        assert plan.source.encoding == "cp1251"
        assert plan.dialect.delimiter == ";"
        assert plan.mapping.client == "Контрагент" and plan.mapping.amount == "Сумма"
        assert plan.decimal.value == ","
    finally:
        plan.close()
    result = import_file(db, path)
    # Ромашка: 1500.50 + 300.00 = 1800.50; Иванов: -200.00 + 1000.00 = 800.00
    assert totals(db, result.dataset.id) == {"ООО «Ромашка»": D("1800.50"), "ИП Иванов И.И.": D("800.00")}


def test_windows_1250_polish_file(tmp_path, db):
    # Regression: charset-normalizer alone read this as cp1252 ("£ódzka Spó³ka").
    text = (
        "Data;Kontrahent;Kwota\n"
        "05.03.2024;Łódzka Spółka Żółć;1 500,50\n"
        "06.03.2024;Zakład Ślusarski Gęś;-200,00\n"
        "07.03.2024;Łódzka Spółka Żółć;300,00\n"
    )
    path = write_bytes(tmp_path, text.encode("cp1250"))
    plan = inspect_file(path)
    try:
        assert plan.source.encoding == "cp1250"
    finally:
        plan.close()
    result = import_file(db, path)
    # Łódzka: 1500.50 + 300.00 = 1800.50; Zakład: -200.00
    assert totals(db, result.dataset.id) == {"Łódzka Spółka Żółć": D("1800.50"), "Zakład Ślusarski Gęś": D("-200.00")}


def test_windows_1250_names_with_only_common_letters(tmp_path, db):
    path = write_bytes(tmp_path, "Data;Klient;Kwota\n05.03.2024;Paweł Wiśniewski;100,00\n".encode("cp1250"))
    result = import_file(db, path)
    assert stored(db, result.dataset.id) == [(2, "Paweł Wiśniewski", D("100.00"))]


def test_windows_1252_german_file(tmp_path, db):
    path = write_bytes(tmp_path, "Datum;Kunde;Betrag\n05.03.2024;Müller Größe GmbH;100,00\n".encode("cp1252"))
    result = import_file(db, path)
    assert stored(db, result.dataset.id) == [(2, "Müller Größe GmbH", D("100.00"))]


def test_legacy_byte_far_past_the_first_64_kb(tmp_path, db):
    # Regression: the code page was judged on the first 64 KB only, which were pure ASCII here, so
    # the file was read as UTF-8 and the Cyrillic row was rejected as invalid text.
    lines = ["Date;Client;Amount"] + [f"05.03.2024;Client {i};1,00" for i in range(5000)]
    lines.append("06.03.2024;ООО Ромашка;100,00")
    data = ("\n".join(lines) + "\n").encode("cp1251")
    assert data.index("Ромашка".encode("cp1251")) > 64 * 1024
    result = import_file(db, write_bytes(tmp_path, data))
    assert result.rejected == [] and result.rows_imported == 5001
    assert stored(db, result.dataset.id)[-1] == (5002, "ООО Ромашка", D("100.00"))


def test_forced_unknown_encoding(tmp_path, db):
    path = write_bytes(tmp_path, "Date,Client,Amount\n2024-01-05,Ж,1\n".encode("utf-8"))
    with pytest.raises(IngestError) as info:
        import_file(db, path, ImportSettings(encoding="ascii-not-a-codec"))
    assert info.value.message == "Unknown text encoding 'ascii-not-a-codec'."


@pytest.mark.parametrize("codec", ["rot13", "base64"])
def test_forced_codec_that_is_not_a_text_encoding(tmp_path, db, monkeypatch, codec):
    # Regression: codecs.lookup() accepts these, then open() raised LookupError (a traceback) and
    # the temporary copy was left behind.
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(source.tempfile, "tempdir", str(scratch))
    path = write_bytes(tmp_path, b"Date,Client,Amount\n2024-01-05,A,1\n")
    with pytest.raises(IngestError) as info:
        import_file(db, path, ImportSettings(encoding=codec))
    assert info.value.message == f"'{codec}' is not a text encoding. Choose a text encoding such as UTF-8."
    assert list(scratch.iterdir()) == []


def test_forced_utf16_on_a_utf8_file(tmp_path, db, monkeypatch):
    # Regression: the UTF-16 decoder raises a plain UnicodeError (no .reason/.start) → AttributeError.
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(source.tempfile, "tempdir", str(scratch))
    path = write_bytes(tmp_path, b"Date,Client,Amount\n2024-01-05,A,1\n")
    with pytest.raises(IngestError) as info:
        import_file(db, path, ImportSettings(encoding="utf-16"))
    assert info.value.message.startswith("The file is not valid utf-16 text (")
    assert info.value.message.endswith("). Choose another encoding or export the file as UTF-8.")
    assert list(scratch.iterdir()) == []


def test_forced_encoding_is_used(tmp_path, db):
    # The bytes are valid UTF-8 *and* cp1251; the user's choice wins. "Ж" is D0 96 in UTF-8, which
    # cp1251 reads as "Р" (Cyrillic Er, D0) and "–" (en dash, 96).
    path = write_bytes(tmp_path, "Date,Client,Amount\n2024-01-05,Ж,1\n".encode("utf-8"))
    result = import_file(db, path, ImportSettings(encoding="cp1251"))
    assert stored(db, result.dataset.id) == [(2, "Р–", D("1.00"))]


# -- files that are not CSV -------------------------------------------------------------------------


def test_empty_file(tmp_path):
    assert ingest_error(write_bytes(tmp_path, b"")) == "The file is empty: there is nothing to import."


def test_whitespace_only_file(tmp_path):
    data = b"  \r\n\t\n   \n"
    assert ingest_error(write_bytes(tmp_path, data)) == "The file is empty: there is nothing to import."


def test_bom_only_file(tmp_path):
    assert ingest_error(write_bytes(tmp_path, b"\xef\xbb\xbf\n")) == "The file is empty: there is nothing to import."


BINARY_MESSAGE = "This looks like a binary file, not a CSV text file. Export your income as CSV and upload that."


def test_random_binary_bytes(tmp_path):
    rng = random.Random(20240305)
    data = bytes(rng.randrange(256) for _ in range(4096)) + b"\x00\x00"
    assert b"\x00" in data
    assert ingest_error(write_bytes(tmp_path, data)) == BINARY_MESSAGE


def test_text_with_nul_bytes_is_binary(tmp_path):
    data = b"Date,Client,Amount\n2024-01-05,Acme\x00,1\n"  # valid UTF-8, but NUL is not text
    assert ingest_error(write_bytes(tmp_path, data)) == BINARY_MESSAGE


@pytest.mark.parametrize("magic", [b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"], ids=["xlsx", "xls"])
def test_workbook_given_as_csv(tmp_path, magic):
    path = write_bytes(tmp_path, magic + b"\x14\x00\x06\x00[Content_Types].xml" + bytes(200), name="income.csv")
    message = ingest_error(path)
    assert message.startswith("This is an Excel workbook (or another zipped/binary document), not a CSV file.")
    assert "CSV UTF-8" in message


def test_file_over_the_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(source, "MAX_FILE_BYTES", 100)
    # TEXT is 19 + 23 + 20 + 22 = 84 bytes (four lines with their newlines); three times is 252
    path = write_bytes(tmp_path, TEXT.encode() * 3)
    assert len(path.read_bytes()) == 252
    assert ingest_error(path) == (
        "The file is 252 bytes; the limit is 100 bytes. Split it by year and import the parts."
    )


def test_file_exactly_at_the_size_limit_is_accepted(tmp_path, db, monkeypatch):
    data = TEXT.encode()
    monkeypatch.setattr(source, "MAX_FILE_BYTES", len(data))
    assert import_file(db, write_bytes(tmp_path, data)).rows_imported == 3


def test_size_limit_message_in_gigabytes(tmp_path, monkeypatch):
    # The real limit is 1 GiB; a 1.5 GiB file is described without writing one: stat() is faked.
    path = write_bytes(tmp_path, TEXT.encode())
    real_getsize = source.os.path.getsize
    monkeypatch.setattr(source.os.path, "getsize", lambda p: 3 * 2**29 if str(p) == str(path) else real_getsize(p))
    assert ingest_error(path) == "The file is 1.5 GB; the limit is 1 GB. Split it by year and import the parts."


def test_converted_copy_is_deleted_after_import(tmp_path, db):
    path = write_bytes(tmp_path, "Date;Client;Amount\n05.03.2024;Ж;1,00\n".encode("cp1251"))
    plan = inspect_file(path)
    temp = Path(plan.source.path)
    assert plan.source.converted and temp.exists() and temp != path
    plan.close()
    assert not temp.exists()
