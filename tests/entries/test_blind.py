"""Blind copies: the author named in a file's metadata is absent from its copy (in the raw bytes
and in the parsed metadata), the work itself is intact, and the original is never modified."""

import hashlib
import io
import json
import subprocess
import zipfile

import pytest

from giaithuong.entries.blind import BlindCopyError, can_make_blind_copy, make_blind_copy
from giaithuong.entries.inspection import inspect_file
from tests.entries import files
from tests.entries.files import AUTHOR, AUTHOR_ASCII, COMPANY

NAMES = [AUTHOR.encode(), AUTHOR_ASCII.encode(), b"NguyenVanAn", COMPANY.encode(),
         AUTHOR.encode("utf-16-be"), AUTHOR_ASCII.encode("utf-16-be"),
         AUTHOR.encode("utf-16-le"), AUTHOR_ASCII.encode("utf-16-le")]


def names_in(data: bytes) -> list[bytes]:
    return [name for name in NAMES if name in data]


def copied(tmp_path, data: bytes, declared: str):
    """Inspect `data` as sent under `declared`, make its blind copy; check the original stays."""
    original = tmp_path / "original"
    original.write_bytes(data)
    before = hashlib.sha256(data).hexdigest()
    found = inspect_file(original, declared_name=declared)
    assert found.ok, found.problems
    result = make_blind_copy(original, tmp_path / "blind" / "copy", mime=found.mime,
                             name=found.stored_name)
    assert original.read_bytes() == data
    assert hashlib.sha256(original.read_bytes()).hexdigest() == before == found.sha256
    copy = result.path.read_bytes()
    assert result.sha256 == hashlib.sha256(copy).hexdigest()
    assert result.size_bytes == len(copy)
    assert [p.name for p in (tmp_path / "blind").iterdir()] == ["copy"]  # no temporary left
    return copy


# --- images ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF"])
def test_image_copy_has_no_author(tmp_path, fmt):
    from PIL import Image

    data = files.image(fmt)
    assert names_in(data), "the fixture must name the author"
    copy = copied(tmp_path, data, f"anh.{fmt.lower()}")
    assert names_in(copy) == []
    with Image.open(io.BytesIO(copy)) as picture:
        assert picture.format == fmt
        assert picture.size == (60, 40)
        exif = picture.getexif()
        # A TIFF's own structure lives in the same tags; none of the people's tags may.
        assert not {0x013B, 0x8298, 0x9286, 0x010E} & set(exif)
        if fmt != "TIFF":
            assert dict(exif) == {}
        for key in ("xmp", "comment", "Author", "XML:com.adobe.xmp", "exif"):
            assert key not in picture.info
        if fmt == "TIFF":
            assert not {315, 700, 33432} & set(picture.tag_v2)


@pytest.mark.parametrize("fmt", ["JPEG", "TIFF"])
def test_image_copy_applies_the_camera_orientation(tmp_path, fmt):
    from PIL import Image

    copy = copied(tmp_path, files.image(fmt, (60, 40), orientation=6), f"anh.{fmt.lower()}")
    with Image.open(io.BytesIO(copy)) as picture:
        assert picture.size == (40, 60)  # turned upright, no orientation tag left to misread
        assert picture.getexif().get(0x0112) is None
        rgb = picture.convert("RGB")
        # Orientation 6 means "turn 90° clockwise to view": the red top-left corner of the
        # stored pixels is now at the top right.
        red, _, blue = rgb.getpixel((35, 4))
        assert red > 200 and blue < 80
        red, green, _ = rgb.getpixel((4, 4))
        assert red > 200 and green > 200


def test_jpeg_copy_keeps_the_original_quality(tmp_path):
    from PIL import Image

    data = files.image("JPEG", (320, 240))
    copy = copied(tmp_path, data, "anh.jpg")
    with Image.open(io.BytesIO(data)) as before, Image.open(io.BytesIO(copy)) as after:
        assert after.quantization == before.quantization


