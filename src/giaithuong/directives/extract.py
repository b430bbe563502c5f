"""Text from letter files: plain text, DOCX and the text layer of a PDF.

Pure core: no Django. Every refusal is a `LetterFileError` with a message an officer can act on.
A DOCX is a zip archive, so it is checked before it is opened (a zip bomb is refused); a PDF with
no text layer is refused rather than guessed at.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

MAX_UNCOMPRESSED = 50 * 1024 * 1024  # bytes, all members of a DOCX together
MAX_RATIO = 100  # uncompressed / compressed, over the whole archive
MIN_PDF_TEXT = 20  # characters of real text below which a PDF is taken as a scan


class LetterFileError(ValueError):
    """A letter file that cannot be read; the message says why in plain English."""


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without a BOM), UTF-16 when it has a BOM or looks like it, else CP1258
    (the Vietnamese Windows code page older files use)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _nfc(data.decode("utf-16"))
    if len(data) >= 4 and data.count(b"\x00") > len(data) // 4:
        try:
            return _nfc(data.decode("utf-16-le" if data[1] == 0 else "utf-16-be"))
        except UnicodeDecodeError:
            pass
    try:
        return _nfc(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    try:
        return _nfc(data.decode("cp1258"))
    except UnicodeDecodeError as error:
        raise LetterFileError(
            "The text file is neither UTF-8, UTF-16 nor Windows-1258; save it as UTF-8 and try "
            "again.") from error


def check_zip(data: bytes, *, max_uncompressed: int = MAX_UNCOMPRESSED,
              max_ratio: float = MAX_RATIO) -> None:
    """Refuse an archive that would expand too far (a zip bomb) before anything is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as error:
        raise LetterFileError("The file is not a valid DOCX (it is not a zip archive).") from error
    total = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if total > max_uncompressed:
        raise LetterFileError(
            f"The DOCX would unpack to {total / 1024 / 1024:.0f} MB, more than the "
            f"{max_uncompressed / 1024 / 1024:.0f} MB allowed; it looks like a zip bomb and was "
            "not opened.")
    if packed and total / packed > max_ratio:
        raise LetterFileError(
            f"The DOCX is compressed {total / packed:.0f} times, more than the {max_ratio:g} "
            "allowed; it looks like a zip bomb and was not opened.")
    # The sizes above are what the archive declares; a forged archive can lie, so unpack it
    # once in small chunks and stop at the limit.
    unpacked = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in members:
                with archive.open(member) as stream:
                    while chunk := stream.read(1 << 16):
                        unpacked += len(chunk)
                        if unpacked > max_uncompressed:
                            raise LetterFileError(
                                "The DOCX unpacks to more than its declared size and beyond "
                                f"{max_uncompressed / 1024 / 1024:.0f} MB; it looks like a "
                                "zip bomb and was not opened.")
    except LetterFileError:
        raise
    # zipfile signals a compression method it cannot unpack with NotImplementedError: for us that
    # is one more kind of damaged DOCX.
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as error:
        raise LetterFileError(f"The DOCX is damaged and cannot be unpacked: {error}.") from error


def docx_text(data: bytes) -> str:
    """Paragraphs and table cells of a DOCX, in reading order; header tables (the two-column
    issuer/Quốc hiệu block) are read row by row, left cell first."""
    check_zip(data)
    try:
        import docx  # python-docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as error:  # pragma: no cover - installed with the project
        raise LetterFileError("Reading DOCX needs the python-docx package.") from error
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds on a broken package
        raise LetterFileError(f"The DOCX cannot be opened: {error}.") from error
    lines: list[str] = []

    def walk(container: object) -> None:
        for block in container.iter_inner_content():  # type: ignore[attr-defined]
            if isinstance(block, Paragraph):
                lines.append(block.text)
            elif isinstance(block, Table):
                read_table(block)

    def read_table(table: Table) -> None:
        # A header table holds two columns side by side; reading the left column whole, then
        # the right, keeps each block's lines together.
        columns = max((len(row.cells) for row in table.rows), default=0)
        for column in range(columns):
            seen: set[int] = set()
            for row in table.rows:
                if column < len(row.cells):
                    cell = row.cells[column]
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    walk(cell)
            lines.append("")

    walk(document)
    return _nfc("\n".join(lines))


def pdf_text(data: bytes) -> str:
    """The text layer of a PDF. A PDF without one (a scan) is refused: reading it needs OCR."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as error:  # pragma: no cover - installed with the project
        raise LetterFileError("Reading PDF needs the pypdf package.") from error
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as error:
                raise LetterFileError("The PDF is encrypted; send an unprotected copy.") \
                    from error
        pages = [page.extract_text() or "" for page in reader.pages]
    except LetterFileError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise LetterFileError(f"The PDF cannot be read: {error}.") from error
    text = _nfc("\n".join(pages))
    if sum(char.isalpha() for char in text) < MIN_PDF_TEXT:
        raise LetterFileError(
            "This PDF has no text layer (a scan?); it cannot be read without OCR.")
    return text


def sniff(data: bytes, name: str = "") -> str:
    """'pdf', 'docx' or 'text', from the content first and the file name second."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf":
        return "pdf"
    if suffix == ".docx":
        return "docx"
    return "text"


def extract_bytes(data: bytes, name: str = "") -> str:
    kind = sniff(data, name)
    if kind == "pdf":
        return pdf_text(data)
    if kind == "docx":
        return docx_text(data)
    if Path(name).suffix.lower() == ".doc" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise LetterFileError("Old Word .doc files cannot be read; save the letter as DOCX.")
    return decode_text(data)


def extract_text(path: str | Path) -> str:
    """The text of a letter file (.txt, .md, .docx, .pdf)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise LetterFileError(f"No such file: {path}.") from error
    except IsADirectoryError as error:
        raise LetterFileError(f"{path} is a folder, not a letter file.") from error
    except OSError as error:
        raise LetterFileError(f"{path} cannot be read: {error.strerror}.") from error
    return extract_bytes(data, path.name)
