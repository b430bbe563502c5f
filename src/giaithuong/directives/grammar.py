"""The grammar of Vietnamese official letters: numbers and symbols, date lines, in-body dates,
citations and signature prefixes (dispatch-format.md §5–§7).

Pure core: no Django. Every pattern runs on text that went through `clean_text` (NFC, Markdown
`**` stripped, odd spaces made plain), and tolerates what real text does to letters: stray spaces
around the separators of a number (`Số: 45 /UBND- VX`), a missing "Số:" prefix, a blank number in
a draft, and `-` or `.` as date separators.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

# --- text ------------------------------------------------------------------------------------

_SPACES = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_AUTOLINK = re.compile(r"<((?:https?://|www\.)[^\s<>]+)>")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")


def clean_text(text: str) -> str:
    """NFC, Unix newlines, plain spaces, no Markdown bold markers or invisible characters."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("**", "").replace("__", "")
    if "<" in text:  # Markdown autolinks: <https://…> is the address itself
        text = _AUTOLINK.sub(r"\1", text)
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text)


def squash(text: str) -> str:
    """Collapse runs of whitespace into single spaces."""
    if "  " not in text and "\n" not in text:  # the common case, without splitting
        return text.strip()
    return " ".join(text.split())


# Character classes by case: ranges such as À-Ỹ mix upper and lower case in Vietnamese, so the
# classes are spelled out from Unicode's own case data.
_LATIN = [chr(code) for code in range(0x41, 0x1EFA)
          if unicodedata.name(chr(code), "").startswith("LATIN")]
UPPER = "".join(char for char in _LATIN if char.isupper())
LOWER = "".join(char for char in _LATIN if char.islower())
# A comma inside a name that enumerates ("Bộ Văn hóa, Thể thao và Du lịch") does not end it.
_ENUMERATES = rf"[ ]+[{UPPER}]\w*(?:[ ]+\w+)?[ ]+và[ ]+[{UPPER}]"
NAME_COMMA = rf",(?={_ENUMERATES})"


# --- numbers and symbols (§5) ----------------------------------------------------------------

L = "A-Za-zĐđ"  # mixed-case codes exist: QyĐ CTr TTr TrS
# A code segment ends where a word would go on: "VX Ninh" stops after VX, "BTGDVTW Hà" after W.
SEG = rf"[{L}0-9&]+(?!\w)"
CAPS_SEG = rf"[A-ZĐ0-9&][{L}0-9&]*(?!\w)"
UPPER_SEG = r"[A-ZĐ0-9&]+(?!\w)"
# Later segments may follow a hyphen with one stray space either side ("UBND- VX"); after a
# spaced hyphen only an all-capitals code counts, so "45/UBND-VX - Ninh Bình" stops at VX.
_NEXT_SEG = rf"(?:-{CAPS_SEG}|(?:[ ]-[ ]?|-[ ]){UPPER_SEG})"
_STATE_SYM = rf"{SEG}{_NEXT_SEG}+"
_PARTY_ORG = rf"{SEG}{_NEXT_SEG}*"

# The spec's patterns, as written in dispatch-format.md §5 (kept for reference and tests).
STATE = re.compile(rf"(?:Số\s*:\s*)?(?P<num>\d{{1,6}})?\s*/\s*"
                   rf"(?:(?P<year>(?:19|20)\d\d)/)?(?P<sym>{SEG}(?:-{SEG})+)")
PARTY = re.compile(rf"(?:Số\s+)?(?P<num>\d{{1,5}})?\s*-(?P<type>[{L}]{{1,6}})"
                   rf"/(?P<org>{SEG}(?:-{SEG})*)")

# The tolerant form used by the parser: one pattern for both styles, told apart by the separator
# after the number ("/" State/Front, "-" Party).
CODE = (rf"(?P<num>\d{{1,6}})?[ ]{{0,2}}(?:"
        rf"/[ ]?(?:(?P<year>(?:19|20)\d\d)[ ]?/[ ]?)?(?P<ssym>{_STATE_SYM})"
        rf"|-[ ]?(?P<ptype>[{L}]{{1,6}})[ ]?/[ ]?(?P<porg>{_PARTY_ORG}))")
CODE_RE = re.compile(CODE)
# Case matters: "Số:" opens the number line; a lower-case "số" is a citation in running text.
NUMBER_LINE = re.compile(rf"(?<!\w)(?:Số|SỐ)[ ]*:?[ ]*{CODE}")
BARE_CODE_LINE = re.compile(rf"^[ ]*(?:(?P<num0>\d{{1,6}})|(?={CODE}))")


