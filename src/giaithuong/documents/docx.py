"""Letters as Word documents (DOCX), drawn with python-docx from the layout core.

The same layout as the PDF: a borderless two-column header table (widths set on the cells and
on the columns, which LibreOffice needs), short rules as paragraph borders, A4 with the
rulebook's margins, page numbers in the header from page 2 (different first page), and Times
New Roman set for every script (ASCII, high ANSI, East Asian and complex), so Vietnamese text
stays in that font in Word and LibreOffice.
"""

from __future__ import annotations

import functools
import io

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT, WD_TABLE_DIRECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

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
    document = Document(io.BytesIO(_base_template(layout.page.font_size_pt)))
    section = document.sections[0]
    _set_page(section, layout)
    document.core_properties.title = layout.metadata_title
    body_width = layout.page.text_width_mm

    _header(document, layout)
    body = document.element.body

    if layout.title is not None:
        _spacer(body, 10)
        for line in layout.title.lines:
            _line_paragraph(body, line)
        if layout.title.rule is not None:
            _rule_paragraph(body, layout.title.rule, body_width)

    if layout.salutation is not None:
        _spacer(body, 12)
        _salutation(body, layout, body_width)
        _spacer(body, 4)

    for paragraph in layout.body:
        _body_paragraph(body, paragraph)

    if layout.signature is not None or layout.recipients is not None:
        _signature(document, layout, body_width)

    if layout.footnotes:
        # Notes go after the letter (python-docx has no footnotes part), marks stay in the text.
        _spacer(body, 12)
        _rule_paragraph(body, Rule(body_width * 0.3, 0.5), body_width, center=False)
        for note in sorted(layout.footnotes, key=lambda note: not note.referenced):
            paragraph = _paragraph(body, align="both", line_pt=round(note.size_pt * LINE_PITCH, 1))
            _run(paragraph, str(note.number), note.size_pt, superscript=True)
            _run(paragraph, " " + note.text, note.size_pt)

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

_KEEP_STYLES = {"Normal", "Header", "HeaderChar", "Footer", "FooterChar", "DefaultParagraphFont",
                "TableNormal", "NoList"}
_DROP_RELATIONSHIPS = ("stylesWithEffects", "customXml", "thumbnail", "webSettings")


@functools.cache
def _base_template(size_pt: float) -> bytes:
    """python-docx's default template cut down to what a letter uses, fonts set: the stock one
    carries ~800 KB of styles, and opening and saving it took most of the render time."""
    document = Document()
    styles = document.styles.element
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in _KEEP_STYLES:
            styles.remove(style)
    for part_rels in (document.part.rels, document.part.package.rels):
        for rid, rel in list(part_rels.items()):
            if rel.reltype.endswith(_DROP_RELATIONSHIPS):
                del part_rels[rid]
    _set_fonts(document, size_pt)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()



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


# ---- paragraphs (built as raw WordprocessingML: python-docx's setters cost most of the time) --

_TWIPS_PER_MM = 1440 / 25.4


def _twips(mm: float) -> str:
    return str(round(mm * _TWIPS_PER_MM))


@functools.cache
def _name(tag: str) -> str:
    return qn(tag)


def _sub(parent, tag: str, **attributes):
    element = etree.SubElement(parent, _name(tag))
    for name, value in attributes.items():
        element.set(_name(f"w:{name}"), str(value))
    return element


def _paragraph(parent, *, align: str | None = "center", before: float = 0, after: float = 0,
               line_pt: float | None = None, first_mm: float | None = None,
               left_mm: float | None = None, right_mm: float | None = None,
               border_top_pt: float | None = None, tab_mm: float | None = None,
               keep_next: bool = False):
    """Append a w:p to `parent` (a cell or the body) with its properties in schema order."""
    paragraph = OxmlElement("w:p")
    properties = _sub(paragraph, "w:pPr")
    if keep_next:
        _sub(properties, "w:keepNext")
    if border_top_pt is not None:
        borders = _sub(properties, "w:pBdr")
        _sub(borders, "w:top", val="single", sz=max(2, round(border_top_pt * 8)), space=0,
             color="000000")
    if tab_mm is not None:
        _sub(_sub(properties, "w:tabs"), "w:tab", val="left", pos=_twips(tab_mm))
    spacing = {"before": round(before * 20), "after": round(after * 20)}
    if line_pt is not None:
        spacing |= {"line": round(line_pt * 20), "lineRule": "exact"}
    _sub(properties, "w:spacing", **spacing)
    indent = {}
    if left_mm is not None:
        indent["left"] = _twips(left_mm)
    if right_mm is not None:
        indent["right"] = _twips(right_mm)
    if first_mm is not None:
        indent["firstLine" if first_mm >= 0 else "hanging"] = _twips(abs(first_mm))
    if indent:
        _sub(properties, "w:ind", **indent)
    if align is not None:
        _sub(properties, "w:jc", val=align)
    if parent.tag == qn("w:body"):
        parent.sectPr.addprevious(paragraph)
    else:
        parent.append(paragraph)
    return paragraph


