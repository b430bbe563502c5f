"""Entry receipts (giấy biên nhận tác phẩm dự thi) as one A4 page of PDF, drawn by Typst.

The entrant's proof of what was received and when: the receipt number, the work, its category,
the moment of submission in Vietnam's time, every file with its size and SHA-256, and a QR code
of the entry's status page. Vietnamese first, English on the second line. `receipt_fields`
formats everything (plain strings, testable without Typst); `typst/receipt.typ` only places it,
taking user text as data, never as markup.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import unicodedata
from zoneinfo import ZoneInfo

from giaithuong.common.text import nfc, short_date
from giaithuong.documents.pdf import renderer
from giaithuong.documents.qr import qr_svg

TEMPLATE = "receipt.typ"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# Monospaced faces for the hashes, matched to the text face; Typst embeds DejaVu Sans Mono.
_MONO = {"Liberation Serif": "Liberation Mono", "Tinos": "Cousine"}
_MONO_FALLBACK = "DejaVu Sans Mono"
SHORT_HASH = 16
URL_LINE = 34  # characters of 6.5 pt monospace in the 50 mm column under the QR code
_SHA256 = re.compile(r"[0-9a-f]{64}")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


@dataclasses.dataclass(frozen=True, slots=True)
class ReceiptFile:
    """One file received (tệp đã nộp). `label` says what it is, e.g. "Tác phẩm / Work"."""

    name: str
    size: int
    sha256: str
    label: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class ReceiptData:
    """What a receipt (giấy biên nhận) states. `award_title_*` is the award's name without the
    edition ("Giải thưởng toàn quốc về thông tin đối ngoại"); `edition_ordinal` is Roman ("XII").
    `submitted_at` must be timezone-aware; it is printed in Asia/Ho_Chi_Minh."""

    award_title_vi: str
    award_title_en: str
    edition_ordinal: str
    receipt_number: str
    entry_title: str
    category_name_vi: str
    category_name_en: str
    participant_name: str
    authors: tuple[str, ...]
    submitted_at: dt.datetime
    files: tuple[ReceiptFile, ...]
    status_url: str


def _clean(value: str) -> str:
    """NFC, with control and format characters (which could hide or reorder text) removed."""
    kept = (" " if unicodedata.category(c) == "Cc" else c for c in nfc(value)
            if unicodedata.category(c) != "Cf")
    return " ".join("".join(kept).split())


def _pair(vi: str, en: str = "") -> dict[str, str]:
    return {"vi": vi, "en": en}


def roman_to_int(ordinal: str) -> int | None:
    """12 for "XII"; None when the text is not a Roman numeral in canonical form."""
    text = ordinal.strip().upper()
    if not text or any(c not in _ROMAN for c in text):
        return None
    total = 0
    for index, char in enumerate(text):
        value = _ROMAN[char]
        following = _ROMAN[text[index + 1]] if index + 1 < len(text) else 0
        total += -value if value < following else value
    return total if _int_to_roman(total) == text else None


def _int_to_roman(number: int) -> str:
    parts = []
    for value, symbol in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                          (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                          (4, "IV"), (1, "I")):
        count, number = divmod(number, value)
        parts.append(symbol * count)
    return "".join(parts)


def english_ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th')}"


def award_line(data: ReceiptData) -> dict[str, str]:
    """"Giải thưởng … lần thứ XII" and "The 12th …"."""
    ordinal = _clean(data.edition_ordinal)
    number = roman_to_int(ordinal)
    english = (f"The {english_ordinal(number)} {_clean(data.award_title_en)}" if number
               else f"{_clean(data.award_title_en)}, edition {ordinal}")
    return _pair(f"{_clean(data.award_title_vi)} lần thứ {ordinal}", english)


def submitted_line(moment: dt.datetime) -> dict[str, str]:
    """"23:59:59 ngày 31/7/2026" in Vietnam's time, with the English reading below."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("submitted_at must be timezone-aware")
    local = moment.astimezone(ZONE)
    clock = f"{local:%H:%M:%S}"
    return _pair(
        f"{clock} ngày {short_date(local.date())} (giờ Việt Nam, UTC+7)",
        f"{clock} on {local.day} {_MONTHS_EN[local.month - 1]} {local.year} "
        "(Vietnam time, UTC+7)",
    )


def _grouped(value: int, separator: str) -> str:
    return f"{value:,}".replace(",", separator)


