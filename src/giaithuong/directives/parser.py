"""Reading an existing letter (công văn or typed document) from its text.

Pure core: no Django. `parse_letter_text(text)` returns a `ParsedLetter`: every field of the
letter with a confidence in [0, 1]. The parser degrades field by field: a part it cannot find is
None (confidence 0), a part it finds in an unusual place is kept with a lower confidence, and no
input makes it raise. It never writes a value it did not read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from giaithuong.directives import grammar as g
from giaithuong.directives.letter import LetterDoc, Paragraph, Reference, Relation, Signature, Style

JSON_KEYS = ("number", "symbol", "issuer", "issuer_parent", "place", "date", "subject",
             "addressees", "references", "tasks_count", "recipients", "signature_authority",
             "signer_title", "signer_name")
REFERENCE_KEYS = ("kind", "number", "symbol", "date", "issuer")
MAX_CHARS = 400_000  # far beyond any letter; keeps pathological input cheap


@dataclass(frozen=True)
class ParsedReference:
    """A letter this one implements or is based on, as read from its opening paragraphs."""

    relation: Relation
    kind: str
    number: int | None
    symbol: str | None
    date: dt.date | None
    issuer: str | None
    subject: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "number": self.number, "symbol": self.symbol,
                "date": self.date.isoformat() if self.date else None, "issuer": self.issuer}

    def to_reference(self) -> Reference:
        return Reference(self.relation, self.kind, self.number, self.symbol, self.date,
                         self.issuer, self.subject)


@dataclass
class ParsedLetter:
    """Everything read from a letter; `confidence[name]` for each JSON field (0 when None)."""

    number: int | None = None
    symbol: str | None = None
    party: bool | None = None  # Party-style number ("1390-CV/…"); None when no number was read
    issuer: str | None = None
    issuer_parent: str | None = None
    place: str | None = None
    date: g.PartialDate | None = None
    subject: str | None = None
    addressees: list[str] | None = None
    references: list[ParsedReference] | None = None
    tasks_count: int | None = None
    recipients: list[str] | None = None
    signature_authority: str | None = None
    signer_title: str | None = None
    signer_name: str | None = None
    # Beyond the JSON fields: what the cascade import and the layout need.
    kind: str | None = None  # "công văn", "kế hoạch", …
    urgency: str | None = None  # KHẨN, THƯỢNG KHẨN, HỎA TỐC
    secrecy: str | None = None  # MẬT, TỐI MẬT, TUYỆT MẬT
    authority_lines: list[str] = field(default_factory=list)  # "TM. BAN THƯỜNG TRỰC"
    body: list[Paragraph] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)  # "(Gửi kèm …)" captions
    citations: list[ParsedReference] = field(default_factory=list)  # cited in the body
    confidence: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # parts that failed, for the reviewer

    def field_confidence(self, name: str) -> float:
        return self.confidence.get(name, 0.0) if self._json_value(name) is not None else 0.0

    def _json_value(self, name: str) -> Any:
        value = getattr(self, name)
        if name == "date":
            return value.iso() if value else None
        if name == "references":
            return [ref.to_json() for ref in value] if value is not None else None
        if isinstance(value, list):
            return list(value)
        return value

    def to_json(self) -> dict[str, Any]:
        """The command's JSON object: exactly JSON_KEYS, null where the letter lacks a field."""
        return {name: self._json_value(name) for name in JSON_KEYS}

    def confidences(self) -> dict[str, float]:
        return {name: round(self.field_confidence(name), 2) for name in JSON_KEYS}

    def to_letter_doc(self) -> LetterDoc | None:
        """The shared structured form, when enough was read to lay the letter out again
        (issuer, symbol, place and at least the year); otherwise None."""
        if not (self.issuer and self.symbol and self.place and self.date):
            return None
        signature = None
        if self.signer_title or self.signer_name or self.authority_lines:
            signature = Signature(tuple(self.authority_lines), self.signer_title or "",
                                  self.signer_name or "")
        return LetterDoc(
            style=Style.PARTY if self.party else Style.STATE,
            kind=self.kind or "công văn",
            issuer=self.issuer.upper(),
            issuer_parent=self.issuer_parent.upper() if self.issuer_parent else None,
            number=self.number,
            symbol=self.symbol,
            place=self.place,
            date=self.date.date,
            # Month and year stand alone only on a draft, whose day is blank.
            month=self.date.month if self.date.date is None else None,
            year=self.date.year if self.date.date is None else None,
            subject=self.subject or "",
            addressees=tuple(self.addressees or ()),
            references=tuple(ref.to_reference()
                             for ref in [*(self.references or ()), *self.citations]),
            body=tuple(self.body),
            recipients=tuple(self.recipients or ()),
            signature=signature,
            footnotes=tuple(self.footnotes),
            attachments=tuple(self.attachments),
        )