TYPE_ABBR: dict[str, str] = {
    # NĐ 30 Phụ lục III
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế",
    "QyĐ": "Quy định", "TC": "Thông cáo", "TB": "Thông báo", "HD": "Hướng dẫn",
    "CTr": "Chương trình", "KH": "Kế hoạch", "PA": "Phương án", "ĐA": "Đề án", "DA": "Dự án",
    "BC": "Báo cáo", "BB": "Biên bản", "TTr": "Tờ trình", "HĐ": "Hợp đồng", "CĐ": "Công điện",
    "BGN": "Bản ghi nhớ", "BTT": "Bản thỏa thuận", "GUQ": "Giấy ủy quyền", "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu", "GNP": "Giấy nghỉ phép", "PG": "Phiếu gửi", "PC": "Phiếu chuyển",
    "PB": "Phiếu báo", "SY": "Bản sao y", "TrS": "Bản trích sao", "SL": "Bản sao lục",
    # Party additions
    "CV": "Công văn", "KL": "Kết luận", "TT": "Thông tri", "BS": "Bản sao",
}


@dataclass(frozen=True)
class Code:
    """A number and symbol as read: `number` None for a draft's blank number."""

    number: int | None
    symbol: str
    party: bool  # "1390-CV/BTGDVTW" rather than "31/MTTQ-BTT"
    start: int = 0
    end: int = 0

    @property
    def text(self) -> str:
        return format_code(self.number, self.symbol, party=self.party)


def _nospace(value: str) -> str:
    return re.sub(r"\s+", "", value)


def code_from_match(match: re.Match[str]) -> Code:
    num = match.group("num")
    number = int(num) if num else None
    if match.group("ssym"):
        symbol = _nospace(match.group("ssym"))
        if match.group("year"):
            symbol = f"{match.group('year')}/{symbol}"
        return Code(number, symbol, party=False, start=match.start(), end=match.end())
    symbol = f"{match.group('ptype')}/{_nospace(match.group('porg'))}"
    return Code(number, symbol, party=True, start=match.start(), end=match.end())


def parse_code(text: str) -> Code | None:
    """The first number/symbol in `text` ("Số: 45 /UBND- VX" → 45, "UBND-VX")."""
    match = CODE_RE.search(clean_text(text))
    return code_from_match(match) if match else None


@dataclass(frozen=True)
class SymbolInfo:
    """What a symbol says about its document (dispatch-format §5, "Classifying")."""

    party: bool
    doc_type: str | None  # abbreviation: "KH", "CV", "QĐ"; None for a State công văn
    kind: str  # "Công văn", "Kế hoạch", …
    issuer_code: str  # "MTTQ", "UBND", "BTGDVTW"
    unit_code: str | None  # the drafting unit or field after the issuer: "BTT", "VX"
    legal: bool = False  # has a year: a legal normative document (30/2020/NĐ-CP)


def classify_symbol(symbol: str) -> SymbolInfo:
    """Classify a symbol as the parser returns it ("MTTQ-BTT", "KH-MTTQ-BTT", "CV/BTGDVTW")."""
    symbol = _nospace(unicodedata.normalize("NFC", symbol))
    year = re.match(r"^((?:19|20)\d\d)/(.*)$", symbol)
    if year:
        info = classify_symbol(year.group(2))
        return SymbolInfo(False, info.doc_type, info.kind, info.issuer_code, info.unit_code,
                          legal=True)
    if "/" in symbol:  # Party: TYPE/ORG
        doc_type, org = symbol.split("/", 1)
        kind = TYPE_ABBR.get(doc_type, doc_type)
        return SymbolInfo(True, doc_type, kind, org, None)
    parts = [part for part in symbol.split("-") if part]
    if len(parts) >= 2 and parts[0] in TYPE_ABBR:
        rest = parts[1:]
        return SymbolInfo(False, parts[0], TYPE_ABBR[parts[0]], rest[0],
                          "-".join(rest[1:]) or None)
    if not parts:
        return SymbolInfo(False, None, "Công văn", "", None)
    return SymbolInfo(False, None, "Công văn", parts[0], "-".join(parts[1:]) or None)


def pad_number(number: int) -> str:
    """Numbers below 10 take a leading zero: 5 → "05", 31 → "31"."""
    return f"{number:02d}"


def format_code(number: int | None, symbol: str, *, party: bool) -> str:
    """'31/MTTQ-BTT', '1390-CV/BTGDVTW'; a blank number stays blank ('-CV/BTGDV')."""
    shown = pad_number(number) if number is not None else ""
    return f"{shown}-{symbol}" if party else f"{shown}/{symbol}"


def format_number_line(number: int | None, symbol: str, *, party: bool) -> str:
    """'Số: 05/UBND-VX' (State/Front) or 'Số 05-CV/BTGDV' (Party, no colon)."""
    code = format_code(number, symbol, party=party)
    return f"Số {code}" if party else f"Số: {code}"