def size_text(size: int) -> dict[str, str]:
    """Sizes as people read them: bytes, then KB, MB or GB with one decimal (a comma in
    Vietnamese, a point in English). Binary units, as the upload limits are."""
    if size < 0:
        raise ValueError("a file size cannot be negative")
    if size < 1024:
        return _pair(f"{size} byte", f"{size} bytes")
    for unit, scale in (("KB", 1024), ("MB", 1024**2), ("GB", 1024**3)):
        tenths = (size * 10 + scale // 2) // scale  # integers: exact for any size
        if tenths < 10240 or unit == "GB":
            whole, tenth = divmod(tenths, 10)
            vi = _grouped(whole, ".") + (f",{tenth}" if tenth else "") + f" {unit}"
            en = _grouped(whole, ",") + (f".{tenth}" if tenth else "") + f" {unit}"
            return _pair(vi, en)
    raise AssertionError("unreachable")


def pieces(text: str, longest: int = 20) -> list[str]:
    """`text` cut where a line may break: after spaces and separators, and inside runs longer
    than `longest`, so a 200-character file name or URL wraps within its cell. The template
    sets each piece in a box; Typst breaks between boxes and never inside a long word."""
    out: list[str] = []
    current = ""
    for char in text:
        current += char
        if char.isspace() or char in "_-./\\?&=" or len(current) >= longest:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` characters, broken where `pieces` allows: for the
    URL under the QR code, set in a fixed-width face, whose lines are centred."""
    lines: list[str] = []
    for piece in pieces(text, width):
        if lines and len(lines[-1]) + len(piece) <= width:
            lines[-1] += piece
        else:
            lines.append(piece)
    return lines


def _file(entry: ReceiptFile) -> dict:
    digest = entry.sha256.strip().lower()
    if not _SHA256.fullmatch(digest):
        raise ValueError(f"not a SHA-256 in hexadecimal: {entry.sha256!r}")
    return {
        "name": pieces(_clean(entry.name) or "—"),
        "label": _clean(entry.label),
        "size": size_text(entry.size),
        "bytes": _grouped(entry.size, ".") + " byte",
        "short": " ".join(digest[i:i + 4] for i in range(0, SHORT_HASH, 4)),
        "sha256": digest,
    }


LABELS = {
    "number": _pair("Số biên nhận", "Receipt number"),
    "title": _pair("Tác phẩm", "Work"),
    "category": _pair("Hạng mục", "Category"),
    "participant": _pair("Người dự thi", "Entrant"),
    "authors": _pair("Tác giả", "Author(s)"),
    "submitted": _pair("Thời điểm nộp", "Submitted at"),
}
HEADING = _pair("GIẤY BIÊN NHẬN TÁC PHẨM DỰ THI", "Entry receipt")
QR_CAPTION = _pair("Quét mã để xem trạng thái hồ sơ", "Scan to see the entry's status")
FILES_HEADING = _pair("Tệp đã nhận", "Files received")
COLUMNS = (
    _pair("TT", "No."), _pair("Tên tệp và mã SHA-256", "File name and SHA-256"),
    _pair("Dung lượng", "Size"), _pair("SHA-256 (rút gọn)", "SHA-256 (short)"),
)
COMPACT_COLUMNS = (*COLUMNS[:3], _pair("SHA-256", "SHA-256"))
NO_FILES = _pair("Hồ sơ không kèm tệp.", "No files came with the entry.")
NOTES = (
    _pair("Giấy biên nhận này xác nhận hệ thống đã nhận hồ sơ dự thi vào thời điểm nêu trên. "
          "Ban Tổ chức xem xét tính hợp lệ của hồ sơ và thông báo kết quả qua thư điện tử và "
          "trang trạng thái hồ sơ.",
          "This receipt confirms that the entry was received at the time stated above. The "
          "organisers check that it is valid and tell you by e-mail and on its status page."),
    _pair("Mã SHA-256 là dấu vân tay của từng tệp: một tệp cho ra đúng mã này chính là tệp "
          "đã nộp, không sai khác một byte.",
          "The SHA-256 code is each file's fingerprint: a file that gives this exact code is "
          "the file received, to the byte."),
)


def receipt_fields(data: ReceiptData) -> dict:
    """Everything the template prints, formatted; raises ValueError on data a receipt must
    not carry (a naive time, a malformed hash, a status URL that is not http(s))."""
    url = data.status_url.strip()
    if not re.fullmatch(r"https?://[^\s]+", url):
        raise ValueError(f"the status URL must be an http(s) address: {data.status_url!r}")
    number = _clean(data.receipt_number)
    if not number:
        raise ValueError("a receipt needs its number")
    authors = ", ".join(a for a in (_clean(a) for a in data.authors) if a)
    award = award_line(data)
    fields = [
        ("number", _pair(number), True),
        ("title", _pair(_clean(data.entry_title)), False),
        ("category", _pair(_clean(data.category_name_vi), _clean(data.category_name_en)), False),
        ("participant", _pair(_clean(data.participant_name)), False),
        ("authors", _pair(authors or "—"), False),
        ("submitted", submitted_line(data.submitted_at), False),
    ]
    return {
        "document_title": f"Giấy biên nhận {number}",
        "document_author": _clean(data.award_title_vi),
        "award": award,
        "heading": HEADING,
        "fields": [{"label": LABELS[key], "value": value, "strong": strong}
                   for key, value, strong in fields],
        "qr_caption": QR_CAPTION,
        "status_url": wrap(url, URL_LINE),
        "files_heading": FILES_HEADING,
        "columns": list(COLUMNS),
        "compact_columns": list(COMPACT_COLUMNS),
        "no_files": NO_FILES,
        "files": [_file(entry) for entry in data.files],
        "notes": list(NOTES),
        "footer": f"{number} · {award['vi']}",
    }


def render_receipt_pdf(receipt: ReceiptData) -> bytes:
    """The receipt as PDF bytes: one A4 page (a table of very many files runs on rather than
    leave any out). The same data gives the same bytes."""
    fields = receipt_fields(receipt)
    receipts = renderer(TEMPLATE)
    mono = [_MONO[family] for family in receipts.families if family in _MONO]
    inputs = {
        "receipt": json.dumps(fields, ensure_ascii=False),
        "fonts": json.dumps(receipts.families),
        "mono": json.dumps([*mono, _MONO_FALLBACK]),
        # The URL itself, not its wrapped display form, goes in the QR code.
        "qr": qr_svg(receipt.status_url.strip(), scale=4).decode(),
    }
    return receipts.render(inputs)
