"""A stored letter as the shared structured form (`LetterDoc`), and as PDF or DOCX bytes.

The models keep the body, signature and references in the shape of `directives.letter`; this
module is the one place that turns a `Letter` row back into that shape, so the pages, the API and
the edXML export render the same document.
"""

from __future__ import annotations

from django.utils.text import slugify

from giaithuong.common.text import nfc
from giaithuong.directives.letter import LetterDoc, Paragraph, Reference, Relation, Signature, Style
from giaithuong.directives.models import Letter, LetterKind

TRAILER_CAPTION = "Mã QR xem đoạn phim giới thiệu Giải thưởng"

# The kind as written on paper: "công văn" has no title line; typed documents carry their name.
_KIND_WORDS = {
    LetterKind.OFFICIAL_LETTER: "công văn", LetterKind.PLAN: "kế hoạch",
    LetterKind.NOTICE: "thông báo", LetterKind.GUIDANCE: "hướng dẫn",
    LetterKind.DIRECTIVE_NOTE: "thông tri", LetterKind.DECISION: "quyết định",
    LetterKind.REPORT: "báo cáo",
}


def paragraphs(body: list[dict]) -> tuple[Paragraph, ...]:
    return tuple(Paragraph(text=nfc(p.get("text", "")), number=p.get("number") or None,
                           bullet=bool(p.get("bullet")), level=int(p.get("level") or 0))
                 for p in body if p.get("text"))


def paragraph_dicts(body) -> list[dict]:
    """The JSON shape the models store for a body of `Paragraph` values."""
    return [{"text": p.text, "number": p.number, "bullet": p.bullet, "level": p.level}
            for p in body]


def signature_of(data: dict) -> Signature | None:
    if not data or not (data.get("title") or data.get("name") or data.get("authority")):
        return None
    return Signature(tuple(data.get("authority") or ()), data.get("title", ""),
                     data.get("name", ""))


def letter_doc(letter: Letter) -> LetterDoc:
    references = tuple(
        Reference(Relation(ref.relation), ref.kind, ref.number, ref.symbol or None, ref.date,
                  ref.issuer_name or None, ref.subject or None)
        for ref in letter.references.all())
    attachments = (TRAILER_CAPTION,) if letter.attach_trailer_qr else ()
    draft_date = letter.date or letter.created_at
    return LetterDoc(
        style=Style(letter.style),
        kind=_KIND_WORDS.get(letter.kind, "công văn"),
        issuer=nfc(letter.header_name or letter.issuer_name).upper(),
        issuer_parent=nfc(letter.header_parent).upper() or None,
        number=letter.number,
        symbol=letter.symbol,
        place=letter.place,
        date=letter.date,
        # A draft shows its month and year and leaves the day blank, as drafts on paper do.
        month=None if letter.date else draft_date.month,
        year=None if letter.date else draft_date.year,
        subject=letter.subject,
        addressees=tuple(letter.addressee_texts),
        references=references,
        body=paragraphs(letter.body),
        recipients=tuple(letter.recipients),
        signature=signature_of(letter.signature),
        footnotes=tuple(letter.footnotes),
        attachments=attachments,
    )


def _attachments_png(letter: Letter) -> dict[int, bytes] | None:
    if not letter.attach_trailer_qr:
        return None
    edition = letter.edition
    if edition is None:
        from giaithuong.editions.selectors import current_edition

        edition = current_edition()
    if edition is None or not edition.trailer_url:
        return None
    from giaithuong.documents.qr import qr_png

    return {0: qr_png(edition.trailer_url)}


def letter_pdf(letter: Letter) -> bytes:
    from giaithuong.documents.pdf import render_letter_pdf

    return render_letter_pdf(letter_doc(letter), attachments_png=_attachments_png(letter))


def letter_docx(letter: Letter) -> bytes:
    from giaithuong.documents.docx import render_letter_docx

    return render_letter_docx(letter_doc(letter), attachments_png=_attachments_png(letter))


def file_stem(letter: Letter) -> str:
    """'31-MTTQ-BTT-2026-06-12' for an issued letter, 'du-thao-<id>' for a draft (ASCII, so
    every mail client and file system keeps it)."""
    if letter.number is None:
        return f"du-thao-{letter.pk}"
    date = letter.date.isoformat() if letter.date else ""
    return slugify(f"{letter.number:02d} {letter.symbol.replace('/', ' ')} {date}").upper()
