"""Letters as Word documents (DOCX), drawn with python-docx from the layout core.

The same layout as the PDF: a borderless two-column header table (widths set on the cells and
on the columns, which LibreOffice needs), short rules as paragraph borders, A4 with the
rulebook's margins, page numbers in the header from page 2 (different first page), and Times
New Roman set for every script (ASCII, high ANSI, East Asian and complex), so Vietnamese text
stays in that font in Word and LibreOffice.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT, WD_TABLE_DIRECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from giaithuong.directives.layout import (
    BodyParagraph,
    LetterLayout,
    Line,
    Rule,
    build_layout,
    text_width_mm,
)
from giaithuong.directives.letter import LetterDoc

FONT = "Times New Roman"
LINE_PITCH = 1.2  # line height in em, as in the PDF

__all__ = ["FONT", "render_letter_docx"]


def render_letter_docx(doc: LetterDoc, *, attachments_png: dict | None = None) -> bytes:
    """The letter as DOCX bytes. `attachments_png` maps an attachment (caption or index) to PNG
    bytes, placed on a page after the letter under its caption."""
    layout = build_layout(doc)
    document = Document()
    _set_fonts(document, layout.page.font_size_pt)
    section = document.sections[0]
    _set_page(section, layout)
    document.core_properties.title = layout.metadata_title
    body_width = layout.page.text_width_mm

    _header(document, layout)

    if layout.title is not None:
        _spacer(document, 10)
        for line in layout.title.lines:
            _line_paragraph(document, line)
        if layout.title.rule is not None:
            _rule_paragraph(document, layout.title.rule, body_width)

    if layout.salutation is not None:
        _spacer(document, 12)
        _salutation(document, layout, body_width)
        _spacer(document, 4)

    for paragraph in layout.body:
        _body_paragraph(document, paragraph)

    if layout.signature is not None or layout.recipients is not None:
        _signature(document, layout, body_width)

    loose = [note for note in layout.footnotes if not note.referenced]
    referenced = [note for note in layout.footnotes if note.referenced]
    if layout.footnotes:
        _spacer(document, 12)
        _rule_paragraph(document, Rule(body_width * 0.3, 0.5), body_width, center=False)
        for note in [*referenced, *loose]:
            paragraph = document.add_paragraph()
            _spacing(paragraph, note.size_pt)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            mark = paragraph.add_run(str(note.number))
            mark.font.superscript = True
            mark.font.size = Pt(note.size_pt)
            paragraph.add_run(" " + note.text).font.size = Pt(note.size_pt)

    images = {}
    for key, png in (attachments_png or {}).items():
        images[key if isinstance(key, int) else doc.attachments.index(key)] = png
    shown = [(attachment, images[i]) for i, attachment in enumerate(layout.attachments)
             if i in images]
    if shown:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        for attachment, png in shown:
            caption = document.add_paragraph()
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = caption.add_run(attachment.caption)
            run.bold = True
            run.font.size = Pt(attachment.size_pt)
            picture = document.add_paragraph()
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.add_run().add_picture(io.BytesIO(png), width=Mm(60))

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ---- fonts and page ---------------------------------------------------------------------------


def _fonts_element(parent) -> None:
    fonts = parent.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        parent.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)


def _set_fonts(document, size_pt: float) -> None:
    styles = document.styles
    # Document defaults, then the styles we use: all scripts in Times New Roman.
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            _fonts_element(rpr)
    for name in ("Normal", "Header", "Footer"):
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size_pt)
        _fonts_element(style.element.get_or_add_rPr())
        language = style.element.get_or_add_rPr()
        lang = language.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            language.append(lang)
        lang.set(qn("w:val"), "vi-VN")
    normal = styles["Normal"].paragraph_format
    normal.space_before = Pt(0)
    normal.space_after = Pt(0)


def _set_page(section, layout: LetterLayout) -> None:
    page = layout.page
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width = Mm(page.width_mm)
    section.page_height = Mm(page.height_mm)
    section.top_margin = Mm(page.margin_top_mm)
    section.bottom_margin = Mm(page.margin_bottom_mm)
    section.left_margin = Mm(page.margin_left_mm)
    section.right_margin = Mm(page.margin_right_mm)
    section.header_distance = Mm(8)
    section.footer_distance = Mm(8)
    # Page numbers from page 2: the first page has its own, empty header.
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(paragraph, page.page_number_size_pt)


def _page_field(paragraph, size_pt: float) -> None:
    def run_with(element):
        run = paragraph.add_run()
        run.font.size = Pt(size_pt)
        run._r.append(element)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(begin)
    run_with(instruction)
    run_with(separate)
    paragraph.add_run("2").font.size = Pt(size_pt)
    run_with(end)


# ---- paragraphs -------------------------------------------------------------------------------


def _spacing(paragraph, size_pt: float, *, before: float = 0, after: float = 0) -> None:
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(round(size_pt * LINE_PITCH, 1))


def _styled_run(paragraph, line: Line):
    run = paragraph.add_run(line.text)
    run.font.size = Pt(line.size_pt)
    run.bold = line.bold
    run.italic = line.italic
    run.underline = line.underline
    return run


def _line_paragraph(container, line: Line, *, align=WD_ALIGN_PARAGRAPH.CENTER):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    _spacing(paragraph, line.size_pt)
    _styled_run(paragraph, line)
    return paragraph


def _rule_paragraph(container, rule: Rule, width_mm: float, *, center: bool = True):
    """A short rule: an empty paragraph with a top border, narrowed by its indents."""
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    side = max(0.0, (width_mm - rule.width_mm) / 2)
    fmt.left_indent = Mm(side if center else 0)
    fmt.right_indent = Mm(side if center else width_mm - rule.width_mm)
    fmt.space_before = Pt(2)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    top.set(qn("w:val"), "single")
    top.set(qn("w:sz"), str(max(2, round(rule.thickness_pt * 8))))
    top.set(qn("w:space"), "0")
    top.set(qn("w:color"), "000000")
    borders.append(top)
    paragraph._p.get_or_add_pPr().append(borders)
    paragraph.add_run().font.size = Pt(2)
    return paragraph


def _spacer(container, height_pt: float) -> None:
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(height_pt)
    paragraph.add_run().font.size = Pt(2)


def _body_paragraph(document, paragraph: BodyParagraph) -> None:
    out = document.add_paragraph()
    out.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if paragraph.justify else WD_ALIGN_PARAGRAPH.LEFT
    _spacing(out, paragraph.size_pt, before=paragraph.space_after_pt / 2,
             after=paragraph.space_after_pt / 2)
    fmt = out.paragraph_format
    fmt.first_line_indent = Mm(paragraph.first_line_indent_mm)
    if paragraph.left_indent_mm:
        fmt.left_indent = Mm(paragraph.left_indent_mm)
    for run in paragraph.runs:
        if run.footnote is not None:
            mark = out.add_run(str(run.footnote))
            mark.font.superscript = True
            mark.font.size = Pt(paragraph.size_pt)
        else:
            out.add_run(run.text).font.size = Pt(paragraph.size_pt)


# ---- tables -----------------------------------------------------------------------------------


def _borderless_table(document, widths_mm: list[float], rows: int):
    table = document.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.table_direction = WD_TABLE_DIRECTION.LTR
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr.append(margins)
    for index, width in enumerate(widths_mm):
        table.columns[index].width = Mm(width)
        for cell in table.columns[index].cells:
            cell.width = Mm(width)
    return table


def _cell_lines(cell, items, width_mm: float) -> None:
    """Fill a cell with centred lines and rules, replacing its empty first paragraph."""
    for item in items:
        if isinstance(item, Rule):
            _rule_paragraph(cell, item, width_mm)
        else:
            _line_paragraph(cell, item)
    _drop_first_paragraph(cell)


def _drop_first_paragraph(cell) -> None:
    first = cell.paragraphs[0]
    if len(cell.paragraphs) > 1 and not first.text:
        first._p.getparent().remove(first._p)


def _header(document, layout: LetterLayout) -> None:
    header = layout.header
    widths = [header.left_width_mm, header.right_width_mm]
    table = _borderless_table(document, widths, rows=3 if header.subject else 2)
    _cell_lines(table.cell(0, 0), header.left, widths[0])
    _cell_lines(table.cell(0, 1), header.right, widths[1])
    number = _line_paragraph(table.cell(1, 0), header.number)
    number.paragraph_format.space_before = Pt(6)
    _drop_first_paragraph(table.cell(1, 0))
    date = _line_paragraph(table.cell(1, 1), header.date)
    date.paragraph_format.space_before = Pt(6)
    _drop_first_paragraph(table.cell(1, 1))
    if header.subject:
        cell = table.cell(2, 0)
        for index, line in enumerate(header.subject):
            paragraph = _line_paragraph(cell, line)
            if index == 0:
                paragraph.paragraph_format.space_before = Pt(6)
        _drop_first_paragraph(cell)


def _salutation(document, layout: LetterLayout, body_width: float) -> None:
    salutation = layout.salutation
    size = salutation.size_pt
    if salutation.inline:
        line = Line(f"{salutation.label} {salutation.lines[0]}", size)
        _line_paragraph(document, line)
        return
    label_width = text_width_mm(salutation.label + " ", size)
    widest = max(text_width_mm(text, size) for text in salutation.lines)
    start = max(0.0, (body_width - label_width - widest) / 2)
    for index, text in enumerate(salutation.lines):
        paragraph = document.add_paragraph()
        _spacing(paragraph, size)
        fmt = paragraph.paragraph_format
        fmt.left_indent = Mm(start + label_width)
        if index == 0:
            fmt.first_line_indent = Mm(-label_width)
            fmt.tab_stops.add_tab_stop(Mm(start + label_width))
            paragraph.add_run(salutation.label + "\t").font.size = Pt(size)
        paragraph.add_run(text).font.size = Pt(size)


def _signature(document, layout: LetterLayout, body_width: float) -> None:
    right = round(body_width * layout.signature_column_ratio, 1)
    widths = [round(body_width - right, 1), right]
    _spacer(document, 6)
    table = _borderless_table(document, widths, rows=1)
    row = table.rows[0]._tr
    row_pr = row.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    row_pr.append(cant_split)
    left, sign = table.cell(0, 0), table.cell(0, 1)
    if layout.recipients is not None:
        recipients = layout.recipients
        _line_paragraph(left, recipients.label, align=WD_ALIGN_PARAGRAPH.LEFT)
        for item in recipients.items:
            _line_paragraph(left, Line(item, recipients.item_size_pt),
                            align=WD_ALIGN_PARAGRAPH.LEFT)
        _drop_first_paragraph(left)
    if layout.signature is not None:
        signature = layout.signature
        for line in signature.lines:
            _line_paragraph(sign, line)
        _spacer(sign, signature.space_mm * 72 / 25.4)
        _line_paragraph(sign, signature.name)
        _drop_first_paragraph(sign)
