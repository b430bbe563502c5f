"""Files of every kind an entry carries, made in code for the inspection and blind-copy tests:
each names its author in the places that kind of file hides one."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest

AUTHOR = "Nguyễn Văn An"  # in metadata that holds Unicode
AUTHOR_ASCII = "Nguyen Van An"  # in EXIF and TIFF tags, which are ASCII
COMPANY = "Báo Điện tử Tổ Quốc"


def media_tools() -> tuple[str, str]:
    """ffprobe and ffmpeg, or a failure that says how to get them (never a silent skip)."""
    ffprobe, ffmpeg = shutil.which("ffprobe"), shutil.which("ffmpeg")
    if not ffprobe or not ffmpeg:
        pytest.fail("ffprobe/ffmpeg not found: apt-get install ffmpeg (Debian's package; "
                    ".ci/run installs it)", pytrace=False)
    return ffprobe, ffmpeg


def ffmpeg(target: Path, *args: str) -> Path:
    _, executable = media_tools()
    subprocess.run([executable, "-v", "error", "-nostdin", "-y", *args, str(target)],
                   check=True, capture_output=True, timeout=120)
    return target


def sine(target: Path, seconds: float = 3, **tags: str) -> Path:
    metadata = [arg for key, value in tags.items() for arg in ("-metadata", f"{key}={value}")]
    return ffmpeg(target, "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
                  *metadata)


def clip(target: Path, seconds: float = 2, *extra: str, **tags: str) -> Path:
    """A small video with sound; the codecs follow the container."""
    metadata = [arg for key, value in tags.items() for arg in ("-metadata", f"{key}={value}")]
    return ffmpeg(target, "-f", "lavfi", "-i", f"testsrc=size=64x48:rate=10:duration={seconds}",
                  "-f", "lavfi", "-i", f"sine=duration={seconds}", "-shortest", *extra,
                  *metadata)


def pdf_bytes(pages: int = 3, *, author: str = AUTHOR, comment: bool = True) -> bytes:
    """A PDF naming `author` in /Info, in XMP and as the author of a comment on page 1."""
    from pypdf import PdfWriter
    from pypdf.annotations import Text
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Author": author, "/Creator": f"Word – {author}",
                         "/Producer": "Microsoft Word 2019", "/Title": "Sợi dây gắn kết"})
    writer.xmp_metadata = xmp(author)
    if comment:
        note = Text(text="Sửa lại đoạn này", rect=(50, 550, 200, 650))
        note[NameObject("/T")] = TextStringObject(author)
        writer.add_annotation(page_number=0, annotation=note)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def xmp(author: str) -> bytes:
    return (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><rdf:Description rdf:about="">'
        f'<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>'
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>').encode()


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(*, author: str = AUTHOR) -> bytes:
    """A DOCX naming `author` as creator and last editor, in a comment and a tracked change,
    with the company in app.xml and a template linked from the author's own folder."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.core_properties.author = author
    document.core_properties.last_modified_by = author
    document.core_properties.title = "Sợi dây gắn kết hai dân tộc"
    paragraph = document.add_paragraph("Loạt bài phản ánh giao lưu nhân dân Việt Nam – Lào.")
    document.add_comment(paragraph.runs, text="Kiểm tra số liệu", author=author, initials="NVA")
    inserted = OxmlElement("w:ins")
    inserted.set(qn("w:id"), "90")
    inserted.set(qn("w:author"), author)
    inserted.set(qn("w:date"), "2026-03-01T09:00:00Z")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = " Đoạn được thêm."
    run.append(text)
    inserted.append(run)
    paragraph._p.append(inserted)
    raw = io.BytesIO()
    document.save(raw)
    return _rewrite_zip(raw.getvalue(), {
        "docProps/app.xml": lambda data: data.replace(
            b"<Template>Normal.dotm</Template>",
            b"<Template>C:\\Users\\NguyenVanAn\\Templates\\Thu.dotm</Template>"
            + f"<Company>{COMPANY}</Company><Manager>{author}</Manager>".encode()),
        "docProps/custom.xml": lambda _: (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" '
            b'pid="2" name="Owner"><vt:lpwstr>' + author.encode() + b'</vt:lpwstr></property>'
            b'</Properties>'),
        "word/_rels/settings.xml.rels": lambda _: (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/attachedTemplate" '
            b'Target="file:///C:\\Users\\NguyenVanAn\\Templates\\Thu.dotm" '
            b'TargetMode="External"/></Relationships>'),
    })


def _rewrite_zip(data: bytes, changes: dict) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist() + [n for n in changes if n not in source.namelist()]
        for name in names:
            content = source.read(name) if name in source.namelist() else b""
            if name in changes:
                content = changes[name](content)
            target.writestr(name, content)
    return out.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def docx_bomb() -> bytes:
    """A DOCX whose document.xml unpacks from a few hundred KB to 300 MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"\x00" * (1 << 20)
            for _ in range(300):
                member.write(block)
    return out.getvalue()


def image(fmt: str, size=(60, 40), *, orientation: int | None = None, mode: str = "RGB",
          author: str = AUTHOR_ASCII) -> bytes:
    """An image with a red top-left corner, naming `author` wherever the format keeps it."""
    from PIL import Image, PngImagePlugin

    picture = Image.new(mode, size, "white")
    picture.paste("red" if mode == "RGB" else 0, (0, 0, 10, 10))
    exif = Image.Exif()
    exif[0x013B] = author  # Artist
    exif[0x8298] = f"(c) {author}"  # Copyright
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    if fmt == "JPEG":
        picture.save(out, "JPEG", exif=exif, xmp=xmp(AUTHOR), comment=f"by {author}",
                     quality=90)
    elif fmt == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Author", author)
        text.add_itxt("XML:com.adobe.xmp", xmp(AUTHOR).decode())
        picture.save(out, "PNG", pnginfo=text, exif=exif)
    elif fmt == "WEBP":
        picture.save(out, "WEBP", exif=exif, xmp=xmp(AUTHOR), quality=90)
    elif fmt == "TIFF":
        from PIL.TiffImagePlugin import ImageFileDirectory_v2

        tags = ImageFileDirectory_v2()
        tags[315] = author  # Artist
        tags[33432] = f"(c) {author}"  # Copyright
        tags[700] = xmp(AUTHOR)  # XMP
        if orientation:
            tags[274] = orientation
        picture.save(out, "TIFF", tiffinfo=tags, compression="tiff_lzw")
    else:
        raise ValueError(fmt)
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A tiny PNG that claims `width` × `height` pixels: a decompression bomb's header."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))
