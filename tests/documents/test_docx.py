"""Letters as DOCX through python-docx: re-opened, the document has the official layout; and
LibreOffice opens and converts it (marker `libreoffice`)."""

import dataclasses
import io
import shutil
import subprocess
import unicodedata
import zipfile

import docx
import pypdf
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from giaithuong.directives.letter import Paragraph
from giaithuong.directives.samples import SEED_000, SEED_004, SEEDS
from giaithuong.documents.docx import FONT, render_letter_docx
from giaithuong.documents.qr import qr_png

W_MAIN = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def seed_004():
    return open_docx(render_letter_docx(SEED_004))


@pytest.fixture(scope="module")
def seed_000():
    return open_docx(render_letter_docx(SEED_000))


def cell_text(cell) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text]


def all_text(document) -> str:
    return "\n".join(p.text for p in document.element.body.iter(f"{W_MAIN}p")
                     for p in [docx.text.paragraph.Paragraph(p, None)])


def test_a4_margins_and_page_numbers_from_page_two(seed_004):
    section = seed_004.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    assert abs(section.left_margin - Mm(30)) < Mm(0.1)
    assert abs(section.right_margin - Mm(15)) < Mm(0.1)
    assert abs(section.top_margin - Mm(20)) < Mm(0.1)
    assert abs(section.bottom_margin - Mm(20)) < Mm(0.1)
    assert section.different_first_page_header_footer
    assert "".join(p.text for p in section.first_page_header.paragraphs) == ""
    header = section.header.paragraphs[0]
    assert header.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    instructions = [t.text for t in header._p.iter(qn("w:instrText"))]
    assert [i.strip() for i in instructions] == ["PAGE"]


def test_times_new_roman_for_every_script(seed_004):
    fonts = seed_004.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert fonts.get(qn(attribute)) == FONT
    defaults = seed_004.styles.element.find(qn("w:docDefaults")).find(
        qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert defaults.get(qn("w:eastAsia")) == FONT
    # No run overrides the font with another family.
    body = seed_004.element.body
    families = {f.get(qn("w:ascii")) for f in body.iter(qn("w:rFonts"))}
    assert families <= {None, FONT}


def test_header_table_two_columns_with_widths_on_cells_and_columns(seed_004):
    table = seed_004.tables[0]
    assert len(table.columns) == 2
    assert abs(table.columns[0].width - Mm(66)) < Mm(0.2)
    assert abs(table.columns[1].width - Mm(99)) < Mm(0.2)
    for row in table.rows:
        assert abs(row.cells[0].width - Mm(66)) < Mm(0.2)
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}
    left, right = table.cell(0, 0), table.cell(0, 1)
    assert cell_text(left) == ["ỦY BAN MTTQ VIỆT NAM", "PHƯỜNG NAM ĐỒNG", "BAN THƯỜNG TRỰC"]
    assert cell_text(right) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                "Độc lập - Tự do - Hạnh phúc"]
    # Rules: paragraphs with a top border under the issuer and under the motto.
    for cell in (left, right):
        assert cell.paragraphs[-1]._p.pPr.find(qn("w:pBdr")) is not None
    issuer = next(p for p in left.paragraphs if p.text == "BAN THƯỜNG TRỰC")
    assert issuer.runs[0].bold
    assert cell_text(table.cell(1, 0)) == ["Số: 31/MTTQ-BTT"]
    date = table.cell(1, 1).paragraphs[0]
    assert date.text == "Nam Đồng, ngày 18 tháng 6 năm 2026"
    assert date.runs[0].italic
    assert " ".join(cell_text(table.cell(2, 0))).startswith("V/v tuyên truyền, triển khai,")


def test_party_header(seed_000):
    table = seed_000.tables[0]
    assert cell_text(table.cell(0, 0)) == ["ĐẢNG ỦY BỘ", "BAN TUYÊN GIÁO VÀ DÂN VẬN", "*"]
    title = table.cell(0, 1).paragraphs[0]
    assert title.text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert title.runs[0].bold and title.runs[0].font.size.pt == 15
    assert cell_text(table.cell(1, 0))[0].endswith("-CV/BTGDV")
    assert all(p.runs[0].italic for p in table.cell(2, 0).paragraphs if p.text)


