"""Writing a letter by hand on the pages: the body as plain text lines, citations of other
letters, the usual symbol and signing authority of a unit.

Pure core: no Django. The forms turn a textarea into the stored body (a list of paragraph dicts
in the shape of `directives.letter.Paragraph`) and back; the services compose the opening of an
implementing letter from the letters it cites.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from giaithuong.common.text import nfc, short_date
from giaithuong.directives.grammar import format_code

# Letter kinds (the values of models.LetterKind) as written in a citation, and the type
# abbreviation of their symbol: State and Front per NĐ 30 Phụ lục III, Party per HD 36. A công
# văn has no abbreviation in State symbols ("31/MTTQ-BTT") but "CV" in Party ones.
KIND_NAMES = {
    "cong_van": "Công văn", "ke_hoach": "Kế hoạch", "thong_bao": "Thông báo",
    "huong_dan": "Hướng dẫn", "thong_tri": "Thông tri", "quyet_dinh": "Quyết định",
    "bao_cao": "Báo cáo",
}
_STATE_ABBR = {"ke_hoach": "KH", "thong_bao": "TB", "huong_dan": "HD", "thong_tri": "TT",
               "quyet_dinh": "QĐ", "bao_cao": "BC"}
_PARTY_ABBR = {"cong_van": "CV", **_STATE_ABBR}

# Bodies that sign collectively: their officers sign "TM. <BODY>" (State, Front) or
# "T/M <BODY>" (Party) above the signer's title (dispatch-format §7).
_COLLECTIVE = ("BAN THƯỜNG TRỰC", "BAN THƯỜNG VỤ", "BAN CHẤP HÀNH", "ỦY BAN NHÂN DÂN",
               "ĐẢNG ỦY", "CHI ỦY", "CHI BỘ", "BAN CHỈ ĐẠO", "HỘI ĐỒNG")

SYMBOL = re.compile(r"^[0-9A-Za-zĐđ&]+(?:[-/][0-9A-Za-zĐđ&]+)*$")


# Body text ⇄ paragraphs ------------------------------------------------------------------------

_NUMBERED = re.compile(r"^(\d{1,3})\.\s+(\S.*)$")  # "1. Đẩy mạnh …"
_SUBNUMBERED = re.compile(r"^(\d{1,3}(?:\.\d{1,3})+\.?)\s+(\S.*)$")  # "1.1. …", "2.3 …"
_LETTERED = re.compile(r"^([a-zđ]\))\s+(\S.*)$")  # "a) …"
_ROMAN = re.compile(r"^((?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)\.)\s+(\S.*)$")  # "II. …"
_BULLET = re.compile(r"^[-–•+]\s+(\S.*)$")  # "- Tăng cường …"
_INDENT = "  "  # two spaces per level, as typed into the textarea
_ESCAPE = "\\"  # a plain paragraph that would read as an item starts with a backslash


def _is_item_text(text: str) -> bool:
    return bool(_NUMBERED.match(text) or _SUBNUMBERED.match(text) or _LETTERED.match(text)
                or _ROMAN.match(text) or _BULLET.match(text) or text.startswith(_ESCAPE))


def _number_mark(number: str) -> str:
    """How a stored number is typed: "1" → "1.", the parser's "a" → "a)" and "II" → "II."."""
    if number.isdigit():
        return f"{number}."
    if re.fullmatch(r"[a-zđ]", number):
        return f"{number})"
    if re.fullmatch(r"[IVX]+", number):
        return f"{number}."
    return number


def body_to_text(body: Iterable[dict]) -> str:
    """One line per paragraph: "1. …" for a numbered task, "- …" for a bullet item, indented two
    spaces per level; the inverse of `text_to_body`."""
    lines = []
    for paragraph in body:
        text = " ".join(nfc(str(paragraph.get("text") or "")).split())
        if not text:
            continue
        number = str(paragraph.get("number") or "").strip()
        if number:
            line = f"{_number_mark(number)} {text}"
        elif paragraph.get("bullet"):
            line = f"- {text}"
        else:
            line = _ESCAPE + text if _is_item_text(text) else text
        lines.append(_INDENT * max(0, int(paragraph.get("level") or 0)) + line)
    return "\n".join(lines)