def test_image_copy_keeps_its_colour_profile(tmp_path):
    from PIL import Image, ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(out, "JPEG", icc_profile=profile,
                                           comment=f"by {AUTHOR_ASCII}")
    copy = copied(tmp_path, out.getvalue(), "anh.jpg")
    with Image.open(io.BytesIO(copy)) as picture:
        assert picture.info.get("icc_profile") == profile


def test_palette_png_keeps_its_transparency(tmp_path):
    from PIL import Image

    picture = Image.new("P", (10, 10), 1)
    out = io.BytesIO()
    picture.save(out, "PNG", transparency=1)
    copy = copied(tmp_path, out.getvalue(), "logo.png")
    with Image.open(io.BytesIO(copy)) as result, Image.open(out) as before:
        assert result.info["transparency"] == before.info["transparency"]
        assert result.convert("RGBA").tobytes() == before.convert("RGBA").tobytes()


def test_multi_page_tiff_keeps_every_page(tmp_path):
    from PIL import Image

    pages = [Image.new("RGB", (30, 20), colour) for colour in ("red", "green", "blue")]
    out = io.BytesIO()
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:],
                  tiffinfo={315: AUTHOR_ASCII})
    copy = copied(tmp_path, out.getvalue(), "scan.tif")
    assert names_in(copy) == []
    with Image.open(io.BytesIO(copy)) as result:
        assert result.n_frames == 3


# --- PDF -------------------------------------------------------------------------------------

def test_pdf_copy_has_no_author_and_the_same_pages(tmp_path):
    from pypdf import PdfReader

    data = files.pdf_bytes(3)
    assert AUTHOR_ASCII.encode() in data or names_in(data)
    original = PdfReader(io.BytesIO(data))
    assert original.metadata.author == AUTHOR
    assert original.xmp_metadata is not None
    copy = copied(tmp_path, data, "sach.pdf")
    assert names_in(copy) == []
    result = PdfReader(io.BytesIO(copy))
    assert not (result.metadata or {}).get("/Author")
    assert not (result.metadata or {}).get("/Creator")
    assert result.xmp_metadata is None
    assert len(result.pages) == 3
    for before, after in zip(original.pages, result.pages, strict=True):
        assert before.mediabox == after.mediabox
        assert before.get_contents() == after.get_contents() or (
            before.get_contents() is None and after.get_contents() is None)
    annotation = result.pages[0]["/Annots"][0].get_object()
    assert annotation["/Contents"] == "Sửa lại đoạn này"  # the comment stays, its author goes
    assert "/T" not in annotation


def test_typst_pdf_copy_keeps_the_text(tmp_path):
    """A real PDF with Vietnamese text, as a writer would export it (author in /Info and XMP)."""
    import typst
    from pypdf import PdfReader

    from giaithuong.documents.pdf import font_dirs

    source = (f'#set document(author: "{AUTHOR}", title: "Sợi dây gắn kết")\n'
              '#set text(font: ("Liberation Serif", "Tinos"), lang: "vi")\n'
              "Tình hữu nghị Việt Nam – Lào được vun đắp qua nhiều thế hệ.\n"
              "#pagebreak()\nTrang hai.")
    data = typst.compile(source.encode(), font_paths=list(font_dirs()[0]))
    original = PdfReader(io.BytesIO(data))
    assert AUTHOR in str(original.metadata) or names_in(data)
    copy = copied(tmp_path, data, "bai.pdf")
    assert names_in(copy) == []
    result = PdfReader(io.BytesIO(copy))
    assert AUTHOR not in str(result.metadata or {})
    assert [p.extract_text() for p in result.pages] == [p.extract_text() for p in original.pages]
    assert "Tình hữu nghị" in result.pages[0].extract_text()