def test_salutation_body_and_signature(seed_004):
    text = all_text(seed_004)
    assert "Kính gửi:\t- Ban Công tác Mặt trận các Tổ dân phố;" in text
    assert "- Các chi hội, đoàn thể trên địa bàn phường." in text
    body = next(p for p in seed_004.paragraphs if p.text.startswith("Thực hiện Công văn số 783"))
    assert body.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.JUSTIFY
    assert abs(body.paragraph_format.first_line_indent - Mm(12.7)) < Mm(0.1)
    assert body.runs[0].font.size.pt == 14
    assert any(p.text == "1. Đẩy mạnh công tác tuyên truyền:" for p in seed_004.paragraphs)
    signature = seed_004.tables[-1]
    recipients, sign = signature.cell(0, 0), signature.cell(0, 1)
    assert cell_text(recipients)[0] == "Nơi nhận:"
    label = recipients.paragraphs[0].runs[0]
    assert label.bold and label.italic and label.font.size.pt == 12
    assert cell_text(recipients)[-1] == "- Lưu: VT."
    assert recipients.paragraphs[1].runs[0].font.size.pt == 11
    assert cell_text(sign) == ["TM. BAN THƯỜNG TRỰC", "CHỦ TỊCH", "Đoàn Trung Thu"]
    assert all(p.runs[0].bold for p in sign.paragraphs if p.text)


def test_party_recipients_and_footnote(seed_000):
    recipients = seed_000.tables[-1].cell(0, 0)
    label = recipients.paragraphs[0].runs[0]
    assert label.underline and label.font.size.pt == 14
    assert cell_text(recipients)[-1] == "- Lưu Ban Tuyên giáo và Dân vận ĐUB."
    text = all_text(seed_000)
    assert "Kính gửi: Các tổ chức đảng trực thuộc Đảng ủy Bộ." in text
    assert "(Gửi kèm Mã QR Trailer giới thiệu Giải thưởng năm 2026)1." in text
    assert "1 Thông tin liên hệ: Đ/c Nguyễn Thị Thảo" in text


def test_text_is_nfc_and_markup_is_literal():
    doc = dataclasses.replace(SEED_004, body=(Paragraph("#set *x* $y$ <w:t> & ]"),),
                              subject=unicodedata.normalize("NFD", "hưởng ứng"))
    document = open_docx(render_letter_docx(doc))
    text = all_text(document)
    assert "#set *x* $y$ <w:t> & ]" in text
    assert "V/v hưởng ứng" in text
    assert unicodedata.is_normalized("NFC", text)


def test_attachment_png_is_embedded():
    data = render_letter_docx(SEED_000, attachments_png={0: qr_png("https://giaithuong.ttdn.vn")})
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert any(name.startswith("word/media/") for name in names)
    assert SEED_000.attachments[0] in all_text(open_docx(data))


def test_package_is_small():
    # The stock python-docx template carries ~800 KB of styles; ours keeps what letters use.
    assert len(render_letter_docx(SEED_004)) < 40_000


@pytest.mark.libreoffice
def test_libreoffice_opens_and_converts_both_seeds(tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    for name, doc in SEEDS.items():
        (tmp_path / f"{name}.docx").write_bytes(render_letter_docx(doc))
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), *(str(tmp_path / f"{name}.docx") for name in SEEDS)],
        check=True, capture_output=True, timeout=180,
    )
    state = pypdf.PdfReader(tmp_path / "seed-004.pdf")
    party = pypdf.PdfReader(tmp_path / "seed-000.pdf")
    first = state.pages[0].extract_text()
    assert "Số: 31/MTTQ-BTT" in first
    assert "Nam Đồng, ngày 18 tháng 6 năm 2026" in first
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
    assert len(state.pages) == 2
    # Page numbers: none on page 1; "2" is the first line of page 2.
    assert first.splitlines()[0] != "1"
    assert state.pages[1].extract_text().splitlines()[0].strip() == "2"
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in party.pages[0].extract_text()
    fonts = {str(font) for page in state.pages
             for font in (page["/Resources"]["/Font"].get_object().values())
             for font in [font.get_object()["/BaseFont"]]}
    assert all("LiberationSerif" in font or "TimesNewRoman" in font for font in fonts), fonts
