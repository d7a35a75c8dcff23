"""Read an Excel workbook into a temporary UTF-8 CSV file that the normal CSV pipeline reads.

Workbooks are read with ``python-calamine``: ``.xlsx``/``.xlsm``/``.xlsb``, legacy ``.xls`` and
OpenDocument ``.ods``.

Which files are workbooks (:func:`is_workbook`)
    A file that starts like a zip archive (``PK\\x03\\x04``) is a workbook when it is a valid zip
    holding an ``xl/`` part (Excel) or the OpenDocument spreadsheet ``mimetype``; a zip that cannot
    be opened is one when its name ends in a workbook suffix (:data:`WORKBOOK_SUFFIXES`) or its
    first bytes name an ``xl/`` part. A file that starts like an OLE2 compound document (legacy
    ``.xls``, also ``.doc``) is a workbook when its name ends in a workbook suffix or it holds a
    ``Workbook``/``Book`` stream, or an ``EncryptedPackage`` stream (a password-protected
    ``.xlsx``). Anything else is refused by :mod:`.source` as "not a CSV file".

Which sheet
    The sheet the user chose; by default the first worksheet with a non-empty cell. Only
    worksheets are offered (chart, dialog and macro sheets hold no table). An unknown or empty sheet
    is an :class:`IngestError` that lists the other sheets; so is a workbook with no data at all.

Cells → text (:func:`cell_text`)
    * dates and date-times (cells with a date format, including serial numbers formatted as dates)
      → ISO ``YYYY-MM-DD``; the time of day is dropped;
    * numbers → plain decimal text without exponent and without binary float noise: rounded to 15
      significant digits (Excel's own precision, so ``0.1+0.2`` gives ``0.3``), then to at most 10
      decimal places; whole numbers without a decimal point (``1200``), ``1234.5`` stays ``1234.5``;
    * booleans → ``TRUE``/``FALSE``; empty cells → empty; times → ``HH:MM:SS``; durations as
      Python writes them (``1 day, 2:00:00``);
    * text as it is, except that line breaks inside a cell become one space (so every sheet row
      stays one CSV line).

Dates stored as plain numbers (:func:`serial_to_date`)
    A date column formatted as "Number" or "General" shows serials like ``45296``. In the column
    whose header (in the header row found by :func:`.header.find_header_row`, else the first
    non-empty row) is a date name (:func:`.header.header_matches` with ``"date"``), when every
    number below the header is within 20,000–80,000 (1954-10-03 – 2119-01-11), those numbers are
    converted with Excel's 1900 date system: serial 1 is 1900-01-01, serial 60 is Excel's fictitious
    1900-02-29, and from 61 on the date is 1899-12-30 plus the serial in days (a fraction, the time,
    is dropped). A workbook in the 1904 date system (old Mac Excel) would be 4 years off for such
    unformatted serials; cells with a date format are always right (calamine reads them).

The CSV
    Comma-delimited, every field in double quotes (a ``"`` inside doubled), ``\\n`` line ends: with
    quotes on the header line DuckDB's sniffer always finds the quoting, even when the first comma
    or quote inside a value comes after its sample. Line *n* of the CSV is row *n* of the sheet
    (empty rows, also those above the data, are written as blank lines), so the line numbers the
    importer reports are the sheet's row numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import re
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum

from .errors import IngestError
from .header import find_header_row, header_matches

#: File name endings of the workbooks calamine reads.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
#: Plain numbers in a date column within this range are Excel serial dates (1954-10-03 – 2119-01-11).
SERIAL_RANGE = (20_000, 80_000)

_ZIP_MAGIC = b"PK\x03\x04"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# OLE2 directory entry names are UTF-16LE, NUL-terminated.
_OLE_WORKBOOK_STREAMS = tuple(name.encode("utf-16-le") + b"\x00\x00" for name in ("Workbook", "Book"))
_OLE_ENCRYPTED = "EncryptedPackage".encode("utf-16-le") + b"\x00\x00"
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029]")
_SIGNIFICANT_DIGITS = 15
_MAX_DECIMALS = 10


@dataclass(frozen=True)
class SheetCsv:
    """One sheet written as CSV: ``path`` (a temporary file the caller deletes), the workbook's
    worksheet names, and the sheet that was read."""

    path: str
    sheets: tuple[str, ...]
    sheet: str


def is_workbook(path: str, head: bytes) -> bool:
    """True when the zip or OLE2 file at ``path`` (its first bytes are ``head``) is a workbook,
    possibly damaged or password-protected (rules in the module docstring)."""
    suffix_says = Path(path).suffix.lower() in WORKBOOK_SUFFIXES
    if head.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
                if any(name.startswith("xl/") for name in names):
                    return True
                return "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIMETYPE
        except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):  # RuntimeError: encrypted entry
            return suffix_says or b"xl/" in head
    return suffix_says or _contains_any(path, (*_OLE_WORKBOOK_STREAMS, _OLE_ENCRYPTED))


def workbook_to_csv(path: str, sheet: str | None = None) -> SheetCsv:
    """Write ``sheet`` (default: the first worksheet with data) of the workbook at ``path`` to a
    temporary UTF-8 CSV file; raise :class:`IngestError` when it cannot be read."""
    try:
        workbook = CalamineWorkbook.from_path(path)
    except PasswordError as exc:
        raise _password_error() from exc
    except Exception as exc:  # calamine raises its own errors and, for some damage, others
        raise _unreadable(path) from exc
    with workbook:
        names = tuple(m.name for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet)
        if sheet is not None and sheet not in names:
            raise IngestError(f"The workbook has no sheet named {sheet!r}. Its sheets: {_list(names)}.")
        for name in (sheet,) if sheet is not None else names:
            start, rows = _read_sheet(workbook, path, name)
            if any(_cell_filled(v) for row in rows for v in row):
                return SheetCsv(_write_csv(start, _sheet_text(rows)), names, name)
        if sheet is not None:
            others = tuple(n for n in names if n != sheet)
            raise IngestError(f"The sheet {sheet!r} is empty. Choose another sheet: {_list(others)}.")
        raise IngestError(
            "The workbook has no data: every sheet is empty." if names else "The workbook has no worksheets."
        )


def cell_text(value: object) -> str:
    """One cell as CSV text (rules in the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_number(value)
    return _LINE_BREAKS.sub(" ", str(value))


def format_number(value: float) -> str:
    """``value`` as plain decimal text: 15 significant digits, at most 10 decimals, no exponent,
    no trailing zeros (``1200.0`` → ``1200``, ``0.30000000000000004`` → ``0.3``, ``1e-07`` →
    ``0.0000001``)."""
    if not math.isfinite(value):
        return ""
    number = Decimal(format(value, f".{_SIGNIFICANT_DIGITS}g"))
    if number.as_tuple().exponent < -_MAX_DECIMALS:  # only below 10^5 with 15 digits: exact quantize
        number = number.quantize(Decimal(1).scaleb(-_MAX_DECIMALS))
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def serial_to_date(serial: float) -> dt.date | None:
    """The date of an Excel serial number in the 1900 date system; None for serial 60 (Excel's
    fictitious 1900-02-29) and for serials below 1. The fraction (time of day) is dropped."""
    days = math.floor(serial)
    if days < 1 or days == 60:
        return None
    if days < 60:
        return dt.date(1899, 12, 31) + dt.timedelta(days=days)
    return dt.date(1899, 12, 30) + dt.timedelta(days=days)


# -- reading ------------------------------------------------------------------------------------------


def _read_sheet(workbook: CalamineWorkbook, path: str, name: str) -> tuple[int, list[list]]:
    """(number of empty rows above the data, the rows from the first non-empty row and column)."""
    try:
        data = workbook.get_sheet_by_name(name)
        rows = data.to_python(skip_empty_area=True)
        start = data.start
    except PasswordError as exc:
        raise _password_error() from exc
    except Exception as exc:
        raise _unreadable(path) from exc
    return (start[0] if start else 0), rows


def _sheet_text(rows: list[list]) -> list[list[str]]:
    """Every cell as text, with serial numbers in date columns turned into ISO dates."""
    text = [[cell_text(v) for v in row] for row in rows]
    header = find_header_row(text)
    index = header.index if header else next((i for i, row in enumerate(text) if any(row)), 0)
    if index >= len(text):
        return text
    for column, name in enumerate(text[index]):
        if not header_matches(name, "date"):
            continue
        numbers = [
            (i, row[column])
            for i, row in enumerate(rows[index + 1 :], start=index + 1)
            if column < len(row) and _is_number(row[column])
        ]
        low, high = SERIAL_RANGE
        if numbers and all(low <= value <= high for _, value in numbers):
            for i, value in numbers:
                text[i][column] = serial_to_date(value).isoformat()
    return text


def _write_csv(blank_rows_above: int, rows: list[list[str]]) -> str:
    fd, out_path = tempfile.mkstemp(prefix="eggbasket-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write("\n" * blank_rows_above)
            writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
            for row in rows:
                if any(row):
                    writer.writerow(row)
                else:
                    out.write("\n")
    except BaseException:
        Path(out_path).unlink(missing_ok=True)
        raise
    return out_path


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _cell_filled(value: object) -> bool:
    return not (value is None or (isinstance(value, str) and not value.strip()))


def _contains_any(path: str, needles: Sequence[bytes]) -> bool:
    """True when any of ``needles`` occurs in the file (read in blocks; a needle may span two)."""
    overlap = max(len(n) for n in needles) - 1
    tail = b""
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(4 * 1024 * 1024), b""):
            window = tail + block
            if any(n in window for n in needles):
                return True
            tail = window[-overlap:]
    return False


def _list(names: Sequence[str]) -> str:
    return ", ".join(repr(n) for n in names) if names else "(none)"


def _password_error() -> IngestError:
    return IngestError(
        "The file could not be opened as an Excel workbook: it is password-protected. Open it in Excel, "
        "remove the password (File → Info → Protect Workbook), save it and upload it again, or save it "
        "as 'CSV UTF-8 (comma delimited)' and upload the .csv."
    )


def _unreadable(path: str) -> IngestError:
    if _contains_any(path, (_OLE_ENCRYPTED,)):
        return _password_error()
    return IngestError(
        "The file could not be opened as an Excel workbook: it is damaged or incomplete. Open it in "
        "Excel and save it again, or save it as 'CSV UTF-8 (comma delimited)' and upload the .csv."
    )
