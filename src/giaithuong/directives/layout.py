"""Letter layout: a LetterDoc turned into what goes where on the page (bố cục văn bản).

Pure core: no Django. The renderers (documents.pdf with Typst, documents.docx with python-docx)
draw exactly what this module describes, so both give the same letter. The rules come from
dispatch-format.md: Nghị định 30/2020 Phụ lục I for State and Fatherland Front letters,
Hướng dẫn 36-HD/VPTW for Party letters.

Every value here is plain data (frozen dataclasses of str, float, bool and tuples) and
`LetterLayout.to_dict()` gives JSON-ready dicts for the Typst template.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from giaithuong.common.text import date_line, nfc
from giaithuong.directives.letter import LetterDoc, Style

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"  # Quốc hiệu
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"  # Tiêu ngữ
PARTY_TITLE = "ĐẢNG CỘNG SẢN VIỆT NAM"
FIRST_LINE_INDENT_MM = 12.7
PT_PER_MM = 72 / 25.4

# Advance widths of Times New Roman (Liberation Serif has the same metrics), in 1/2048 em, for
# the base letters; Vietnamese letters take the width of their base letter. Used to split long
# header lines and to size the rules under them.
_WIDTH_CHARS = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;-/()*ĐđƯưƠơ&\"'!?%"
)
_WIDTHS = {
    False: (
        909, 1024, 909, 1024, 909, 682, 1024, 1024, 569, 569, 1024, 569, 1593, 1024, 1024, 1024,
        1024, 682, 797, 569, 1024, 1024, 1479, 1024, 1024, 909, 1479, 1366, 1366, 1479, 1251,
        1139, 1479, 1479, 682, 797, 1479, 1251, 1821, 1479, 1479, 1139, 1479, 1366, 1139, 1251,
        1479, 1479, 1933, 1479, 1479, 1251, *(1024,) * 10, 512, 512, 512, 569, 569, 682, 569,
        682, 682, 1024, 1479, 1024, 1589, 1110, 1479, 1083, 1593, 836, 369, 682, 909, 1706,
    ),
    True: (
        1024, 1139, 909, 1139, 909, 682, 1024, 1139, 569, 682, 1139, 569, 1706, 1139, 1024, 1139,
        1139, 909, 797, 682, 1139, 1024, 1479, 1024, 1024, 909, 1479, 1366, 1479, 1479, 1366,
        1251, 1593, 1593, 797, 1024, 1593, 1366, 1933, 1479, 1593, 1251, 1593, 1479, 1139, 1366,
        1479, 1479, 2048, 1479, 1479, 1366, *(1024,) * 10, 512, 512, 512, 682, 682, 682, 569,
        682, 682, 1024, 1479, 1139, 1630, 1229, 1593, 1134, 1706, 1137, 569, 682, 1024, 2048,
    ),
}
_WIDTH_TABLE = {bold: dict(zip(_WIDTH_CHARS, widths, strict=True))
                for bold, widths in _WIDTHS.items()}
_SUPERSCRIPTS = {"¹": 1, "²": 2, "³": 3, "⁴": 4, "⁵": 5, "⁶": 6, "⁷": 7, "⁸": 8, "⁹": 9}
# Words that start the second line of a long unit name ("ỦY BAN MTTQ VIỆT NAM / PHƯỜNG NAM ĐỒNG").
_BREAK_BEFORE = ("THÀNH PHỐ", "PHƯỜNG", "XÃ", "TỈNH", "ĐẶC KHU", "THỊ TRẤN", "TRUNG ƯƠNG")


@functools.lru_cache(maxsize=4096)
def text_width_mm(text: str, size_pt: float, *, bold: bool = False) -> float:
    """Width of `text` set in Times New Roman at `size_pt`, in millimetres (estimated)."""
    table = _WIDTH_TABLE[bold]
    units = 0
    for char in nfc(text):
        width = table.get(char)
        if width is None:
            base = unicodedata.normalize("NFD", char)[0]
            width = table.get(base, 1024)
        units += width
    return units / 2048 * size_pt / PT_PER_MM


def split_lines(text: str, size_pt: float, width_mm: float, *, bold: bool = False
                ) -> tuple[str, ...]:
    """Break a header line the way clerks do when it is wider than its column.

    Explicit line breaks are kept. A line that fits stays whole; otherwise it breaks before an
    administrative word (PHƯỜNG, XÃ, TỈNH, …) when that gives lines that fit, else at the word
    boundary that gives the most even lines.
    """
    lines: list[str] = []
    for raw in nfc(text).splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        lines.extend(_split_one(line, size_pt, width_mm, bold))
    return tuple(lines)


def _split_one(line: str, size_pt: float, width_mm: float, bold: bool) -> list[str]:
    if text_width_mm(line, size_pt, bold=bold) <= width_mm:
        return [line]
    words = line.split(" ")
    if len(words) < 2:
        return [line]
    for keyword in _BREAK_BEFORE:
        match = re.search(rf"(?<=\S) (?={re.escape(keyword)}\b)", line)
        if match:
            head, tail = line[: match.start()], line[match.end():]
            if text_width_mm(head, size_pt, bold=bold) <= width_mm:
                return [head, *_split_one(tail, size_pt, width_mm, bold)]
    return _balanced(words, size_pt, width_mm, bold)


def _balanced(words: list[str], size_pt: float, width_mm: float, bold: bool) -> list[str]:
    """As few lines as greedy wrapping needs, with the widest line as narrow as possible."""
    def width(i: int, j: int) -> float:
        return text_width_mm(" ".join(words[i:j]), size_pt, bold=bold)

    count, start = 0, 0
    while start < len(words):
        end = start + 1
        while end < len(words) and width(start, end + 1) <= width_mm:
            end += 1
        count, start = count + 1, end
    # best[k][i]: (widest line, breaks) setting words[i:] in k lines
    n = len(words)
    best: dict[tuple[int, int], tuple[float, tuple[int, ...]]] = {}
    for i in range(n):
        best[(1, i)] = (width(i, n), ())
    for k in range(2, count + 1):
        for i in range(n - k + 1):
            options = []
            for j in range(i + 1, n - k + 2):
                rest = best.get((k - 1, j))
                if rest is not None:
                    options.append((max(width(i, j), rest[0]), (j, *rest[1])))
            if options:
                best[(k, i)] = min(options)
    _, breaks = best[(count, 0)]
    bounds = [0, *breaks, n]
    return [" ".join(words[a:b]) for a, b in itertools.pairwise(bounds)]


# ---------------------------------------------------------------------------------------------
# The layout description


@dataclass(frozen=True)
class Page:
    """A4 portrait with the margins of the rulebook; page numbers from page 2, top centre."""

    width_mm: float = 210.0
    height_mm: float = 297.0
    margin_top_mm: float = 20.0
    margin_bottom_mm: float = 20.0
    margin_left_mm: float = 30.0
    margin_right_mm: float = 15.0
    font_size_pt: float = 14.0
    page_number_size_pt: float = 13.0
    page_number_from: int = 2

    @property
    def text_width_mm(self) -> float:
        return self.width_mm - self.margin_left_mm - self.margin_right_mm


@dataclass(frozen=True)
class Line:
    """One line of text, centred in its column unless said otherwise."""

    text: str
    size_pt: float
    bold: bool = False
    italic: bool = False
    underline: bool = False
    kind: str = "line"


@dataclass(frozen=True)
class Rule:
    """A short horizontal rule, centred in its column."""

    width_mm: float
    thickness_pt: float = 0.6
    kind: str = "rule"


@dataclass(frozen=True)
class Header:
    """The two-column head: left the issuing body with its number and subject, right the
    national (or Party) title with the place-and-date line."""

    left_width_mm: float
    right_width_mm: float
    left: tuple[Line | Rule, ...]
    right: tuple[Line | Rule, ...]
    number: Line  # the Số line, under the left block
    date: Line  # the italic place-and-date line, same row as the number
    subject: tuple[Line, ...] = ()  # "V/v …" under the number (công văn)


@dataclass(frozen=True)
class TitleBlock:
    """Typed documents (KẾ HOẠCH, THÔNG BÁO, …): the type name and abstract under the header."""

    lines: tuple[Line, ...]
    rule: Rule | None = None


@dataclass(frozen=True)
class Salutation:
    """Kính gửi: one addressee on the label's line; several as "- X;" lines, the last ending
    in "." and the dashes aligned under each other after the label."""

    label: str
    lines: tuple[str, ...]
    size_pt: float
    inline: bool  # one addressee: on the same line as the label


@dataclass(frozen=True)
class Run:
    """A piece of a body paragraph. `footnote` set: the reference mark of that footnote."""

    text: str = ""
    footnote: int | None = None
    nobreak: bool = False  # a web address: kept on one line


@dataclass(frozen=True)
class BodyParagraph:
    runs: tuple[Run, ...]
    size_pt: float
    first_line_indent_mm: float = FIRST_LINE_INDENT_MM
    left_indent_mm: float = 0.0
    justify: bool = True
    space_after_pt: float = 6.0

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class SignatureBlock:
    """Bottom right: authority lines and title in bold CAPS, room to sign and seal, the name."""

    lines: tuple[Line, ...]  # authority lines, then the title
    name: Line
    space_mm: float = 25.0


@dataclass(frozen=True)
class RecipientsBlock:
    """Nơi nhận, bottom left, level with the signer's title."""

    label: Line
    items: tuple[str, ...]  # each "- X;" with the last ending in "."
    item_size_pt: float