# --- dates (§6) ------------------------------------------------------------------------------

# The spec's line pattern; the parser uses DATE_LINE_SEARCH, which also finds the line inside a
# row that ran together with the left column and tolerates dotted blanks in drafts.
DATE_LINE = re.compile(r"^(?P<place>[^,\n]{2,60}),\s*ngày\s*(?P<d>\d{1,2})?\s*"
                       r"tháng\s*(?P<m>\d{1,2})?\s*năm\s*(?P<y>\d{4})\s*$")
_BLANK = r"[ .…_]*"
DATE_LINE_SEARCH = re.compile(
    rf"(?P<pre>[^\n]*?),?[ ]*ngày{_BLANK}(?P<d>\d{{1,2}})?{_BLANK}tháng{_BLANK}(?P<m>\d{{1,2}})?"
    rf"{_BLANK}năm[ ]*(?P<y>\d{{4}})(?!\d)", re.IGNORECASE)
BODY_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})[ ]?[/.-][ ]?(\d{1,2})[ ]?[/.-][ ]?(\d{4})(?![\d])")
WORD_DATE = re.compile(r"ngày[ ]+(\d{1,2})[ ]+tháng[ ]+(\d{1,2})[ ]+năm[ ]+(\d{4})(?!\d)",
                       re.IGNORECASE)


@dataclass(frozen=True)
class PartialDate:
    """A date as written on a date line: the day (or also the month) may be blank in a draft."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def date(self) -> dt.date | None:
        if self.month is None or self.day is None:
            return None
        try:
            return dt.date(self.year, self.month, self.day)
        except ValueError:
            return None

    def iso(self) -> str:
        """'2026-06-18'; '2026-06' when the day is blank; '2026' when the month is too."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None or self.date is None:
            return f"{self.year:04d}-{self.month:02d}"
        return self.date.isoformat()


def make_partial_date(day: str | None, month: str | None, year: str) -> PartialDate | None:
    """Validate the pieces read from a date line; None when they cannot be a date."""
    y = int(year)
    if not 1900 <= y <= 2199:
        return None
    m = int(month) if month else None
    if m is not None and not 1 <= m <= 12:
        return None
    d = int(day) if day else None
    if m is None:
        return PartialDate(y)
    if d is not None and PartialDate(y, m, d).date is None:
        return PartialDate(y, m)  # an impossible day (31/2) is not read as a date
    return PartialDate(y, m, d)


def parse_body_date(text: str) -> dt.date | None:
    """'02/6/2026', '01-10-1997', '15.6.2023' or 'ngày 5 tháng 3 năm 2026' → a date."""
    match = BODY_DATE.search(text) or WORD_DATE.search(text)
    if not match:
        return None
    try:
        return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None


def pad_month(month: int) -> str:
    """Months 1 and 2 take a leading zero in official dates; the others do not."""
    return f"{month:02d}" if month <= 2 else str(month)


def format_body_date(date: dt.date) -> str:
    """02/6/2026, 24/01/2025."""
    return f"{date.day:02d}/{pad_month(date.month)}/{date.year}"


# --- citations (§6) --------------------------------------------------------------------------

KINDS = ("Công văn", "Công điện", "Kế hoạch", "Nghị quyết", "Kết luận", "Quyết định", "Chỉ thị",
         "Thông báo", "Thông tri", "Hướng dẫn", "Quy định", "Nghị định", "Thông tư",
         "Chương trình", "Đề án", "Báo cáo", "Tờ trình", "Thông cáo", "Quy chế", "Thể lệ",
         "Luật", "Điện")
_KIND = "|".join(sorted(KINDS, key=len, reverse=True))

# The spec's pattern (§6), kept as written.
CITE = re.compile(
    r"(?P<kind>Công văn|Công điện|Kế hoạch|Nghị quyết|Kết luận|Quyết định|Chỉ thị|"
    r"Thông báo|Thông tri|Hướng dẫn|Quy định|Nghị định|Thông tư)\s+số\s+"
    r"(?P<code>[^\s,]+)\s*,?\s*ngày\s+(?P<date>\d{1,2}[/.-]\d{1,2}[/.-]\d{4})\s+"
    r"của\s+(?P<issuer>.+?)\s+(?:về việc|về)\s+(?P<subject>[^;]+)")

_CITE_DATE = (r"(?P<date>\d{1,2}[ ]?[/.-][ ]?\d{1,2}[ ]?[/.-][ ]?\d{4}"
              r"|\d{1,2}[ ]+tháng[ ]+\d{1,2}[ ]+năm[ ]+\d{4})")