# --- patterns ----------------------------------------------------------------------------------

_KINH_GUI = re.compile(r"^Kính[ ]*gửi[ ]*:?[ ]*", re.IGNORECASE)
_NOI_NHAN = re.compile(r"^Nơi[ ]*nhận[ ]*:?[ ]*", re.IGNORECASE)
_SPLIT_BEFORE = re.compile(r"(?<=\S)[ ]+(?=(?:Kính[ ]*gửi|Nơi[ ]*nhận)[ ]*:)", re.IGNORECASE)
_SUBJECT = re.compile(r"^(?:V/v|V/V|v/v|Về việc)\b[ ]*:?[ ]*")
_LEAD = re.compile(r"^(Thực hiện|Căn cứ|Theo)\b")
_LEAD_ANY = re.compile(r"(?<!\w)(thực hiện|căn cứ|theo)(?!\w)", re.IGNORECASE)
_NUMBERED = re.compile(r"^(\d{1,2})[ ]?[.)](?![\d.])[ ]*(.*)$")
_ROMAN = re.compile(r"^(I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)[.)][ ]+(.*)$")
_ATTACHED = re.compile(r"^\(?[ ]*Gửi[ ]+kèm[ ]+(?P<what>[^)]+?)[ ]*\)?[ ]*[¹²³⁴⁵⁶⁷⁸⁹⁰]*[ ]*\.?$")
_LETTERED = re.compile(r"^([a-zđ])\)[ ]+(.*)$")
_DASH = re.compile(r"^[-–—•+*][ ]+(.*)$|^[-–—•][ ]*(\S.*)$")
_FOOTNOTE = re.compile(r"^[¹²³⁴⁵⁶⁷⁸⁹⁰]+[ ]*(.*)$")
_RULE = re.compile(r"^[-_=*~.…–— ]+$")
_SIGNED = re.compile(r"^[(\[]?[ ]*(?:đã ký|da ky|ký|ký tên|đã ký và đóng dấu|ký, đóng dấu)"
                     r"[^)\]]*[)\]]?$", re.IGNORECASE)
_MOTTO = re.compile(r"Độc[ ]*lập[ ]*[-–—][ ]*Tự[ ]*do[ ]*[-–—][ ]*Hạnh[ ]*phúc", re.IGNORECASE)
_TITLES_RIGHT = re.compile(r"CỘNG[ ]+H(?:ÒA|OÀ)[ ]+XÃ[ ]+HỘI[ ]+CHỦ[ ]+NGHĨA[ ]+VIỆT[ ]+NAM"
                           r"|ĐẢNG[ ]+CỘNG[ ]+SẢN[ ]+VIỆT[ ]+NAM")
_DOAN_TITLE = "ĐOÀN TNCS HỒ CHÍ MINH"
_URGENCY = {"KHẨN", "THƯỢNG KHẨN", "HỎA TỐC", "HOẢ TỐC", "HỎA TỐC HẸN GIỜ", "HOẢ TỐC HẸN GIỜ"}
_SECRECY = {"MẬT", "TỐI MẬT", "TUYỆT MẬT"}
_TYPE_NAMES = {"KẾ HOẠCH", "THÔNG BÁO", "HƯỚNG DẪN", "QUYẾT ĐỊNH", "CHƯƠNG TRÌNH", "BÁO CÁO",
               "THÔNG TRI", "CÔNG ĐIỆN", "TỜ TRÌNH", "NGHỊ QUYẾT", "CHỈ THỊ", "GIẤY MỜI",
               "QUY CHẾ", "QUY ĐỊNH", "THÔNG CÁO", "PHƯƠNG ÁN", "ĐỀ ÁN", "KẾT LUẬN"}
