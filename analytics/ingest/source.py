"""Turn the bytes a user gave into a UTF-8 file DuckDB can read, refusing what is not a table.

Checks, in order: size limit, empty file, a zip or OLE2 document (an Excel workbook is converted
to a UTF-8 CSV of one sheet by :mod:`.excel`; any other such document, or one that is not a
workbook by :func:`.excel.is_workbook`, is refused as "not a CSV file"), other binary content, then
the text encoding. UTF-8 (with or without BOM) is read in place; UTF-16 with a
BOM and legacy single-byte code pages (Windows-1251/1250/1252 by a letter-plausibility score, any
other by ``charset-normalizer``) are converted to a UTF-8 temporary file first, because DuckDB's
reader only takes UTF-8 (and UTF-16/Latin-1) natively.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import excel
from .errors import IngestError

#: Largest file accepted: 1 GiB, the same as the upload limit in .streamlit/config.toml.
MAX_FILE_BYTES = 1024 * 1024 * 1024

_SNIFF_BYTES = 64 * 1024
_ZIP_MAGIC = b"PK\x03\x04"  # .xlsx, .ods and any zip
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .doc
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class TextSource:
    """A readable UTF-8 version of the user's file.

    ``path`` is what DuckDB reads; ``encoding`` is what the original was detected as;
    ``content_hash`` is the SHA-256 of the original bytes (the dataset's identity).
    """

    path: str
    encoding: str
    content_hash: str
    size_bytes: int
    converted: bool  # True when ``path`` is a temporary UTF-8 copy we must delete
    sheets: tuple[str, ...] = ()  # an Excel workbook's sheet names (empty for text files)
    sheet: str | None = None  # the sheet that ``path`` holds

    def cleanup(self) -> None:
        if self.converted:
            Path(self.path).unlink(missing_ok=True)


def file_sha256(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def open_text_source(
    path: str | os.PathLike[str], encoding: str | None = None, sheet: str | None = None
) -> TextSource:
    """Validate the file at ``path`` and return a UTF-8 :class:`TextSource` for it.

    ``encoding`` forces a codec (any Python codec name); by default it is detected. It is ignored
    for a workbook, whose cells are Unicode: its ``encoding`` is ``utf-8``, the CSV written for it.
    ``sheet`` picks a workbook's sheet (default: the first with data); it is ignored for text files.
    A workbook's ``content_hash`` is the hash of the workbook file's bytes plus the sheet read, so
    each sheet of one workbook is its own dataset (and the same sheet twice is a duplicate).
    Raises :class:`IngestError` with a user-facing message for anything that is not a text table.
    """
    path = str(path)
    size = os.path.getsize(path)
    if size > MAX_FILE_BYTES:
        raise IngestError(
            f"The file is {_human_size(size)}; the limit is {_human_size(MAX_FILE_BYTES)}. "
            "Split it by year and import the parts."
        )
    with open(path, "rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if not head.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
        raise IngestError("The file is empty: there is nothing to import.")
    if head.startswith(_ZIP_MAGIC) or head.startswith(_OLE_MAGIC):
        if excel.is_workbook(path, head):
            sheet_csv = excel.workbook_to_csv(path, sheet)
            try:
                digest = f"{file_sha256(path)}:{sheet_csv.sheet}"
            except BaseException:
                Path(sheet_csv.path).unlink(missing_ok=True)
                raise
            return TextSource(
                sheet_csv.path, "utf-8", digest, size, converted=True, sheets=sheet_csv.sheets, sheet=sheet_csv.sheet
            )
        raise IngestError(
            "This is an Excel workbook (or another zipped/binary document), not a CSV file. "
            "In Excel use File → Save As → 'CSV UTF-8 (comma delimited)', then upload the .csv."
        )
    bom = next((name for mark, name in _BOMS if head.startswith(mark)), None)
    # One pass over the bytes hashes the file and, when the encoding is to be detected, checks it is UTF-8.
    digest, bad_offset = _scan(path, check_utf8=encoding is None and bom is None)
    detected = encoding or bom or _detect_encoding(path, head, bad_offset)
    if detected.replace("_", "-").lower() in ("utf-8", "utf8", "utf-8-sig", "ascii"):
        if b"\x00" in head:
            raise _binary_error()
        return TextSource(path, detected, digest, size, converted=False)
    return TextSource(_transcode_to_utf8(path, detected), detected, digest, size, converted=True)


def _human_size(size: int) -> str:
    """``1.5 GB``, ``20 MB``, ``900 bytes``: the sizes in the size-limit message."""
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def _binary_error() -> IngestError:
    return IngestError(
        "This looks like a binary file, not a CSV text file. Export your income as CSV and upload that."
    )


def _detect_encoding(path: str, head: bytes, bad_offset: int | None) -> str:
    """UTF-8 when the whole file decodes (``bad_offset`` None), else the legacy code page."""
    if bad_offset is None:
        return "utf-8"
    if b"\x00" in head:
        raise _binary_error()
    # Judge the code page on text that has non-ASCII bytes: the first 64 KB can be pure ASCII when
    # the first accented name comes late in the file.
    sample = head if bad_offset < len(head) else _read_at(path, max(0, bad_offset - _SNIFF_BYTES // 2), _SNIFF_BYTES)
    return _legacy_code_page(sample)


def _scan(path: str, check_utf8: bool) -> tuple[str, int | None]:
    """(SHA-256 of the file, offset of its first byte that is not UTF-8 or None) in one read.

    The whole file is decoded incrementally (a cp1251 byte can hide far past the first KB); without
    ``check_utf8`` the offset is None."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, bad = 0, None
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(4 * 1024 * 1024), b""):
            digest.update(block)
            if check_utf8 and bad is None:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as exc:
                    bad = max(0, offset + exc.start - len(decoder.getstate()[0]))
            offset += len(block)
    if check_utf8 and bad is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            bad = max(0, offset - 3)
    return digest.hexdigest(), bad


