"""Text from letter files: real DOCX (python-docx), real PDFs (Typst), a scan without a text
layer, a zip bomb, and the encodings of old text files."""

import io
import unicodedata
import zipfile

import docx
import pytest
import typst
from PIL import Image

from giaithuong.directives.extract import (
    LetterFileError,
    check_zip,
    decode_text,
    extract_bytes,
    extract_text,
)
from giaithuong.directives.parser import parse_letter_text

LEFT = ["ỦY BAN MTTQ VIỆT NAM", "PHƯỜNG NAM ĐỒNG", "BAN THƯỜNG TRỰC", "Số: 31/MTTQ-BTT",
        "V/v tuyên truyền, triển khai, hưởng", "ứng Giải thưởng toàn quốc về",
        "thông tin đối ngoại lần thứ XII"]
RIGHT = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
         "Nam Đồng, ngày 18 tháng 6 năm 2026"]
BODY = [
    "Kính gửi: - Ban Công tác Mặt trận các Tổ dân phố;",
    "- Các tổ chức thành viên của Mặt trận.",
    "Thực hiện Công văn số 783 ngày 10/6/2026 của Ban Thường trực Ủy ban MTTQ Việt Nam thành "
    "phố Hải Phòng về việc tuyên truyền, triển khai, hưởng ứng Giải thưởng toàn quốc về thông "
    "tin đối ngoại lần thứ XII;",
    "Căn cứ Công văn số 379/MTTW-BTT ngày 08/6/2026 của Ban Thường trực Ủy ban Trung ương MTTQ "
    "Việt Nam về việc thông tin, tuyên truyền, hưởng ứng, tham gia Giải thưởng;",
    "Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam Đồng đề nghị các đơn vị triển khai thực "
    "hiện một số nội dung sau:",
    "1. Đẩy mạnh công tác tuyên truyền về Giải thưởng trên địa bàn phường.",
    "2. Tạo điều kiện thuận lợi cho các tập thể, cá nhân tham gia Giải thưởng.",
]
RECIPIENTS = ["Nơi nhận:", "- Thường trực Đảng ủy phường;", "- Các tổ chức thành viên;",
              "- Lưu: VT."]
SIGNATURE = ["TM. BAN THƯỜNG TRỰC", "CHỦ TỊCH", "", "Đoàn Trung Thu"]


def check_fields(text: str) -> None:
    letter = parse_letter_text(text)
    data = letter.to_json()
    assert (data["number"], data["symbol"]) == (31, "MTTQ-BTT")
    assert (data["issuer"], data["issuer_parent"]) == (
        "BAN THƯỜNG TRỰC", "ỦY BAN MTTQ VIỆT NAM PHƯỜNG NAM ĐỒNG")
    assert (data["place"], data["date"]) == ("Nam Đồng", "2026-06-18")
    assert data["subject"] == ("tuyên truyền, triển khai, hưởng ứng Giải thưởng toàn quốc về "
                               "thông tin đối ngoại lần thứ XII")
    assert data["addressees"] == ["Ban Công tác Mặt trận các Tổ dân phố",
                                  "Các tổ chức thành viên của Mặt trận"]
    assert [(r["number"], r["symbol"]) for r in data["references"]] == [(783, None),
                                                                       (379, "MTTW-BTT")]
    assert data["tasks_count"] == 2
    assert data["recipients"] == ["Thường trực Đảng ủy phường", "Các tổ chức thành viên",
                                  "Lưu: VT"]
    assert (data["signature_authority"], data["signer_title"], data["signer_name"]) == (
        "TM.", "CHỦ TỊCH", "Đoàn Trung Thu")


def build_docx() -> bytes:
    """The letter as a clerk types it: a borderless two-column header table, the body, and a
    two-column table with Nơi nhận on the left and the signature on the right."""
    document = docx.Document()
    header = document.add_table(rows=1, cols=2)
    for cell, lines in zip(header.rows[0].cells, (LEFT, RIGHT), strict=True):
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
    for line in BODY:
        document.add_paragraph(line)
    closing = document.add_table(rows=1, cols=2)
    for cell, lines in zip(closing.rows[0].cells, (RECIPIENTS, SIGNATURE), strict=True):
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def typst_escape(line: str) -> str:
    for char in "\\*_#@$<>`[]":
        line = line.replace(char, "\\" + char)
    return "\\" + line if line.startswith(("-", "+", "/", "=")) else line