# Words that open the name of a body in a header ("BAN …", "SỞ …"); a header line that does not
# open with one continues the line above it ("ỦY BAN MTTQ VIỆT NAM" / "PHƯỜNG NAM ĐỒNG").
_HEAD_WORDS = ("BAN", "SỞ", "ỦY BAN", "UỶ BAN", "UBND", "UBMTTQ", "VĂN PHÒNG", "PHÒNG",
               "ĐẢNG ỦY", "ĐẢNG UỶ", "ĐẢNG BỘ", "TỈNH ỦY", "TỈNH UỶ", "THÀNH ỦY", "THÀNH UỶ",
               "CHI BỘ", "HỘI", "ĐOÀN", "BCH", "TỈNH ĐOÀN", "THÀNH ĐOÀN", "BỘ", "CÔNG AN",
               "TRƯỜNG", "TRUNG TÂM", "CỤC", "VỤ", "CHI CỤC", "HĐND", "HỘI ĐỒNG", "LIÊN ĐOÀN",
               "CÔNG ĐOÀN", "THƯỜNG TRỰC", "MẶT TRẬN", "CHI HỘI", "CHI ĐOÀN")
_HEAD_LINE = re.compile(r"^(?:" + "|".join(sorted(_HEAD_WORDS, key=len, reverse=True))
                        + r")(?!\w)")
# Where a body's own name ends and its parent's begins: "Ban Thường trực | Ủy ban MTTQ …".
_PARENT_START = re.compile(r"[ ](?=(?:Ủy ban|Uỷ ban|UBND|Đảng ủy|Đảng uỷ|Đảng bộ|Tỉnh ủy|"
                           r"Tỉnh uỷ|Thành ủy|Thành uỷ|Hội|Đoàn|Tỉnh đoàn|Thành đoàn|Sở|Bộ|"
                           r"ỦY BAN|UỶ BAN|ĐẢNG ỦY|ĐẢNG UỶ|ĐẢNG BỘ|TỈNH ỦY|THÀNH ỦY|HỘI|"
                           r"ĐOÀN|SỞ|BỘ)(?!\w))")
_BODY_HEADS = (r"Ban|Ủy ban|Uỷ ban|UBND|Sở|Đảng ủy|Đảng uỷ|Đảng bộ|Tỉnh ủy|Tỉnh uỷ|Thành ủy|"
               r"Thành uỷ|Văn phòng|Phòng|Hội|Đoàn|Tỉnh đoàn|Thành đoàn|Thường trực|Chi bộ|"
               r"Công an|Trung tâm|Liên đoàn|Công đoàn|Chi hội|Chi đoàn|Bộ")
_ISSUER_REQUEST = re.compile(
    rf"(?:^|(?<=[,;:])[ ]+)(?P<iss>(?:{_BODY_HEADS})(?!\w)(?:(?![;:.,]).|{g.NAME_COMMA})"
    r"{0,150}?)"
    r"[ ]+(?:trân trọng[ ]+)?(?:đề nghị|yêu cầu|xây dựng kế hoạch|ban hành kế hoạch|"
    r"thông báo|hướng dẫn)(?!\w)", re.IGNORECASE)
_TITLE_WORDS = re.compile(r"CHỦ TỊCH|GIÁM ĐỐC|BÍ THƯ|TRƯỞNG|THƯ KÝ|CHÁNH|PHÓ|TỔNG BIÊN TẬP|"
                          r"CHỦ NHIỆM|THỦ TRƯỞNG")
_TRAILING_CAPS = re.compile(rf"^(?P<item>.*?[;.,])[ ]+(?P<caps>[{g.UPPER}][^{g.LOWER}]*)$")


def _is_name(line: str) -> bool:
    """'Đoàn Trung Thu': two to six capitalised words and nothing else."""
    tokens = line.split()
    return 2 <= len(tokens) <= 6 and all(
        token[0].isupper() and (len(token) == 1 or (token[1:].isalpha() and token[1:].islower()))
        for token in tokens)


def _strip_item(text: str) -> str:
    text = g.squash(text)
    text = re.sub(r"^[-–—•+*][ ]*", "", text)
    return text.rstrip(" ;.,").strip()


def _first_cap(text: str) -> bool:
    return bool(text) and text[0].isupper()


# --- the parser --------------------------------------------------------------------------------