def _read_at(path: str, offset: int, size: int) -> bytes:
    with open(path, "rb") as handle:
        handle.seek(offset)
        return handle.read(size)


#: The legacy code pages of the users we serve, and the non-ASCII letters their languages use.
#: ``charset-normalizer`` alone mistakes short Polish cp1250 files for cp1252 ("Spó³ka"), so these
#: three are scored first (see :func:`_code_page_score`); other code pages are left to it.
#: ``œ`` is left out of cp1252 on purpose: it is rare in French, while the same byte is Polish ``ś``.
_LEGACY_LETTERS = {
    "cp1252": set("àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßšžÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝŠŽ"),
    "cp1250": set("ąćęłńóśźżčďěňřšťůžýáéíúäöüôĺľŕőűăâîşţßĄĆĘŁŃÓŚŹŻČĎĚŇŘŠŤŮŽÝÁÉÍÚÄÖÜÔĹĽŔŐŰĂÂÎŞŢ"),
    "cp1251": set("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґўАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯІЇЄҐЎ"),
}
_WORD_SPLIT = re.compile(r"[\x00-\x40\x5b-\x60\x7b-\x7f]+")  # ASCII non-letters
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def _legacy_code_page(sample: bytes) -> str:
    """The single-byte code page ``sample`` is most plausibly written in."""
    scores = {}
    for name in _LEGACY_LETTERS:
        try:
            scores[name] = _code_page_score(sample.decode(name), name)
        except UnicodeDecodeError:
            continue
    if scores and max(scores.values()) > 0:
        return max(scores, key=scores.get)  # ties: the first listed
    from charset_normalizer import from_bytes  # imported lazily: only unusual code pages need it

    best = from_bytes(sample).best()
    if best is None:
        raise _binary_error()
    return best.encoding


def _code_page_score(text: str, name: str) -> int:
    """+1 for each non-ASCII character that is a letter of the code page's languages, −1 for any
    other; a whole word scores negative when it mixes Cyrillic with Latin letters (cp1251 read as
    cp1250 gives ``Spуіka``) or, for the Latin code pages, consists of 4+ accented letters only
    (Cyrillic read as cp1252 gives ``Èâàíîâ``)."""
    letters = _LEGACY_LETTERS[name]
    score = 0
    for word in _WORD_SPLIT.split(text):
        high = [ch for ch in word if ord(ch) > 127]
        if not high:
            continue
        good = sum(ch in letters for ch in high)
        implausible = (
            bool(_ASCII_LETTER.search(word)) if name == "cp1251" else len(high) == len(word) >= 4
        )
        score += -len(high) if implausible else good - (len(high) - good)
    return score


def _transcode_to_utf8(path: str, encoding: str) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError as exc:
        raise IngestError(f"Unknown text encoding '{encoding}'.") from exc
    try:
        io.TextIOWrapper(io.BytesIO(), encoding=encoding)  # rot13, base64…: codecs, but not text encodings
    except LookupError as exc:
        raise IngestError(f"'{encoding}' is not a text encoding. Choose a text encoding such as UTF-8.") from exc
    fd, out_path = tempfile.mkstemp(prefix="eggbasket-", suffix=".csv")
    try:
        with open(path, encoding=encoding, newline="") as src, os.fdopen(fd, "w", encoding="utf-8", newline="") as dst:
            for block in iter(lambda: src.read(4 * 1024 * 1024), ""):
                dst.write(block.replace("\x00", ""))
    except UnicodeError as exc:
        Path(out_path).unlink(missing_ok=True)
        # UnicodeDecodeError says what and where; a plain UnicodeError (UTF-16 without a BOM) does not.
        where = f"{exc.reason} at byte {exc.start}" if isinstance(exc, UnicodeDecodeError) else str(exc)
        raise IngestError(
            f"The file is not valid {encoding} text ({where}). Choose another encoding or export the file as UTF-8."
        ) from exc
    except BaseException:
        Path(out_path).unlink(missing_ok=True)
        raise
    return out_path
