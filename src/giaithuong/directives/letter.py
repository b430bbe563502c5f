"""The structured form of an official letter (công văn and typed documents).

Pure core: no Django. The parser produces it from text, the layout core and renderers turn it into
DOCX and PDF, and the models store it. One shape for all three, so a seed letter read in can be
rendered back out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Style(StrEnum):
    """Which rulebook lays the letter out (dispatch-format.md §0)."""

    STATE = "state"  # Nghị định 30/2020: State bodies and the Fatherland Front
    PARTY = "party"  # Hướng dẫn 36-HD/VPTW: Party bodies


class Relation(StrEnum):
    """How a letter cites another in its opening (the words that lead the citation)."""

    IMPLEMENTS = "implements"  # Thực hiện …
    BASED_ON = "based_on"  # Căn cứ …
    ACCORDING_TO = "according_to"  # Theo …
    CITES = "cites"  # cited in the body (Kết luận số 57-KL/TW …)


@dataclass(frozen=True)
class Reference:
    """A letter or document this one cites (văn bản được viện dẫn)."""

    relation: Relation
    kind: str  # "Công văn", "Kết luận", "Nghị quyết", …
    number: int | None  # 1390, 783; None when the citation has no number
    symbol: str | None  # "CV/BTGDVTW" as in "1390-CV/BTGDVTW"; "MTTW-BTT"; None when bare
    date: dt.date | None
    issuer: str | None
    subject: str | None = None


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the body. `level` 0 is plain text; a numbered task has `number` ("1");
    a dash item has `bullet=True`."""

    text: str
    number: str | None = None
    bullet: bool = False
    level: int = 0


@dataclass(frozen=True)
class Signature:
    """The signature block: authority lines (TM./KT./TL./TUQ./Q., T/M, K/T, T/L), the signer's
    title and name."""

    authority: tuple[str, ...]  # ("K/T TRƯỞNG BAN",) or ("TM. BAN THƯỜNG TRỰC",)
    title: str  # "PHÓ TRƯỞNG BAN", "CHỦ TỊCH"
    name: str

    @property
    def authority_prefix(self) -> str | None:
        """The first prefix, e.g. "K/T" or "TM."."""
        if not self.authority:
            return None
        first = self.authority[0].split(" ", 1)[0]
        return first if first in {"TM.", "KT.", "TL.", "TUQ.", "Q.", "T/M", "K/T", "T/L"} else None


@dataclass(frozen=True)
class LetterDoc:
    """A letter as a reader sees it on paper."""

    style: Style
    kind: str  # "công văn" or a typed document's name ("kế hoạch", "thông báo", …)
    issuer: str  # "BAN THƯỜNG TRỰC", "BAN TUYÊN GIÁO VÀ DÂN VẬN"
    issuer_parent: str | None  # "ỦY BAN MTTQ VIỆT NAM PHƯỜNG NAM ĐỒNG", "ĐẢNG ỦY BỘ …"
    number: int | None  # None for a draft (the number is left blank)
    symbol: str  # "MTTQ-BTT" (state: "Số: 31/MTTQ-BTT"); "CV/BTGDV" (party: "Số 12-CV/BTGDV")
    place: str
    date: dt.date | None  # None for a draft whose day is blank
    month: int | None = None  # for drafts: the month and year written on the date line
    year: int | None = None
    subject: str = ""  # without the "V/v" lead-in
    addressees: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    body: tuple[Paragraph, ...] = ()  # everything between Kính gửi and Nơi nhận, in order
    recipients: tuple[str, ...] = ()  # Nơi nhận items, without the leading dash
    signature: Signature | None = None
    footnotes: tuple[str, ...] = ()
    attachments: tuple[str, ...] = field(default=())  # captions, e.g. the trailer QR code

    @property
    def number_line(self) -> str:
        """'Số: 31/MTTQ-BTT' (state) or 'Số 1390-CV/BTGDVTW' (party); drafts leave a blank."""
        # Numbers below 10 take a leading zero; a draft leaves the number blank.
        number = f"{self.number:02d}" if self.number is not None else ""
        if self.style is Style.PARTY:
            return f"Số {number}-{self.symbol}" if number else f"Số    -{self.symbol}"
        return f"Số: {number}/{self.symbol}" if number else f"Số:     /{self.symbol}"