class _Reader:
    """One pass over one letter; each step fills its fields and may fail alone."""

    def __init__(self, text: str) -> None:
        text = g.clean_text(text[:MAX_CHARS])
        raw = [line.strip() for line in text.split("\n")]
        self.lines: list[str] = []
        for line in raw:
            line = g.squash(line)
            # Columns that ran together can put Kính gửi or Nơi nhận mid-line.
            if ("gửi" in line or "nhận" in line) and _SPLIT_BEFORE.search(line):
                self.lines.extend(part.strip() for part in _SPLIT_BEFORE.split(line))
            else:
                self.lines.append(line)
        self.out = ParsedLetter()
        self.conf = self.out.confidence
        self.n = len(self.lines)
        self.kg: int | None = None
        self.number_idx: int | None = None
        self.date_idx: int | None = None
        self.subject_idx: int | None = None
        self.header_end = -1  # last line used by the header
        self.body_start = 0
        self.body_end = self.n
        self._citations: dict[str, list[g.Citation]] = {}

    def step(self, name: str, func: Any) -> None:
        try:
            func()
        except Exception as error:  # a failed part leaves its fields empty, never the letter
            self.out.problems.append(f"{name}: {type(error).__name__}: {error}")

    def run(self) -> ParsedLetter:
        for name, func in (("markers", self.find_markers), ("number", self.read_number),
                           ("date", self.read_date), ("subject", self.read_subject),
                           ("marks", self.read_marks), ("issuer", self.read_header_issuer),
                           ("addressees", self.read_addressees), ("closing", self.find_closing),
                           ("body", self.read_body), ("references", self.read_references),
                           ("tasks", self.count_tasks), ("body_issuer", self.read_body_issuer),
                           ("closing_parts", self.read_closing), ("kind", self.read_kind)):
            self.step(name, func)
        return self.out

    # markers -----------------------------------------------------------------------------------

    def find_markers(self) -> None:
        for index, line in enumerate(self.lines):
            if _KINH_GUI.match(line):
                self.kg = index
                break
        limit = self.kg
        if limit is None:
            limit = self.n
            for index, line in enumerate(self.lines):
                if _LEAD.match(line) or _NUMBERED.match(line) or _ROMAN.match(line):
                    limit = index
                    break
        self.header_limit = min(limit, 80)

    def _mark_header(self, index: int) -> None:
        self.header_end = max(self.header_end, index)

    # header ------------------------------------------------------------------------------------

    def read_number(self) -> None:
        for index in range(self.header_limit):
            if _SUBJECT.match(self.lines[index]):
                continue  # a subject can cite another letter's number
            match = g.NUMBER_LINE.search(self.lines[index])
            if match:
                self._set_code(g.code_from_match(match), index, 0.95)
                return
        # No "Số" prefix: a header line that opens with a code ("45/UBND-VX").
        for index in range(self.header_limit):
            line = self.lines[index]
            match = g.CODE_RE.match(line)
            if match and (match.group("num") or match.group("ptype")):
                self._set_code(g.code_from_match(match), index, 0.75)
                return

    def _set_code(self, code: g.Code, index: int, confidence: float) -> None:
        out = self.out
        out.number, out.symbol, out.party = code.number, code.symbol, code.party
        self.conf["number"] = confidence if code.number is not None else 0.0
        self.conf["symbol"] = confidence
        self.number_idx = index
        self._mark_header(index)

    def read_date(self) -> None:
        for index in range(self.header_limit):
            line = self.lines[index]
            match = g.DATE_LINE_SEARCH.search(line)
            if not match:
                continue
            date = g.make_partial_date(match.group("d"), match.group("m"), match.group("y"))
            if date is None:
                continue
            joined = match.end() < len(line.rstrip(" .")) - 1
            place, clean = self._place(match.group("pre"))
            if place is None and (match.group("pre").strip() or joined):
                continue  # a date inside a sentence, not the date line
            self.out.date = date
            self.conf["date"] = (0.95 if clean and not joined else 0.7) if place else 0.5
            if place:
                self.out.place = place
                self.conf["place"] = 0.95 if clean else 0.7
            self.date_idx = index
            self._mark_header(index)
            return

    @staticmethod
    def _place(pre: str) -> tuple[str | None, bool]:
        """The place before ", ngày": cut off whatever else the row carried (the number, the
        motto, the left column's capitals). Returns (place, read from a clean line)."""
        text = pre
        code = g.NUMBER_LINE.search(text) or g.CODE_RE.search(text)
        if code:
            text = text[code.end():]
        text = _TITLES_RIGHT.sub(" ", _MOTTO.sub(" ", text))
        text = g.squash(text).strip(" *-–,:;")
        clean = text == g.squash(pre).strip()
        tokens = text.split()
        last_caps = -1
        for position, token in enumerate(tokens):
            if g.is_caps(token) and token not in {"TP.", "TP"}:
                last_caps = position
        if 0 <= last_caps < len(tokens) - 1:
            tokens = tokens[last_caps + 1:]
            clean = False
        place = " ".join(tokens).strip(" ,")
        # A place is a name: capitalised words, at most one generic word ("Thành phố …").
        lower = sum(1 for token in tokens if token[:1].islower())
        if (not 2 <= len(place) <= 60 or not any(char.isalpha() for char in place)
                or len(tokens) > 7 or lower > 1 or tokens[0][:1].islower()):
            return None, False
        return place, clean

    def read_subject(self) -> None:
        limit = self.header_limit
        for index in range(limit):
            match = _SUBJECT.match(self.lines[index])
            if match:
                parts = [self.lines[index][match.end():]]
                end = self._continue_block(index + 1, limit, parts, caps_stop=True)
                self._set_subject(parts, index, end, 0.9)
                self.out.kind = "công văn"
                return
        # A typed document: its type name in capitals, then the abstract.
        for index in range(limit):
            line = self.lines[index]
            if line.upper() == line and g.squash(line) in _TYPE_NAMES:
                self.out.kind = g.squash(line).lower()
                self._mark_header(index)
                parts: list[str] = []
                start = index + 1
                while start < limit and not self.lines[start]:
                    start += 1
                end = self._continue_block(start, limit, parts)
                self._set_subject(parts, start, end, 0.8)
                return

    def _continue_block(self, start: int, limit: int, parts: list[str], *,
                        caps_stop: bool = False) -> int:
        """Append the lines of a block until a blank line or another element; return the last
        index used. A V/v abstract is in lower case, so a line in capitals (a mark, the other
        column's header) ends it."""
        index = start
        last = start - 1
        while index < limit:
            line = self.lines[index]
            if (not line or _RULE.match(line) or _KINH_GUI.match(line)
                    or (caps_stop and g.is_caps(line)) or _MOTTO.search(line)
                    or _TITLES_RIGHT.search(line) or line.upper() in _URGENCY
                    or g.DATE_LINE_SEARCH.search(line) or g.NUMBER_LINE.search(line)
                    or _LEAD.match(line) or len(parts) >= 8):
                break
            parts.append(line)
            last = index
            index += 1
        return last

    def _set_subject(self, parts: list[str], index: int, end: int, confidence: float) -> None:
        subject = g.squash(" ".join(parts)).strip(" .;:")
        if subject:
            self.out.subject = subject
            self.conf["subject"] = confidence
        self.subject_idx = index
        self._mark_header(max(index, end))

    def read_marks(self) -> None:
        for index in range(self.header_limit):
            line = g.squash(self.lines[index]).upper().strip("()[] ")
            if line in _URGENCY and self.out.urgency is None:
                self.out.urgency = line
                self._mark_header(index)
            elif line in _SECRECY and self.out.secrecy is None:
                self.out.secrecy = line
                self._mark_header(index)

    def read_header_issuer(self) -> None:
        # The issuer block sits above the number whichever column the text gives first.
        firsts = [i for i in (self.date_idx, self.subject_idx) if i is not None]
        stop = self.number_idx if self.number_idx is not None else (
            min(firsts) if firsts else min(self.header_limit, 8))
        candidates: list[str] = []
        for index in range(min(stop + 1, self.header_limit)):
            line = self.lines[index]
            if index == self.number_idx:
                match = g.NUMBER_LINE.search(line)
                line = line[: match.start()] if match else ""
            date = g.DATE_LINE_SEARCH.search(line)
            if date:
                line = line[: date.start()] + " " + date.group("pre")
            line = _TITLES_RIGHT.sub(" ", _MOTTO.sub(" ", line))
            if g.squash(line) == _DOAN_TITLE:
                continue
            caps = self._leading_caps(line)
            if not caps or caps in _URGENCY or caps in _SECRECY or caps in _TYPE_NAMES:
                continue
            candidates.append(caps)
            self._mark_header(index)
        if not candidates:
            return
        units: list[list[str]] = []
        for caps in candidates:
            if not units or _HEAD_LINE.match(caps):
                units.append([caps])
            else:
                units[-1].append(caps)
        names = [" ".join(unit) for unit in units]
        self.out.issuer = names[-1]
        self.conf["issuer"] = 0.9
        if len(names) > 1:
            self.out.issuer_parent = " ".join(names[:-1])
            self.conf["issuer_parent"] = 0.85

    @staticmethod
    def _leading_caps(line: str) -> str:
        """The run of capitalised words a row opens with ("ỦY BAN NHÂN DÂN Hà Nội" → the
        capitals)."""
        tokens = []
        for token in g.squash(line).split():
            if any(char.islower() for char in token):
                break
            tokens.append(token)
        text = " ".join(tokens).strip(" *-–,;:")
        letters = sum(char.isalpha() for char in text)
        return text if letters >= 2 else ""

    # addressees --------------------------------------------------------------------------------

    def read_addressees(self) -> None:
        if self.kg is None:
            self.body_start = self.header_end + 1
            return
        line = self.lines[self.kg]
        rest = _KINH_GUI.sub("", line, count=1).strip()
        items: list[str] = []
        confidence = 0.9
        last = self.kg
        ended = False
        if rest:
            for part in re.split(r"[;][ ]*[-–—•+][ ]*", rest):
                if _strip_item(part):
                    items.append(_strip_item(part))
            ended = rest.rstrip().endswith(".")
        index = self.kg + 1
        while index < self.n and not ended:
            line = self.lines[index]
            if not line:
                # One blank line may sit between dash items; more ends the list.
                if index + 1 < self.n and self.lines[index + 1] and _DASH.match(
                        self.lines[index + 1]) and items:
                    index += 1
                    continue
                if not items:
                    index += 1
                    continue
                break
            if _DASH.match(line) and not _LEAD.match(_strip_item(line)):
                items.append(_strip_item(line))
                last = index
                ended = line.rstrip().endswith(".")
                index += 1
                continue
            if not items and len(line) < 200 and not _LEAD.match(line):
                items.append(_strip_item(line))  # one addressee on the next line, no dash
                last = index
                confidence = 0.6
            break
        items = [item for item in items if item]
        if items:
            self.out.addressees = items
            self.conf["addressees"] = confidence
        self.body_start = last + 1

    # closing: Nơi nhận, signature, footnotes -----------------------------------------------------

    def find_closing(self) -> None:
        start = max(self.body_start, 0)
        end = self.n
        for index in range(start, self.n):
            line = self.lines[index]
            if _NOI_NHAN.match(line) or g.parse_authority_line(line) or _FOOTNOTE.match(line):
                end = index
                break
        if end == self.n:
            end = self._unprefixed_signature_start(start)
        self.body_end = end

    def _unprefixed_signature_start(self, start: int) -> int:
        """A head signing in their own name has no prefix: a title in capitals, then a name,
        at the very end of the text."""
        index = self.n - 1
        while index >= start and (not self.lines[index] or _SIGNED.match(self.lines[index])):
            index -= 1
        if index < start or not _is_name(self.lines[index]):
            return self.n
        index -= 1
        while index >= start and (not self.lines[index] or _SIGNED.match(self.lines[index])):
            index -= 1
        if index >= start and g.is_caps(self.lines[index]) and _TITLE_WORDS.search(
                self.lines[index]) and len(self.lines[index]) < 60:
            return index
        return self.n

    def read_closing(self) -> None:
        sig_lines: list[str] = []
        index = self.body_end
        while index < self.n:
            line = self.lines[index]
            footnote = _FOOTNOTE.match(line)
            if footnote:
                if footnote.group(1).strip():
                    self.out.footnotes.append(footnote.group(1).strip())
                index += 1
                continue
            if _NOI_NHAN.match(line):
                index = self._read_recipients(index, sig_lines)
                continue
            if line and not _SIGNED.match(line) and not _RULE.match(line):
                sig_lines.append(line)
            index += 1
        self._read_signature(sig_lines)

    def _read_recipients(self, label: int, sig_lines: list[str]) -> int:
        items: list[str] = []
        rest = _NOI_NHAN.sub("", self.lines[label], count=1).strip()
        if rest:
            rest = self._split_signature(rest, sig_lines)
            if rest:
                items.extend(_strip_item(part) for part in re.split(r";[ ]*[-–—•+][ ]*", rest))
        index = label + 1
        while index < self.n:
            line = self.lines[index]
            if not line:
                index += 1
                continue
            if _DASH.match(line):
                items.append(_strip_item(self._split_signature(line, sig_lines)))
                index += 1
                continue
            if (items and line[0].islower() and not self.lines[index - 1].rstrip().endswith(
                    (";", "."))):
                items[-1] = _strip_item(items[-1] + " " + line)  # a wrapped item
                index += 1
                continue
            break
        items = [item for item in items if item]
        if items:
            self.out.recipients = (self.out.recipients or []) + items
            self.conf["recipients"] = 0.9
        return index

    @staticmethod
    def _split_signature(line: str, sig_lines: list[str]) -> str:
        """A row where the signature column ran into the Nơi nhận column: keep the item, move
        the signature part ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH") to the signature lines."""
        match = g.SIGNATURE_INSIDE.search(line)
        if match and g.is_caps(match.group("for")):
            sig_lines.append(line[match.start():].strip())
            return line[: match.start()].strip()
        trailing = _TRAILING_CAPS.match(line)
        if trailing and _TITLE_WORDS.search(trailing.group("caps")) and len(
                trailing.group("caps").split()) >= 2:
            sig_lines.append(trailing.group("caps"))
            return trailing.group("item")
        return line

    def _read_signature(self, lines: list[str]) -> None:
        authority: list[g.AuthorityLine] = []
        titles: list[str] = []
        name = None
        for line in lines:
            parsed = g.parse_authority_line(line)
            if parsed and not titles:
                authority.append(parsed)
                continue
            if g.is_caps(line) and name is None and len(line) < 80:
                titles.append(g.squash(line))
                continue
            if (titles or authority) and name is None and _is_name(line):
                name = g.squash(line)
                break
        if not authority and not any(_TITLE_WORDS.search(title) for title in titles):
            titles = []
        out = self.out
        if authority:
            # Capitals between the prefix line and the title continue the prefix line.
            extra = titles[:-1]
            last = authority[-1]
            if extra:
                authority[-1] = g.AuthorityLine(last.prefix,
                                                " ".join([last.on_behalf_of, *extra]))
            out.authority_lines = [line.text for line in authority]
            out.signature_authority = authority[0].prefix
            self.conf["signature_authority"] = 0.95
        if titles:
            out.signer_title = titles[-1]
            self.conf["signer_title"] = 0.9 if authority else 0.6
        if name and (authority or titles):
            out.signer_name = name
            self.conf["signer_name"] = 0.85 if authority else 0.6

    # body --------------------------------------------------------------------------------------

    def read_body(self) -> None:
        paragraphs: list[Paragraph] = []
        current: list[str] = []
        kind: dict[str, Any] = {}

        def flush() -> None:
            if current:
                paragraphs.append(Paragraph(g.squash(" ".join(current)), **kind))
            current.clear()

        previous = ""
        for line in self.lines[self.body_start:self.body_end]:
            if not line or _RULE.match(line):
                flush()
                previous = ""
                continue
            numbered = _NUMBERED.match(line)
            roman = _ROMAN.match(line)
            lettered = _LETTERED.match(line)
            dash = _DASH.match(line)
            starts = numbered or roman or lettered or dash or _LEAD.match(line)
            if current and not starts and not previous.endswith((".", ";", ":", "!", "?")):
                current.append(line)  # a line wrapped inside a paragraph
                previous = line
                continue
            flush()
            if numbered:
                kind = {"number": numbered.group(1)}
                current.append(numbered.group(2))
            elif roman:
                kind = {"number": roman.group(1)}
                current.append(roman.group(2))
            elif lettered:
                kind = {"number": lettered.group(1), "level": 1}
                current.append(lettered.group(2))
            elif dash:
                kind = {"bullet": True}
                current.append(dash.group(1) or dash.group(2))
            else:
                kind = {}
                current.append(line)
            previous = line
        flush()
        self.out.body = [p for p in paragraphs if p.text or p.number]

    def read_references(self) -> None:
        if not self.out.body:
            return
        references: list[ParsedReference] = []
        for paragraph in self.out.body:
            if paragraph.number or paragraph.bullet:
                break
            if not _LEAD.match(paragraph.text):
                continue
            text = paragraph.text
            request = _ISSUER_REQUEST.search(text)
            if request:
                text = text[: request.start()]
            for cite in self.citations(text):
                leads = list(_LEAD_ANY.finditer(text, 0, cite.start))
                word = leads[-1].group(1).lower() if leads else "căn cứ"
                relation = {"thực hiện": Relation.IMPLEMENTS, "căn cứ": Relation.BASED_ON,
                            "theo": Relation.ACCORDING_TO}[word]
                references.append(ParsedReference(relation, cite.kind, cite.number, cite.symbol,
                                                  cite.date, cite.issuer, cite.subject))
        self.out.references = references
        self.read_citations(references)
        complete = all(ref.date and ref.issuer for ref in references)
        self.conf["references"] = 0.85 if references and complete else 0.7 if references else 0.6

    def read_citations(self, references: list[ParsedReference]) -> None:
        """Documents cited in the body (Kết luận số 57-KL/TW …): not what the letter implements,
        but the structured form keeps them as citations. Also the "(Gửi kèm …)" attachments."""
        seen = {(ref.kind, ref.number, ref.symbol) for ref in references}
        opening = True
        for paragraph in self.out.body:
            attached = _ATTACHED.match(paragraph.text)
            if attached:
                self.out.attachments.append(attached.group("what"))
            if paragraph.number or paragraph.bullet or not _LEAD.match(paragraph.text):
                opening = False
            if opening:
                continue
            for cite in self.citations(paragraph.text):
                key = (cite.kind, cite.number, cite.symbol)
                if key not in seen:
                    seen.add(key)
                    self.out.citations.append(ParsedReference(
                        Relation.CITES, cite.kind, cite.number, cite.symbol, cite.date,
                        cite.issuer, cite.subject))

    def citations(self, text: str) -> list[g.Citation]:
        if text not in self._citations:
            self._citations[text] = g.find_citations(text)
        return self._citations[text]

    def count_tasks(self) -> None:
        if not self.out.body:
            return
        roman = [p for p in self.out.body if p.number and not p.number.isdigit()
                 and p.level == 0]
        sequence = roman if roman else [p for p in self.out.body
                                        if p.number and p.number.isdigit()]
        count = 0
        if roman:
            count = len(roman)
        else:
            for paragraph in sequence:
                if int(paragraph.number or 0) == count + 1:
                    count += 1
                elif count and paragraph.number == "1":
                    break  # a second list restarts at 1: it is not top level
        self.out.tasks_count = count
        self.conf["tasks_count"] = 0.85 if count else 0.6

    def read_body_issuer(self) -> None:
        """Without a header, the issuer names itself where it makes its request:
        "…, Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam Đồng đề nghị …"."""
        if self.out.issuer:
            return
        for paragraph in self.out.body[:12]:
            text = paragraph.text
            cites = self.citations(text) if _LEAD.match(text) else []
            offset = cites[-1].end if cites else 0
            for match in _ISSUER_REQUEST.finditer(text, offset):
                name = g.squash(match.group("iss"))
                if re.search(r"\d|(?<!\w)(?:của|số|các|về)(?!\w)", name):
                    continue
                split = _PARENT_START.search(name)
                if split:
                    self.out.issuer = name[: split.start()].strip()
                    self.out.issuer_parent = name[split.end():].strip()
                    self.conf["issuer_parent"] = 0.55
                else:
                    self.out.issuer = name
                self.conf["issuer"] = 0.6
                return

    def read_kind(self) -> None:
        out = self.out
        if out.kind and out.kind != "công văn":
            return
        if out.symbol:
            info = g.classify_symbol(out.symbol)
            if info.doc_type and info.kind != "Công văn":
                out.kind = info.kind.lower()
                return
            out.kind = "công văn"


def parse_letter_text(text: str) -> ParsedLetter:
    """Read a letter from its text. Never raises; a part it cannot read stays None."""
    try:
        if not isinstance(text, str):
            text = str(text)
        return _Reader(text).run()
    except Exception as error:  # the last guard: an empty result rather than a crash
        letter = ParsedLetter()
        letter.problems.append(f"parser: {type(error).__name__}: {error}")
        return letter
