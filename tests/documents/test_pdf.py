"""Letters as PDF through Typst: text comes back out, in the right fonts and places."""

import dataclasses
import io
import unicodedata

import pypdf
import pytest

from giaithuong.directives.letter import Paragraph
from giaithuong.directives.samples import SEED_000, SEED_004
from giaithuong.documents.pdf import LetterFontMissing, font_dirs, render_letter_pdf
from giaithuong.documents.qr import qr_png

MM = 72 / 25.4


def chunks(page) -> list[tuple[str, str, float]]:
    """(text, font name, y from the bottom in pt) for each text chunk on a page."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((text.strip(), (font or {}).get("/BaseFont", ""), cm[5] + tm[5]))

    page.extract_text(visitor_text=visit)
    return found


@pytest.fixture(scope="module")
def seed_004():
    return pypdf.PdfReader(io.BytesIO(render_letter_pdf(SEED_004)))


@pytest.fixture(scope="module")
def seed_000():
    return pypdf.PdfReader(io.BytesIO(render_letter_pdf(SEED_000)))


def test_a4_pages(seed_004):
    box = seed_004.pages[0].mediabox
    assert float(box.width) == pytest.approx(210 * MM, abs=0.5)
    assert float(box.height) == pytest.approx(297 * MM, abs=0.5)


def test_number_line_date_line_and_subject_come_back(seed_004, seed_000):
    text = seed_004.pages[0].extract_text()
    assert "Số: 31/MTTQ-BTT" in text
    assert "Nam Đồng, ngày 18 tháng 6 năm 2026" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "V/v tuyên truyền, triển khai," in text
    party = seed_000.pages[0].extract_text()
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in party
    assert "-CV/BTGDV" in party and "Số" in party
    assert "tháng 6 năm 2026" in party


def test_date_line_is_italic_and_on_the_number_row(seed_004):
    found = chunks(seed_004.pages[0])
    (date,) = [chunk for chunk in found if chunk[0].startswith("Nam Đồng, ngày")]
    (number,) = [chunk for chunk in found if chunk[0] == "Số: 31/MTTQ-BTT"]
    assert "Italic" in date[1]
    assert "Italic" not in number[1]
    assert date[2] == pytest.approx(number[2], abs=2)
    issuer = [chunk for chunk in found if chunk[0] == "BAN THƯỜNG TRỰC"]
    assert issuer and "Bold" in issuer[0][1]


def test_fonts_have_times_metrics_and_are_embedded(seed_004):
    fonts = {chunk[1] for chunk in chunks(seed_004.pages[0])}
    assert fonts
    assert all("LiberationSerif" in font or "Tinos" in font for font in fonts)


def test_vietnamese_text_is_nfc_and_complete(seed_004):
    text = "".join(page.extract_text() for page in seed_004.pages)
    assert unicodedata.is_normalized("NFC", text)
    for word in ("Phường", "ĐỒNG", "Hải Phòng", "Đoàn Trung Thu", "hưởng ứng", "quốc tế"):
        assert word.lower() in text.lower()
    assert "\ufffd" not in text


def test_page_numbers_from_page_two_in_the_top_margin(seed_004):
    assert len(seed_004.pages) >= 2
    for index, page in enumerate(seed_004.pages, start=1):
        top = float(page.mediabox.height) - 20 * MM
        in_margin = [chunk[0] for chunk in chunks(page) if chunk[2] > top]
        assert in_margin == ([] if index == 1 else [str(index)])


def test_signature_and_recipients_are_rendered(seed_004):
    text = "".join(page.extract_text() for page in seed_004.pages)
    for expected in ("Nơi nhận:", "- Lưu: VT.", "TM. BAN THƯỜNG TRỰC", "CHỦ TỊCH",
                     "Đoàn Trung Thu", "- Các tổ chức thành viên của Mặt trận;"):
        assert expected in text


def test_footnote_of_the_party_letter(seed_000):
    text = "".join(page.extract_text() for page in seed_000.pages)
    assert "Thông tin liên hệ: Đ/c Nguyễn Thị Thảo" in text
    assert "Lưu Ban Tuyên giáo và Dân vận ĐUB." in text


def test_typst_markup_in_user_text_comes_out_literally():
    tricky = ["#set page(width: 1cm)", "*not bold* _not italic_", "$x^2$ and ]", "- x",
              "= not a heading", "@ref <label> `code` \\ // not a comment", "+ 1. 2) #{1+1}"]
    doc = dataclasses.replace(
        SEED_004,
        subject="#strong[V/v] $a$",
        addressees=("- x", "] *y*"),
        body=tuple(Paragraph(text) for text in tricky),
        recipients=("#pagebreak()",),
    )
    reader = pypdf.PdfReader(io.BytesIO(render_letter_pdf(doc)))
    text = "".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    # A leading dash of an addressee is the list dash itself, so "- x" is the addressee "x".
    for literal in [*tricky, "V/v #strong[V/v] $a$", "Kính gửi: - x;", "- ] *y*.",
                    "- #pagebreak()."]:
        assert " ".join(literal.split()) in flat, literal
    assert "•" not in text and "–" not in text
    assert float(reader.pages[0].mediabox.width) == pytest.approx(210 * MM, abs=0.5)


def test_attachment_png_gets_its_own_page_with_caption():
    plain = pypdf.PdfReader(io.BytesIO(render_letter_pdf(SEED_000)))
    png = qr_png("https://giaithuong.ttdn.vn")
    caption = SEED_000.attachments[0]
    with_qr = pypdf.PdfReader(io.BytesIO(render_letter_pdf(SEED_000,
                                                            attachments_png={caption: png})))
    assert len(with_qr.pages) == len(plain.pages) + 1
    last = with_qr.pages[-1]
    assert caption in last.extract_text()
    assert len(last.images) == 1


def test_rendering_is_deterministic():
    assert render_letter_pdf(SEED_004) == render_letter_pdf(SEED_004)


def test_missing_font_gives_a_clear_error():
    with pytest.raises(LetterFontMissing, match="fonts-liberation2"):
        font_dirs(("No Such Serif Family",))
