"""Turn the bytes a user gave into a UTF-8 file DuckDB can read, refusing what is not a CSV.

Checks, in order: size limit, empty file, binary content (an Excel workbook or another binary file
given as CSV), then the text encoding. UTF-8 (with or without BOM) is read in place; UTF-16 with a
BOM and legacy single-byte code pages (Windows-1251/1250/1252, Latin-1…) detected by
``charset-normalizer`` are converted to a UTF-8 temporary file first, because DuckDB's reader only
takes UTF-8 (and UTF-16/Latin-1) natively.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

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

    def cleanup(self) -> None:
        if self.converted:
            Path(self.path).unlink(missing_ok=True)


def file_sha256(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def open_text_source(path: str | os.PathLike[str], encoding: str | None = None) -> TextSource:
    """Validate the file at ``path`` and return a UTF-8 :class:`TextSource` for it.

    ``encoding`` forces a codec (any Python codec name); by default it is detected.
    Raises :class:`IngestError` with a user-facing message for anything that is not a text table.
    """
    path = str(path)
    size = os.path.getsize(path)
    if size > MAX_FILE_BYTES:
        raise IngestError(
            f"The file is {size / 2**30:.1f} GB; the limit is {MAX_FILE_BYTES // 2**30} GB. "
            "Split it by year and import the parts."
        )
    with open(path, "rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if not head.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
        raise IngestError("The file is empty: there is nothing to import.")
    if head.startswith(_ZIP_MAGIC) or head.startswith(_OLE_MAGIC):
        raise IngestError(
            "This is an Excel workbook (or another zipped/binary document), not a CSV file. "
            "In Excel use File → Save As → 'CSV UTF-8 (comma delimited)', then upload the .csv."
        )
    detected = encoding or _detect_encoding(path, head)
    if detected.replace("_", "-").lower() in ("utf-8", "utf8", "utf-8-sig", "ascii"):
        if b"\x00" in head:
            raise _binary_error()
        return TextSource(path, detected, file_sha256(path), size, converted=False)
    return TextSource(_transcode_to_utf8(path, detected), detected, file_sha256(path), size, converted=True)


def _binary_error() -> IngestError:
    return IngestError(
        "This looks like a binary file, not a CSV text file. Export your income as CSV and upload that."
    )


def _detect_encoding(path: str, head: bytes) -> str:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if _is_utf8(path):
        return "utf-8"
    if b"\x00" in head:
        raise _binary_error()
    from charset_normalizer import from_bytes  # imported lazily: only legacy files need it

    best = from_bytes(head).best()
    if best is None:
        raise _binary_error()
    return best.encoding


def _is_utf8(path: str) -> bool:
    """Decode the whole file incrementally as UTF-8 (a cp1251 byte can hide far past the first KB)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(4 * 1024 * 1024), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _transcode_to_utf8(path: str, encoding: str) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError as exc:
        raise IngestError(f"Unknown text encoding '{encoding}'.") from exc
    fd, out_path = tempfile.mkstemp(prefix="eggbasket-", suffix=".csv")
    try:
        with open(path, encoding=encoding, newline="") as src, os.fdopen(fd, "w", encoding="utf-8", newline="") as dst:
            for block in iter(lambda: src.read(4 * 1024 * 1024), ""):
                dst.write(block.replace("\x00", ""))
    except (UnicodeDecodeError, UnicodeError) as exc:
        Path(out_path).unlink(missing_ok=True)
        raise IngestError(
            f"The file is not valid {encoding} text ({exc.reason} at byte {exc.start}). "
            "Choose another encoding or export the file as UTF-8."
        ) from exc
    return out_path