def test_pdf_image_metadata_goes_too(tmp_path):
    """A photo placed in a PDF may carry its own XMP naming the photographer."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(files.pdf_bytes(1, comment=False))))
    stream = StreamObject()
    stream.set_data(files.xmp(AUTHOR))
    stream.update({NameObject("/Type"): NameObject("/Metadata"),
                   NameObject("/Subtype"): NameObject("/XML")})
    writer.pages[0][NameObject("/Metadata")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    assert names_in(out.getvalue())
    assert names_in(copied(tmp_path, out.getvalue(), "a.pdf")) == []


def test_malformed_pdf_gives_a_clear_error_and_no_file(tmp_path):
    source = tmp_path / "bad.pdf"
    source.write_bytes(b"%PDF-1.4\n" + b"\xff" * 100)
    with pytest.raises(BlindCopyError) as caught:
        make_blind_copy(source, tmp_path / "out" / "copy", mime="application/pdf",
                        name="Bài.pdf")
    assert caught.value.problem.code == "blind_failed"
    assert "Bài.pdf" in caught.value.problem.message_vi
    assert list((tmp_path / "out").iterdir()) == []


# --- DOCX ------------------------------------------------------------------------------------

def test_docx_copy_has_no_author(tmp_path):
    import docx

    data = files.docx_bytes()
    unpacked = b"".join(zipfile.ZipFile(io.BytesIO(data)).read(n)
                        for n in zipfile.ZipFile(io.BytesIO(data)).namelist())
    assert set(names_in(unpacked)) >= {AUTHOR.encode(), COMPANY.encode(), b"NguyenVanAn"}
    copy = copied(tmp_path, data, "bai.docx")
    archive = zipfile.ZipFile(io.BytesIO(copy))
    for member in archive.namelist():
        assert names_in(archive.read(member)) == [], member
    document = docx.Document(io.BytesIO(copy))
    assert document.core_properties.author == ""
    assert document.core_properties.last_modified_by == ""
    assert document.core_properties.title == "Sợi dây gắn kết hai dân tộc"
    assert document.paragraphs[0].text.startswith("Loạt bài phản ánh giao lưu nhân dân")
    assert [c.author for c in document.comments] == [""]
    assert [c.text for c in document.comments] == ["Kiểm tra số liệu"]
    app = archive.read("docProps/app.xml")
    assert b"<Template>Thu.dotm</Template>" in app
    assert b"<Company/>" in app or b"<Company></Company>" in app


def test_docx_copy_keeps_the_namespaces_word_needs(tmp_path):
    data = files.docx_bytes()
    copy = copied(tmp_path, data, "bai.docx")
    before = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    after = zipfile.ZipFile(io.BytesIO(copy)).read("word/document.xml")
    # mc:Ignorable lists prefixes Word must find declared: they survive the rewrite.
    for declaration in (b'xmlns:w="', b'xmlns:mc="', b"mc:Ignorable"):
        assert (declaration in before) == (declaration in after)
    untouched = zipfile.ZipFile(io.BytesIO(copy)).read("word/styles.xml")
    assert untouched == zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml")


def test_docx_bomb_is_not_copied(tmp_path):
    source = tmp_path / "bomb.docx"
    source.write_bytes(files.docx_bomb())
    with pytest.raises(BlindCopyError):
        make_blind_copy(source, tmp_path / "copy.docx", mime=(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    assert not (tmp_path / "copy.docx").exists()


def test_docx_with_an_entity_is_not_expanded(tmp_path):
    data = files.docx_bytes()
    core = zipfile.ZipFile(io.BytesIO(data)).read("docProps/core.xml")
    laugh = core.replace(b"?>", b'?><!DOCTYPE r [<!ENTITY a "' + b"x" * 1000 + b'">]>', 1)
    laugh = laugh.replace(b"</dc:title>", b"&a;&a;&a;&a;</dc:title>")
    bomb = files._rewrite_zip(data, {"docProps/core.xml": lambda _: laugh})
    source, target = tmp_path / "a.docx", tmp_path / "b.docx"
    source.write_bytes(bomb)
    mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    try:
        make_blind_copy(source, target, mime=mime)
    except BlindCopyError:
        return  # refusing is as good as copying without expanding
    core_copy = zipfile.ZipFile(target).read("docProps/core.xml")
    assert b"x" * 1000 not in core_copy


# --- audio and video -------------------------------------------------------------------------

def tags_of(path) -> dict:
    ffprobe, _ = files.media_tools()
    report = subprocess.run([ffprobe, "-v", "error", "-show_entries",
                             "format_tags:stream_tags:format=duration", "-of", "json", str(path)],
                            check=True, capture_output=True).stdout
    return json.loads(report)


@pytest.mark.parametrize(("name", "make"), [
    ("a.mp3", lambda p: files.sine(p, 2, artist=AUTHOR, composer=AUTHOR)),
    ("a.m4a", lambda p: files.sine(p, 2, artist=AUTHOR)),
    ("a.wav", lambda p: files.sine(p, 2, artist=AUTHOR)),
    ("v.mp4", lambda p: files.clip(p, 2, artist=AUTHOR, comment=COMPANY)),
    ("v.mkv", lambda p: files.clip(p, 2, artist=AUTHOR)),
])
def test_media_copy_has_no_tags_and_the_same_running_time(tmp_path, name, make):
    files.media_tools()
    source = make(tmp_path / name)
    assert names_in(source.read_bytes())
    copy = copied(tmp_path, source.read_bytes(), name)
    assert names_in(copy) == []
    target = tmp_path / ("copy-" + name)
    target.write_bytes(copy)
    before, after = tags_of(source), tags_of(target)
    assert AUTHOR not in json.dumps(after, ensure_ascii=False)
    assert float(after["format"]["duration"]) == pytest.approx(
        float(before["format"]["duration"]), abs=0.1)


# --- the rules of the copy -------------------------------------------------------------------

def test_unsupported_type_is_refused_in_both_languages(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("xin chào")
    assert not can_make_blind_copy("text/plain")
    with pytest.raises(BlindCopyError) as caught:
        make_blind_copy(source, tmp_path / "b", mime="text/plain")
    assert caught.value.problem.message_vi.startswith("Không tạo được bản ẩn danh")


def test_the_original_is_never_the_destination(tmp_path):
    source = tmp_path / "a.png"
    source.write_bytes(files.image("PNG"))
    before = source.read_bytes()
    with pytest.raises(ValueError, match="overwrite the original"):
        make_blind_copy(source, tmp_path / "." / "a.png", mime="image/png")
    assert source.read_bytes() == before


def test_without_ffmpeg_the_copy_is_left_to_intake(tmp_path, monkeypatch):
    from giaithuong.entries import blind

    source = files.sine(tmp_path / "a.mp3", 1, artist=AUTHOR)
    monkeypatch.setattr(blind, "FFMPEG", "ffmpeg-not-installed")
    with pytest.raises(BlindCopyError) as caught:
        make_blind_copy(source, tmp_path / "copy.mp3", mime="audio/mpeg", name="a.mp3")
    assert caught.value.problem.code == "blind_unavailable"
    assert not (tmp_path / "copy.mp3").exists()


@pytest.mark.libreoffice
def test_libreoffice_opens_the_docx_copy(tmp_path):
    import shutil

    from pypdf import PdfReader

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    copy = copied(tmp_path, files.docx_bytes(), "bai.docx")
    (tmp_path / "blind.docx").write_bytes(copy)
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(tmp_path / "blind.docx")], check=True, capture_output=True, timeout=180)
    text = PdfReader(tmp_path / "blind.pdf").pages[0].extract_text()
    assert "Loạt bài phản ánh giao lưu nhân dân Việt Nam – Lào." in text