def build_pdf() -> bytes:
    def block(lines):
        return " \\\n".join(typst_escape(line) for line in lines if line)

    source = "\n".join([
        '#set page(paper: "a4", margin: (left: 30mm, right: 15mm, y: 20mm))',
        '#set text(lang: "vi", size: 13pt)',
        f"#grid(columns: (1fr, 1fr), [{block(LEFT)}], [{block(RIGHT)}])",
        "",
        *(typst_escape(line) + "\n" for line in BODY),
        f"#grid(columns: (1fr, 1fr), [{block(RECIPIENTS)}], [{block(SIGNATURE)}])",
    ])
    return typst.compile(source.encode("utf-8"), format="pdf")


def test_docx_letter(tmp_path):
    path = tmp_path / "letter.docx"
    path.write_bytes(build_docx())
    check_fields(extract_text(path))


def test_pdf_letter_with_a_text_layer(tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(build_pdf())
    text = extract_text(path)
    assert unicodedata.is_normalized("NFC", text)
    check_fields(text)


def test_pdf_without_a_text_layer_is_refused(tmp_path):
    image = Image.new("RGB", (1240, 1754), "white")
    for x in range(200, 1000):  # something on the page, as on a scan
        image.putpixel((x, 300), (0, 0, 0))
    path = tmp_path / "scan.pdf"
    image.save(path, "PDF", resolution=150)
    with pytest.raises(LetterFileError, match=r"no text layer \(a scan\?\).*without OCR"):
        extract_text(path)


def test_broken_pdf_is_refused():
    with pytest.raises(LetterFileError, match="PDF"):
        extract_bytes(b"%PDF-1.7\nthis is not really a PDF", "x.pdf")


def zip_bomb(size: int) -> bytes:
    """A real DOCX with one more member that unpacks to `size` bytes of zeros."""
    buffer = io.BytesIO(build_docx())
    with (zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive,
          archive.open("word/media/filler.bin", "w", force_zip64=True) as member):
        chunk = bytes(1024 * 1024)
        for _ in range(size // len(chunk)):
            member.write(chunk)
    return buffer.getvalue()


def test_zip_bomb_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "bomb.docx"
    path.write_bytes(zip_bomb(60 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024  # small on disk, 60 MB unpacked
    with pytest.raises(LetterFileError, match=r"zip bomb.*not opened"):
        extract_text(path)


def test_zip_bomb_by_ratio_is_refused():
    data = zip_bomb(8 * 1024 * 1024)  # under 50 MB, but compressed about a thousand times
    with pytest.raises(LetterFileError, match=r"compressed \d+ times"):
        extract_bytes(data, "bomb.docx")


def test_an_ordinary_docx_passes_the_zip_check():
    check_zip(build_docx())


def test_not_a_docx():
    with pytest.raises(LetterFileError, match="not a valid DOCX"):
        extract_bytes(b"PK\x03\x04 broken", "letter.docx")
    with pytest.raises(LetterFileError, match="DOCX cannot be opened"):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "not a word document")
        extract_bytes(buffer.getvalue(), "letter.docx")


def test_old_doc_files_are_refused():
    with pytest.raises(LetterFileError, match="DOCX"):
        extract_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "letter.doc")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(LetterFileError, match="No such file"):
        extract_text(tmp_path / "nope.txt")
    with pytest.raises(LetterFileError, match="folder"):
        extract_text(tmp_path)


TEXT = "Số: 31/MTTQ-BTT\nNam Đồng, ngày 18 tháng 6 năm 2026\nKính gửi: Các tổ dân phố."


def to_cp1258(text: str) -> bytes:
    """Windows-1258 writes a tone as a combining mark after a base letter it has."""
    out = bytearray()
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
            out += base.encode("cp1258") + "".join(p for p in parts if p in tones).encode(
                "cp1258")
    return bytes(out)


@pytest.mark.parametrize("encode", [
    lambda text: text.encode("utf-8"),
    lambda text: text.encode("utf-8-sig"),
    lambda text: text.encode("utf-16"),
    lambda text: text.encode("utf-16-le"),
    lambda text: unicodedata.normalize("NFD", text).encode("utf-8"),
    to_cp1258,
], ids=["utf8", "utf8-bom", "utf16-bom", "utf16-le", "nfd", "cp1258"])
def test_text_encodings(tmp_path, encode):
    path = tmp_path / "letter.txt"
    path.write_bytes(encode(TEXT))
    text = extract_text(path)
    assert text == TEXT
    assert parse_letter_text(text).to_json()["place"] == "Nam Đồng"


def test_decode_text_never_guesses_silently_wrong_for_utf8():
    assert decode_text("Hà Nội".encode()) == "Hà Nội"


def test_damaged_docx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "A" * 4000)
    damaged = buffer.getvalue().replace(b"A" * 100, b"B" * 100, 1)  # the CRC no longer matches
    with pytest.raises(LetterFileError, match="damaged"):
        extract_bytes(damaged, "letter.docx")
