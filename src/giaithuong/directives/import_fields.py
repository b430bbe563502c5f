"""The fields of a letter read in from outside, as an officer reviews them before it is saved.

Pure core: no Django. A `LetterDoc` (hand-written samples, complete reads) and a `ParsedLetter`
(whatever the parser managed to read) both become `ImportFields`; the review page, the API and
the import command fill the same shape, and `directives.importing` saves it. Also the keys that
compare names of bodies across spellings ("Ủy"/"Uỷ", capitals, spacing).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field, replace

from giaithuong.directives.grammar import classify_symbol, format_code
from giaithuong.directives.letter import LetterDoc, Relation, Style
from giaithuong.directives.parser import ParsedLetter, ParsedReference

# The relations a reference row can have; body citations (Relation.CITES) are not stored.
STORED_RELATIONS = (Relation.IMPLEMENTS, Relation.BASED_ON, Relation.ACCORDING_TO)

# The kind as written on paper → the stored kind (directives.models.LetterKind values).
KIND_CODES = {
    "công văn": "cong_van", "kế hoạch": "ke_hoach", "thông báo": "thong_bao",
    "hướng dẫn": "huong_dan", "thông tri": "thong_tri", "quyết định": "quyet_dinh",
    "báo cáo": "bao_cao",
}

# Old and new placement of the tone mark on "oa", "oe", "uy" ("Uỷ ban" / "Ủy ban"): one key.
_OLD_TONES = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_OLD_TONE_RE = re.compile("|".join(_OLD_TONES))
_NOT_WORD = re.compile(r"[^\w]+")


def nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "")


def clean(text: str | None) -> str:
    """NFC, single spaces, no surrounding blanks."""
    return " ".join(nfc(text).split())


def name_key(text: str | None) -> str:
    """A key under which two spellings of one body's name are equal: case, spacing,
    punctuation and the old tone placement do not count."""
    key = nfc(text).casefold()
    key = _OLD_TONE_RE.sub(lambda match: _OLD_TONES[match.group(0)], key)
    return " ".join(_NOT_WORD.sub(" ", key).split())


def full_issuer_name(issuer: str, parent: str | None, texts: list[str]) -> str:
    """The issuer's full name as others cite it ("Ban Thường trực Ủy ban MTTQ Việt Nam phường
    Nam Đồng"): issuer line then parent line. Header lines are in capitals, so the name is taken
    in its ordinary case from the letter's own text when it appears there."""
    wanted = clean(f"{issuer} {parent or ''}")
    if not wanted:
        return ""
    needle = wanted.lower()
    for text in texts:
        text = clean(text)
        lowered = text.lower()
        at = lowered.find(needle)
        # lower() keeps the length of Vietnamese text; check, so the slice is the same words.
        if at >= 0 and len(lowered) == len(text):
            return text[at:at + len(wanted)]
    return wanted


def unit_codes(symbol: str) -> set[str]:
    """The unit codes a symbol can carry: the State công văn symbol itself ("MTTQ-BTT"), the
    symbol without its document type ("KH-MTTQ-BTT" → "MTTQ-BTT"), the Party body ("CV/BTGDVTU"
    → "BTGDVTU")."""
    symbol = clean(symbol).replace(" ", "")
    if not symbol:
        return set()
    info = classify_symbol(symbol)
    codes = {symbol}
    if info.party:
        codes.add(info.issuer_code)
    elif info.doc_type:
        codes.add(symbol.split("-", 1)[1])
    return {code for code in codes if code}


def is_party_symbol(symbol: str) -> bool:
    return "/" in symbol and bool(re.match(r"^[^/\d]", symbol))


@dataclass
class ImportReference:
    """A letter the imported one implements, is based on, or follows (one reference row)."""

    relation: str  # a value of STORED_RELATIONS
    kind: str = "Công văn"
    number: int | None = None
    symbol: str = ""
    date: dt.date | None = None
    issuer: str = ""
    subject: str = ""

    @property
    def identifiable(self) -> bool:
        """Enough to find the letter again: a number, and a symbol or a date."""
        return self.number is not None and bool(self.symbol or self.date)

    @property
    def code(self) -> str:
        if self.number is None and not self.symbol:
            return ""
        if not self.symbol:
            return str(self.number)
        return format_code(self.number, self.symbol, party=is_party_symbol(self.symbol))

    def cleaned(self) -> ImportReference:
        return replace(self, kind=clean(self.kind) or "Công văn", symbol=clean(self.symbol)
                       .replace(" ", ""), issuer=clean(self.issuer),
                       subject=clean(self.subject))