def _run(paragraph, text: str, size_pt: float, *, bold: bool = False, italic: bool = False,
         underline: bool = False, superscript: bool = False) -> None:
    run = _sub(paragraph, "w:r")
    properties = _sub(run, "w:rPr")
    if bold:
        _sub(properties, "w:b")
        _sub(properties, "w:bCs")
    if italic:
        _sub(properties, "w:i")
        _sub(properties, "w:iCs")
    half_points = round(size_pt * 2)
    _sub(properties, "w:sz", val=half_points)
    _sub(properties, "w:szCs", val=half_points)
    if underline:
        _sub(properties, "w:u", val="single")
    if superscript:
        _sub(properties, "w:vertAlign", val="superscript")
    if "\t" in text:
        head, _, tail = text.partition("\t")
        _text(run, head)
        _sub(run, "w:tab")
        _text(run, tail)
    else:
        _text(run, text)


def _text(run, text: str) -> None:
    if text:
        element = _sub(run, "w:t")
        element.set(qn("xml:space"), "preserve")
        element.text = text


def _line_paragraph(parent, line: Line, *, align: str = "center", before: float = 0):
    paragraph = _paragraph(parent, align=align, before=before,
                           line_pt=round(line.size_pt * LINE_PITCH, 1))
    _run(paragraph, line.text, line.size_pt, bold=line.bold, italic=line.italic,
         underline=line.underline)
    return paragraph


def _rule_paragraph(parent, rule: Rule, width_mm: float, *, center: bool = True):
    """A short rule: an empty paragraph with a top border, narrowed by its indents."""
    side = max(0.0, (width_mm - rule.width_mm) / 2)
    return _paragraph(parent, align=None, before=2, line_pt=2,
                      left_mm=side if center else 0,
                      right_mm=side if center else width_mm - rule.width_mm,
                      border_top_pt=rule.thickness_pt)


def _spacer(parent, height_pt: float) -> None:
    _paragraph(parent, align=None, line_pt=height_pt)


def _body_paragraph(body, paragraph: BodyParagraph) -> None:
    out = _paragraph(body, align="both" if paragraph.justify else "left",
                     before=paragraph.space_after_pt / 2, after=paragraph.space_after_pt / 2,
                     line_pt=round(paragraph.size_pt * LINE_PITCH, 1),
                     first_mm=paragraph.first_line_indent_mm,
                     left_mm=paragraph.left_indent_mm or None)
    for run in paragraph.runs:
        if run.footnote is not None:
            _run(out, str(run.footnote), paragraph.size_pt, superscript=True)
        else:
            _run(out, run.text, paragraph.size_pt)


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
    """Fill a cell with centred lines and rules."""
    tc = _empty_cell(cell)
    for item in items:
        if isinstance(item, Rule):
            _rule_paragraph(tc, item, width_mm)
        else:
            _line_paragraph(tc, item)


def _empty_cell(cell):
    """The cell's w:tc without the empty paragraph python-docx puts in every new cell (callers
    add at least one paragraph back)."""
    tc = cell._tc
    for paragraph in tc.findall(qn("w:p")):
        tc.remove(paragraph)
    return tc


def _header(document, layout: LetterLayout) -> None:
    header = layout.header
    widths = [header.left_width_mm, header.right_width_mm]
    table = _borderless_table(document, widths, rows=3 if header.subject else 2)
    _cell_lines(table.cell(0, 0), header.left, widths[0])
    _cell_lines(table.cell(0, 1), header.right, widths[1])
    _line_paragraph(_empty_cell(table.cell(1, 0)), header.number, before=6)
    _line_paragraph(_empty_cell(table.cell(1, 1)), header.date, before=6)
    if header.subject:
        tc = _empty_cell(table.cell(2, 0))
        for index, line in enumerate(header.subject):
            _line_paragraph(tc, line, before=6 if index == 0 else 0)
        _spacer(_empty_cell(table.cell(2, 1)), 2)


def _salutation(body, layout: LetterLayout, body_width: float) -> None:
    salutation = layout.salutation
    size = salutation.size_pt
    if salutation.inline:
        _line_paragraph(body, Line(f"{salutation.label} {salutation.lines[0]}", size))
        return
    label_width = text_width_mm(salutation.label + " ", size)
    widest = max(text_width_mm(text, size) for text in salutation.lines)
    start = max(0.0, (body_width - label_width - widest) / 2)
    for index, text in enumerate(salutation.lines):
        first = index == 0
        paragraph = _paragraph(body, align="left", line_pt=round(size * LINE_PITCH, 1),
                               left_mm=start + label_width,
                               first_mm=-label_width if first else None,
                               tab_mm=start + label_width if first else None)
        _run(paragraph, f"{salutation.label}\t{text}" if first else text, size)


def _signature(document, layout: LetterLayout, body_width: float) -> None:
    right = round(body_width * layout.signature_column_ratio, 1)
    widths = [round(body_width - right, 1), right]
    _spacer(document.element.body, 6)
    table = _borderless_table(document, widths, rows=1)
    row_pr = table.rows[0]._tr.get_or_add_trPr()
    row_pr.append(OxmlElement("w:cantSplit"))
    left, sign = _empty_cell(table.cell(0, 0)), _empty_cell(table.cell(0, 1))
    if layout.recipients is not None:
        recipients = layout.recipients
        _line_paragraph(left, recipients.label, align="left")
        for item in recipients.items:
            _line_paragraph(left, Line(item, recipients.item_size_pt), align="left")
    else:
        _spacer(left, 2)
    if layout.signature is not None:
        signature = layout.signature
        for line in signature.lines:
            _line_paragraph(sign, line)
        _spacer(sign, signature.space_mm * 72 / 25.4)
        _line_paragraph(sign, signature.name)
    else:
        _spacer(sign, 2)