@dataclass(frozen=True)
class Footnote:
    number: int
    text: str
    size_pt: float
    referenced: bool  # False: no mark in the body; printed after the letter


@dataclass(frozen=True)
class Attachment:
    caption: str
    size_pt: float


@dataclass(frozen=True)
class LetterLayout:
    style: str
    page: Page
    header: Header
    title: TitleBlock | None
    salutation: Salutation | None
    body: tuple[BodyParagraph, ...]
    signature: SignatureBlock | None
    recipients: RecipientsBlock | None
    footnotes: tuple[Footnote, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    body_line_spacing: float = 1.2  # line pitch in em (Word's "single" for Times is 1.15)
    signature_column_ratio: float = 0.55  # share of the text width for the signature
    metadata_title: str = field(default="")

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["page"]["text_width_mm"] = self.page.text_width_mm
        return data


# ---------------------------------------------------------------------------------------------
# Building a layout from a LetterDoc


@dataclass(frozen=True)
class _Sizes:
    parent: float
    issuer: float
    national_title: float
    motto: float
    number: float
    date: float
    subject: float
    body: float
    signature: float
    recipients_label: float
    recipients_item: float
    footnote: float
    left_ratio: float


_STATE = _Sizes(parent=13, issuer=13, national_title=12, motto=13, number=13, date=14,
                subject=12, body=14, signature=14, recipients_label=12, recipients_item=11,
                footnote=11, left_ratio=0.40)
_PARTY = _Sizes(parent=14, issuer=14, national_title=15, motto=15, number=14, date=14,
                subject=12, body=14, signature=14, recipients_label=14, recipients_item=12,
                footnote=12, left_ratio=0.47)


def build_layout(doc: LetterDoc) -> LetterLayout:
    """Lay a letter out per dispatch-format.md (State/Front or Party rulebook)."""
    party = doc.style is Style.PARTY
    sizes = _PARTY if party else _STATE
    page = Page(page_number_size_pt=14.0 if party else 13.0)
    left_width = round(page.text_width_mm * sizes.left_ratio, 1)
    right_width = round(page.text_width_mm - left_width, 1)
    typed = _is_typed(doc.kind)

    left: list[Line | Rule] = []
    if doc.issuer_parent:
        left += [Line(text, sizes.parent)
                 for text in split_lines(doc.issuer_parent.upper(), sizes.parent, left_width)]
    issuer_lines = split_lines(doc.issuer.upper(), sizes.issuer, left_width, bold=True)
    left += [Line(text, sizes.issuer, bold=True) for text in issuer_lines]
    if party:
        left.append(Line("*", sizes.issuer))
        right: list[Line | Rule] = [
            Line(PARTY_TITLE, sizes.national_title, bold=True),
            Rule(round(text_width_mm(PARTY_TITLE, sizes.national_title, bold=True), 1)),
        ]
    else:
        widest = max(text_width_mm(text, sizes.issuer, bold=True) for text in issuer_lines)
        left.append(Rule(round(min(widest, max(15.0, widest * 0.4)), 1)))
        right = [
            Line(NATIONAL_TITLE, sizes.national_title, bold=True),
            Line(NATIONAL_MOTTO, sizes.motto, bold=True),
            Rule(round(text_width_mm(NATIONAL_MOTTO, sizes.motto, bold=True), 1)),
        ]

    subject_lines: tuple[Line, ...] = ()
    title = None
    if doc.subject and not typed:
        subject_lines = tuple(
            Line(text, sizes.subject, italic=party)
            for text in split_lines(f"V/v {_one_line(doc.subject)}", sizes.subject,
                                    left_width - 4.0)
        )
    if typed:
        title_size = 15.0 if party else 14.0
        lines = [Line(nfc(doc.kind).upper(), title_size, bold=True)]
        if doc.subject:
            lines.append(Line(nfc(_one_line(doc.subject)), 14.0, bold=True))
        title = TitleBlock(tuple(lines), Rule(25.0))

    header = Header(
        left_width_mm=left_width,
        right_width_mm=right_width,
        left=tuple(left),
        right=tuple(right),
        number=Line(nfc(doc.number_line), sizes.number),
        date=Line(date_line(doc.place, doc.date, month=doc.month, year=doc.year), sizes.date,
                  italic=True),
        subject=subject_lines,
    )

    footnote_numbers = range(1, len(doc.footnotes) + 1)
    referenced: set[int] = set()
    body = []
    for paragraph in doc.body:
        text = nfc(paragraph.text).strip()
        if paragraph.number:
            number = paragraph.number.strip()
            text = f"{number}{'.' if number.isdigit() else ''} {text}"
        elif paragraph.bullet:
            text = f"- {text}"
        runs = _runs_with_footnotes(text, footnote_numbers)
        referenced.update(run.footnote for run in runs if run.footnote is not None)
        body.append(BodyParagraph(runs, sizes.body,
                                  left_indent_mm=0.0))

    footnotes = tuple(
        Footnote(number, nfc(text).strip(), sizes.footnote, number in referenced)
        for number, text in zip(footnote_numbers, doc.footnotes, strict=True)
    )

    signature = None
    if doc.signature is not None:
        sig_lines = [Line(nfc(text).upper(), sizes.signature, bold=True)
                     for text in doc.signature.authority]
        if doc.signature.title:
            sig_lines += [Line(text, sizes.signature, bold=True)
                          for text in nfc(doc.signature.title).upper().splitlines()]
        signature = SignatureBlock(tuple(sig_lines),
                                   Line(nfc(doc.signature.name), sizes.signature, bold=True))

    recipients = None
    if doc.recipients:
        label = (Line("Nơi nhận:", sizes.recipients_label, underline=True) if party
                 else Line("Nơi nhận:", sizes.recipients_label, bold=True, italic=True))
        recipients = RecipientsBlock(label, _recipient_items(doc.recipients, party=party),
                                     sizes.recipients_item)

    return LetterLayout(
        style=doc.style.value,
        page=page,
        header=header,
        title=title,
        salutation=_salutation(doc.addressees, sizes.body),
        body=tuple(body),
        signature=signature,
        recipients=recipients,
        footnotes=footnotes,
        attachments=tuple(Attachment(nfc(caption), sizes.body) for caption in doc.attachments),
        metadata_title=nfc(doc.number_line + (f" V/v {_one_line(doc.subject)}"
                                              if doc.subject else "")),
    )


def _is_typed(kind: str) -> bool:
    return bool(kind) and nfc(kind).strip().lower() not in {"công văn", "cv"}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _strip_item(text: str) -> str:
    text = nfc(text).strip()
    text = re.sub(r"^[-–•+]\s*", "", text)
    return text.rstrip(" ;.,").strip()


def _salutation(addressees: tuple[str, ...], size: float) -> Salutation | None:
    names = [name for name in (_strip_item(item) for item in addressees) if name]
    if not names:
        return None
    if len(names) == 1:
        return Salutation("Kính gửi:", (f"{names[0]}.",), size, inline=True)
    lines = tuple(f"- {name}{'.' if index == len(names) - 1 else ';'}"
                  for index, name in enumerate(names))
    return Salutation("Kính gửi:", lines, size, inline=False)


def _recipient_items(recipients: tuple[str, ...], *, party: bool) -> tuple[str, ...]:
    names = [name for name in (_strip_item(item) for item in recipients) if name]
    items = []
    for index, name in enumerate(names):
        if party:
            # HD 36: "- Lưu Văn phòng …" with no colon (and no "VT").
            name = re.sub(r"^Lưu\s*:\s*", "Lưu ", name)
        items.append(f"- {name}{'.' if index == len(names) - 1 else ';'}")
    return tuple(items)


_URL = re.compile(r"https?://[^\s<>]+?(?=[.,;:)]*(?:\s|$))")


def _runs_with_footnotes(text: str, numbers: range) -> tuple[Run, ...]:
    """Split a paragraph at superscript footnote marks (¹, ², …) that name a footnote, and
    set web addresses apart so they are not broken across lines."""
    runs: list[Run] = []
    for piece in _split_marks(text, numbers):
        if piece.footnote is not None:
            runs.append(piece)
            continue
        position = 0
        for match in _URL.finditer(piece.text):
            if match.start() > position:
                runs.append(Run(piece.text[position:match.start()]))
            runs.append(Run(match.group(), nobreak=True))
            position = match.end()
        if position < len(piece.text) or not runs:
            runs.append(Run(piece.text[position:]))
    return tuple(runs)


def _split_marks(text: str, numbers: range) -> list[Run]:
    runs: list[Run] = []
    buffer = ""
    for char in text:
        number = _SUPERSCRIPTS.get(char)
        if number is not None and number in numbers:
            if buffer:
                runs.append(Run(buffer))
                buffer = ""
            runs.append(Run(footnote=number))
        else:
            buffer += char
    if buffer or not runs:
        runs.append(Run(buffer))
    return runs