@dataclass
class ImportFields:
    """Every field an officer reviews; `body` and `footnotes` come from the reading itself."""

    style: str = Style.STATE.value
    kind: str = "cong_van"
    header_name: str = ""  # the issuer line of the header, in capitals
    header_parent: str = ""  # the line above it, if any
    issuer_name: str = ""  # the issuer's full name as cited
    number: int | None = None
    symbol: str = ""
    place: str = ""
    date: dt.date | None = None
    year: int | None = None  # when the day is blank (a draft): the year on the date line
    month: int | None = None
    subject: str = ""
    addressees: list[str] = field(default_factory=list)
    references: list[ImportReference] = field(default_factory=list)
    body: list[dict] = field(default_factory=list)  # {text, number, bullet, level}
    recipients: list[str] = field(default_factory=list)
    signature: dict = field(default_factory=dict)  # {authority: [..], title, name}
    footnotes: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        if not self.symbol:
            return str(self.number or "")
        return format_code(self.number, self.symbol, party=self.style == Style.PARTY)

    @property
    def written_year(self) -> int | None:
        return self.date.year if self.date else self.year

    def names(self) -> list[str]:
        """The issuer's names worth matching against units and citations."""
        names = (self.issuer_name, clean(f"{self.header_name} {self.header_parent}"))
        return list(dict.fromkeys(name for name in names if name))

    def cleaned(self) -> ImportFields:
        """NFC everywhere, no stray spaces, empty list items dropped, header lines in capitals."""
        signature = self.signature or {}
        return replace(
            self,
            header_name=clean(self.header_name).upper(),
            header_parent=clean(self.header_parent).upper(),
            issuer_name=clean(self.issuer_name),
            symbol=clean(self.symbol).replace(" ", ""),
            place=clean(self.place),
            subject=clean(self.subject),
            addressees=[clean(item) for item in self.addressees if clean(item)],
            references=[ref.cleaned() for ref in self.references],
            body=[{"text": nfc(p.get("text", "")).strip(), "number": p.get("number") or None,
                   "bullet": bool(p.get("bullet")), "level": int(p.get("level") or 0)}
                  for p in self.body if nfc(p.get("text", "")).strip()],
            recipients=[clean(item) for item in self.recipients if clean(item)],
            signature={"authority": [clean(line) for line in signature.get("authority") or ()
                                     if clean(line)],
                       "title": clean(signature.get("title")),
                       "name": clean(signature.get("name"))},
            footnotes=[nfc(note).strip() for note in self.footnotes if nfc(note).strip()],
        )


def reference_from(ref: ParsedReference | object) -> ImportReference:
    return ImportReference(
        relation=str(ref.relation), kind=ref.kind or "Công văn", number=ref.number,
        symbol=ref.symbol or "", date=ref.date, issuer=ref.issuer or "",
        subject=ref.subject or "")


def fields_from_doc(doc: LetterDoc) -> ImportFields:
    """A complete letter (a sample, or a full reading) as fields to import."""
    body = [{"text": p.text, "number": p.number, "bullet": p.bullet, "level": p.level}
            for p in doc.body]
    signature = ({"authority": list(doc.signature.authority), "title": doc.signature.title,
                  "name": doc.signature.name} if doc.signature else {})
    return ImportFields(
        style=str(doc.style),
        kind=KIND_CODES.get(nfc(doc.kind).lower(), "cong_van"),
        header_name=doc.issuer,
        header_parent=doc.issuer_parent or "",
        issuer_name=full_issuer_name(doc.issuer, doc.issuer_parent, [p.text for p in doc.body]),
        number=doc.number,
        symbol=doc.symbol,
        place=doc.place,
        date=doc.date,
        year=doc.date.year if doc.date else doc.year,
        month=doc.date.month if doc.date else doc.month,
        subject=doc.subject,
        addressees=list(doc.addressees),
        references=[reference_from(ref) for ref in doc.references
                    if ref.relation in STORED_RELATIONS],
        body=body,
        recipients=list(doc.recipients),
        signature=signature,
        footnotes=list(doc.footnotes),
    ).cleaned()


def fields_from_parsed(parsed: ParsedLetter) -> ImportFields:
    """What the parser read: through its `LetterDoc` when it read enough to lay the letter out
    again, otherwise field by field (a missing part stays empty for the officer to fill)."""
    texts = [p.text for p in parsed.body]
    doc = parsed.to_letter_doc()
    if doc is not None:
        fields = fields_from_doc(doc)
        # The parser keeps names in the case it read them; prefer that to the capitals.
        fields.issuer_name = full_issuer_name(parsed.issuer or "", parsed.issuer_parent, texts)
        return fields.cleaned()
    date = parsed.date
    signature = {}
    if parsed.signer_title or parsed.signer_name or parsed.authority_lines:
        signature = {"authority": list(parsed.authority_lines),
                     "title": parsed.signer_title or "", "name": parsed.signer_name or ""}
    return ImportFields(
        style=Style.PARTY.value if parsed.party else Style.STATE.value,
        kind=KIND_CODES.get(nfc(parsed.kind).lower(), "cong_van"),
        header_name=parsed.issuer or "",
        header_parent=parsed.issuer_parent or "",
        issuer_name=full_issuer_name(parsed.issuer or "", parsed.issuer_parent, texts),
        number=parsed.number,
        symbol=parsed.symbol or "",
        place=parsed.place or "",
        date=date.date if date else None,
        year=date.year if date else None,
        month=date.month if date else None,
        subject=parsed.subject or "",
        addressees=list(parsed.addressees or ()),
        references=[reference_from(ref) for ref in parsed.references or ()
                    if ref.relation in STORED_RELATIONS],
        body=[{"text": p.text, "number": p.number, "bullet": p.bullet, "level": p.level}
              for p in parsed.body],
        recipients=list(parsed.recipients or ()),
        signature=signature,
        footnotes=list(parsed.footnotes),
    ).cleaned()