def text_to_body(text: str) -> list[dict]:
    """Paragraphs from textarea lines: empty lines are dropped, "1." starts a numbered task,
    "II." a part, "1.1." or "a)" a sub-item, "- " a bullet item; two leading spaces make one
    level. A backslash keeps a line that looks like an item a plain paragraph."""
    body = []
    for raw in nfc(text or "").replace("\t", _INDENT).splitlines():
        stripped = raw.strip()
        if not stripped:
            continue
        level = min((len(raw) - len(raw.lstrip(" "))) // len(_INDENT), 3)
        line = " ".join(stripped.split())
        paragraph = {"text": line, "number": None, "bullet": False, "level": level}
        if line.startswith(_ESCAPE):
            paragraph["text"] = line[len(_ESCAPE):].strip()
        elif match := _NUMBERED.match(line):
            paragraph.update(number=match.group(1), text=match.group(2))
        elif match := _SUBNUMBERED.match(line):
            number = match.group(1)
            paragraph.update(number=number if number.endswith(".") else number + ".",
                             text=match.group(2))
        elif match := _LETTERED.match(line) or _ROMAN.match(line):
            paragraph.update(number=match.group(1), text=match.group(2))
        elif match := _BULLET.match(line):
            paragraph.update(bullet=True, text=match.group(1))
        if paragraph["text"]:
            body.append(paragraph)
    return body


def text_lines(text: str) -> list[str]:
    """The non-empty lines of a textarea, NFC, without a leading list dash or trailing ";"."""
    lines = []
    for raw in nfc(text or "").splitlines():
        line = re.sub(r"^[-–•+]\s*", "", " ".join(raw.split())).rstrip(" ;").strip()
        if line:
            lines.append(line)
    return lines


# Citations ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cited:
    """What a citation needs of a letter: kind as written, number and symbol, date, issuer."""

    kind: str  # "Công văn", "Kế hoạch", …
    number: int | None
    symbol: str
    party: bool
    date: dt.date | None
    issuer: str
    subject: str


def citation(letter: Cited) -> str:
    """'Công văn số 783/MTTQ-BTT ngày 10/6/2026 của Ban Thường trực … về việc …' (Party numbers
    with a dash: '1390-CV/BTGDVTW'); parts the letter lacks are left out, as the seeds do with
    a bare 'Công văn số 783'."""
    parts = [nfc(letter.kind or "Công văn")]
    if letter.number is not None:
        code = format_code(letter.number, letter.symbol, party=letter.party) if letter.symbol \
            else str(letter.number)
        parts.append(f"số {code}")
    if letter.date is not None:
        parts.append(f"ngày {short_date(letter.date)}")
    if letter.issuer:
        parts.append(f"của {nfc(letter.issuer).strip()}")
    subject = " ".join(nfc(letter.subject or "").split()).rstrip(" ;.,:")
    if subject:
        parts.append(f"về việc {subject}")
    return " ".join(parts)


def opening(implemented: Cited, based_on: Iterable[Cited], issuer_name: str) -> list[str]:
    """The opening paragraphs of an implementing letter, as the ward letter of seed 004 writes
    them: "Thực hiện <citation>", then "Căn cứ <citation>" for each letter above it, and the
    issuer's request. With one citation it is one paragraph ("Thực hiện …, Ban … đề nghị …")."""
    request = (f"{nfc(issuer_name).strip()} đề nghị các đơn vị triển khai thực hiện một số nội "
               "dung sau:")
    cited = [f"Thực hiện {citation(implemented)}",
             *(f"Căn cứ {citation(letter)}" for letter in based_on)]
    if len(cited) == 1:
        return [f"{cited[0]}, {request}"]
    return [*(f"{text};" for text in cited), request[0].upper() + request[1:]]


# A unit's habits ------------------------------------------------------------------------------

def default_symbol(code: str, kind: str, *, party: bool) -> str:
    """The symbol a unit writes for a kind of letter: 'MTTQ-BTT' and 'KH-MTTQ-BTT' (State and
    Front), 'CV/BTGDVTU' and 'KH/BTGDVTU' (Party)."""
    code = nfc(code or "").strip()
    if party:
        return f"{_PARTY_ABBR.get(kind, 'CV')}/{code}" if code else ""
    abbreviation = _STATE_ABBR.get(kind)
    return f"{abbreviation}-{code}" if abbreviation and code else code


def collective_authority(body_name: str, *, party: bool) -> str | None:
    """'TM. BAN THƯỜNG TRỰC' for a body that signs collectively ('T/M …' for the Party); None
    when the body's head signs in their own name."""
    name = nfc(body_name or "").strip().upper()
    for body in _COLLECTIVE:
        if name.startswith(body):
            return f"{'T/M' if party else 'TM.'} {body}"
    return None