_CITE_STOP = (rf"[ ]+về(?:[ ]+việc)?[ ]|[ ]*;|[ ]*:|[ ]*,(?!{_ENUMERATES})"
              rf"|\.(?:[ ]|$)|[ ]*$|[ ]*\(|[ ]+và[ ]+(?:{_KIND})"
              r"[ ]+số|[ ]+(?:đề nghị|yêu cầu|hướng dẫn|thông báo|ban hành)[ ]")
# Tolerant: lower-case kinds, "số:" with a colon, a bare number, a missing date or issuer.
CITE_TOLERANT = re.compile(
    rf"(?P<kind>(?i:{_KIND}))[ ]+(?:số|Số)[ ]*:?[ ]*"
    rf"(?:{CODE}|(?P<bare>\d{{1,6}})(?![\d/-]))"
    rf"(?:[ ]*,?[ ]*(?:ban hành[ ]+)?ngày[ ]+{_CITE_DATE})?"
    rf"(?:[ ]*,?[ ]*của[ ]+(?P<issuer>(?:(?!{_CITE_STOP}).){{1,200}}?)(?={_CITE_STOP}))?"
    rf"(?:[ ]+về(?:[ ]+việc)?[ ]+(?P<subject>[^;]{{1,400}}?)(?=[ ]*(?:;|\.[ ]|\.?$)"
    rf"|[ ]*,?[ ]+và[ ]+(?:{_KIND})[ ]+số|[ ]*,[ ]+(?=[{UPPER}])|[ ]*:))?")


@dataclass(frozen=True)
class Citation:
    """A document cited by kind, number and symbol ("Công văn số 1390-CV/BTGDVTW ngày …")."""

    kind: str
    number: int | None
    symbol: str | None
    date: dt.date | None
    issuer: str | None
    subject: str | None
    start: int
    end: int


def find_citations(text: str) -> list[Citation]:
    """Every citation in a stretch of text, in order of appearance."""
    found: list[Citation] = []
    for match in CITE_TOLERANT.finditer(text):
        if match.group("bare"):
            number: int | None = int(match.group("bare"))
            symbol = None
        else:
            code = code_from_match(match)
            number, symbol = code.number, code.symbol
        date = parse_body_date(match.group("date")) if match.group("date") else None
        issuer = match.group("issuer")
        issuer = squash(issuer).strip(" ,;.") or None if issuer else None
        subject = match.group("subject")
        subject = squash(subject).strip(" ,;.") or None if subject else None
        kind = match.group("kind")
        found.append(Citation(kind[0].upper() + kind[1:], number, symbol, date, issuer, subject,
                              match.start(), match.end()))
    return found


# --- signature prefixes (§7) -----------------------------------------------------------------

PREFIXES = ("TM.", "KT.", "TL.", "TUQ.", "Q.", "T/M", "K/T", "T/L")
SIGNATURE_LINE = re.compile(
    r"^(?P<pfx>TM\.|KT\.|TL\.|TUQ\.|Q\.|T/M|K/T|T/L|T\.M|K\.T|T\.L)\s*(?P<for>.+)$")
_PREFIX_FIX = {"T.M": "T/M", "K.T": "K/T", "T.L": "T/L"}
# A prefix inside a row where the Nơi nhận column ran into the signature column.
SIGNATURE_INSIDE = re.compile(
    rf"(?:^|(?<=\s))(?P<pfx>TM\.|KT\.|TL\.|TUQ\.|T/M|K/T|T/L)\s*(?P<for>[{UPPER}][^{LOWER}]*)$")


@dataclass(frozen=True)
class AuthorityLine:
    prefix: str  # "TM.", "K/T"
    on_behalf_of: str  # "BAN THƯỜNG TRỰC", "TRƯỞNG BAN"

    @property
    def text(self) -> str:
        return f"{self.prefix} {self.on_behalf_of}"


def is_caps(text: str) -> bool:
    """Written in capitals: every cased letter is upper case, and there are at least two."""
    letters = [char for char in text if char.isalpha()]
    return len(letters) >= 2 and not any(char.islower() for char in letters)


def parse_authority_line(line: str) -> AuthorityLine | None:
    """'TM. BAN THƯỜNG TRỰC' → ('TM.', 'BAN THƯỜNG TRỰC'); None when the line has no prefix or
    what follows is not written in capitals."""
    if not line or line[0] not in "TKQ":  # every prefix opens with one of these
        return None
    match = SIGNATURE_LINE.match(squash(line))
    if not match:
        return None
    rest = match.group("for").strip()
    if not is_caps(rest):
        return None
    prefix = _PREFIX_FIX.get(match.group("pfx"), match.group("pfx"))
    return AuthorityLine(prefix, rest)
