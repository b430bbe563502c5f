"""Reading and writing unit spreadsheets: CSV and xlsx.

Pure core: no Django. Uploaded files are untrusted, so reading is bounded before anything is
parsed: at most 5 MB on disk and 50,000 rows; an xlsx (a zip archive) is checked against zip
bombs, then read by openpyxl in read-only mode (defusedxml, which openpyxl uses when it is
installed, refuses XML entity tricks). Writing marks every cell as text, so names that start
with "=" never become formulas.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000  # data rows, the header not counted
MAX_COLUMNS = 64  # cells read per row: a stray cell in column XFD must not cost 16,384 reads
MAX_UNCOMPRESSED = 120 * 1024 * 1024  # an xlsx of 50,000 rows unpacks to well under this
MAX_RATIO = 100
_XLSX_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class UnitFileError(ValueError):
    """A spreadsheet that cannot be read. Carries the reason in Vietnamese and English."""

    def __init__(self, message_vi: str, message_en: str):
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en

    def message(self, language: str = "vi") -> str:
        return self.message_en if language.startswith("en") else self.message_vi


def _too_many_rows() -> UnitFileError:
    return UnitFileError(
        f"Tệp có hơn {MAX_ROWS:,} dòng; hãy chia thành nhiều tệp.".replace(",", "."),
        f"The file has more than {MAX_ROWS:,} rows; split it into several files.")


def read_table(data: bytes, filename: str = "") -> tuple[list[object], list[list[object]]]:
    """The header row and the data rows of a CSV or xlsx file (the first worksheet)."""
    if len(data) > MAX_BYTES:
        raise UnitFileError(
            f"Tệp lớn hơn {MAX_BYTES // 1024 // 1024} MB.",
            f"The file is larger than {MAX_BYTES // 1024 // 1024} MB.")
    if not data.strip():
        raise UnitFileError("Tệp rỗng.", "The file is empty.")
    if data.startswith(_OLE2_MAGIC) or filename.lower().endswith(".xls"):
        raise UnitFileError(
            "Định dạng .xls cũ không được hỗ trợ; hãy lưu thành .xlsx hoặc CSV (UTF-8).",
            "The old .xls format is not supported; save the file as .xlsx or CSV (UTF-8).")
    rows = _xlsx_rows(data) if data.startswith(_XLSX_MAGIC) else _csv_rows(data)
    header = next(rows, None)
    if header is None:
        raise UnitFileError("Tệp không có dòng tiêu đề.", "The file has no header row.")
    body = []
    for row in rows:
        if len(body) >= MAX_ROWS:
            raise _too_many_rows()
        body.append(row)
    return header, body


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1258 (older Vietnamese
    spreadsheets saved as CSV)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258")
    except UnicodeDecodeError as error:
        raise UnitFileError(
            "Không đọc được bảng mã của tệp CSV; hãy lưu lại dạng CSV UTF-8.",
            "The CSV file's encoding is unknown; save it as CSV UTF-8.") from error


def _csv_rows(data: bytes) -> Iterator[list[object]]:
    text = unicodedata.normalize("NFC", decode_text(data))
    if "\x00" in text:
        raise UnitFileError("Tệp không phải CSV hoặc xlsx.",
                            "The file is neither CSV nor xlsx.")
    first_line = text.split("\n", 1)[0]
    # Excel in a Vietnamese locale saves CSV with ";" between cells.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield row[:MAX_COLUMNS]
    except csv.Error as error:
        raise UnitFileError(f"Tệp CSV bị lỗi: {error}.", f"The CSV file is damaged: {error}.") \
            from error


def check_zip(data: bytes) -> None:
    """Refuse an archive that would expand too far, by its declared sizes and then by
    unpacking it once in small chunks (declared sizes can be forged)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            total = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members)
            if total > MAX_UNCOMPRESSED or (packed and total / packed > MAX_RATIO):
                raise _zip_bomb()
            unpacked = 0
            for member in members:
                with archive.open(member) as stream:
                    while chunk := stream.read(1 << 16):
                        unpacked += len(chunk)
                        if unpacked > MAX_UNCOMPRESSED:
                            raise _zip_bomb()
    except UnitFileError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as error:
        raise UnitFileError("Tệp xlsx bị hỏng, không mở được.",
                            "The xlsx file is damaged and cannot be opened.") from error


def _zip_bomb() -> UnitFileError:
    return UnitFileError(
        "Tệp xlsx giải nén ra quá lớn (nghi là “bom nén”) nên không được mở.",
        "The xlsx file would unpack to far too much data (it looks like a zip bomb) and was "
        "not opened.")


def _xlsx_rows(data: bytes) -> Iterator[list[object]]:
    check_zip(data)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise UnitFileError("Tệp xlsx bị hỏng, không mở được.",
                            "The xlsx file is damaged and cannot be opened.") from error
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            cells = [_cell_text(value) for value in values]
            while cells and cells[-1] in (None, ""):
                cells.pop()  # a sheet without dimensions comes back padded to max_col
            yield cells
    except UnitFileError:
        raise
    except Exception as error:
        raise UnitFileError("Tệp xlsx bị hỏng, không đọc hết được.",
                            "The xlsx file is damaged and cannot be read to the end.") \
            from error
    finally:
        workbook.close()


def _cell_text(value: object) -> object:
    """Numbers typed into a sheet come back as floats: 10672.0 is the code 10672."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None or isinstance(value, str):
        return value
    return str(value)


def _guard(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[bytes]:
    """CSV in UTF-8 with a BOM (so Excel shows Vietnamese right), a few hundred rows per chunk.
    A cell a spreadsheet would run as a formula gets a leading quote, which reading removes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    yield "\ufeff".encode() + buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(rows, start=1):
        writer.writerow([_guard(value or "") for value in row])
        if count % 500 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue().encode()


def write_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    return b"".join(csv_chunks(header, rows))


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[str]], *,
               title: str = "units") -> bytes:
    """A one-sheet workbook written in streaming mode; every cell is text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    # Sheet names cannot hold []:*?/\ and have at most 31 characters.
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip()
                                  or "units")
    sheet.freeze_panes = "A2"
    for index, column in enumerate(header, start=1):
        wide = column in ("name", "parent", "header_parent")
        sheet.column_dimensions[get_column_letter(index)].width = 48 if wide else 18
    bold = Font(bold=True)

    def text_cell(value: str, font: Font | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value or None)
        if value:
            cell.data_type = "s"  # never a formula, even when the text starts with "="
        if font is not None:
            cell.font = font
        return cell

    def cells(row: Sequence[str]) -> list:
        # Plain values are three times faster to write; only text openpyxl would take for a
        # formula needs a cell of its own.
        return [text_cell(value) if value and value.startswith("=") else (value or None)
                for value in row]

    sheet.append([text_cell(column, bold) for column in header])
    for row in rows:
        sheet.append(cells(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
