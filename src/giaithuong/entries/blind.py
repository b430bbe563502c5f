"""Copies for blind judging (bản ẩn danh): the same work without what names its author.

Pure core: no Django (ffmpeg is run for audio and video, the only outside program).
`make_blind_copy(source, destination, mime=...)` writes a new file and never touches the
original: it is opened read-only, and the copy is written beside the destination under a temporary
name and moved into place only when complete and readable.

What is removed, by type:
- images (JPEG, PNG, WebP, TIFF): re-encoded from the pixels, so EXIF (camera owner, GPS), XMP,
  IPTC, comments and text chunks are left behind; the camera's orientation is applied first and
  the colour profile kept. JPEG keeps its own quantisation tables, so quality is not lost;
- PDF: the document information (/Info: author, creator, producer…), XMP metadata streams
  of the document, its pages and images, Illustrator/Photoshop private data, and the author
  names of annotations (comments); pages are kept as they are;
- DOCX: author and last editor (core.xml), company, manager and template path (app.xml), custom
  property values, the authors and initials of comments and tracked changes (`w:author` in every
  part), and local file paths of linked templates;
- audio and video: container and stream tags (ID3 artist, MP4 ©ART, RIFF INFO…), chapters and
  cover pictures; sound, picture and subtitles are copied bit for bit.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import subprocess
import uuid
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from giaithuong.entries import inspection_messages as words
from giaithuong.entries.inspection import (
    CHUNK,
    MAX_IMAGE_PIXELS,
    Problem,
    check_archive,
    problem,
)
from giaithuong.uploads import sniff

FFMPEG = "ffmpeg"
COPY_TIMEOUT = 1800.0  # seconds: a 4 GB video is copied stream by stream at disk speed
JPEG_QUALITY = 95  # when a JPEG's own tables cannot be reused

_IMAGES = {sniff.JPEG.mime: "JPEG", sniff.PNG.mime: "PNG", sniff.WEBP.mime: "WEBP",
           sniff.TIFF.mime: "TIFF"}
# ffmpeg's muxer for each container it rewrites.
_MEDIA = {sniff.MP3.mime: "mp3", sniff.WAV.mime: "wav", sniff.M4A.mime: "ipod",
          sniff.AAC.mime: "adts", sniff.FLAC.mime: "flac", sniff.OGG.mime: "ogg",
          sniff.MP4.mime: "mp4", sniff.MOV.mime: "mov", sniff.WEBM.mime: "webm",
          sniff.MKV.mime: "matroska"}
SUPPORTED = frozenset(_IMAGES) | frozenset(_MEDIA) | {sniff.PDF.mime, sniff.DOCX.mime}

# Image information that is how the picture looks, not who made it.
_KEPT_IMAGE_INFO = ("icc_profile", "dpi", "transparency", "gamma")


@dataclass(frozen=True, slots=True)
class BlindCopy:
    path: Path
    sha256: str
    size_bytes: int
    mime: str


class BlindCopyError(Exception):
    """No blind copy could be made; `problem` says why in Vietnamese and English."""

    def __init__(self, found: Problem):
        super().__init__(found.message_en)
        self.problem = found


def can_make_blind_copy(mime: str) -> bool:
    return mime in SUPPORTED


def make_blind_copy(source: str | Path, destination: str | Path, *, mime: str,
                    name: str = "") -> BlindCopy:
    """Write the blind copy of `source` (of content type `mime`, as inspection found it) to
    `destination`; `name` is the file's safe name, for messages. Raises BlindCopyError."""
    source, destination = Path(source), Path(destination)
    name = name or source.name
    if mime not in SUPPORTED:
        raise BlindCopyError(problem("blind_not_supported", actual=words.type_name(mime)))
    if destination.exists() and os.path.samefile(source, destination):
        raise ValueError("the blind copy would overwrite the original")
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.part")
    try:
        if mime in _IMAGES:
            _image(source, temporary, _IMAGES[mime], name)
        elif mime == sniff.PDF.mime:
            _pdf(source, temporary, name)
        elif mime == sniff.DOCX.mime:
            _docx(source, temporary, name)
        else:
            _media(source, temporary, _MEDIA[mime], name)
        digest, size = _digest(temporary)
        os.replace(temporary, destination)
    except BlindCopyError:
        raise
    # Whatever the library's complaint, the file could not be read or rewritten.
    except Exception as error:
        raise BlindCopyError(problem("blind_failed", name=name)) from error
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return BlindCopy(destination, digest, size, mime)


def _digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


# --- images ---------------------------------------------------------------------------------

def _image(source: Path, target: Path, fmt: str, name: str) -> None:
    from PIL import Image, ImageOps, JpegImagePlugin

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(source, formats=[fmt]) as image:
            frames = getattr(image, "n_frames", 1)
            width, height = image.size
            if width * height * frames > MAX_IMAGE_PIXELS:
                raise BlindCopyError(problem("image_too_large", name=name, width=width,
                                             height=height, limit=MAX_IMAGE_PIXELS // 10**6))
            if frames > 1 and fmt != "TIFF":
                # An animation's timing would be lost; nothing sent to the award is animated.
                raise BlindCopyError(problem("blind_not_supported",
                                             actual=words.type_name(f"image/{fmt.lower()}")))
            options: dict[str, object] = {}
            if fmt == "JPEG":
                # The original's own quantisation and subsampling: re-encoding loses nothing
                # a juror could see.
                options["qtables"] = image.quantization
                sampling = JpegImagePlugin.get_sampling(image)
                if sampling != -1:
                    options["subsampling"] = sampling
                options["quality"] = JPEG_QUALITY if not image.quantization else None
            elif fmt == "WEBP":
                options.update(quality=JPEG_QUALITY, method=4)
            elif fmt == "TIFF":
                compression = image.info.get("compression")
                options["compression"] = compression if compression in {
                    "raw", "tiff_lzw", "tiff_adobe_deflate", "group4", "jpeg"} else "tiff_lzw"
            pages = []
            for index in range(frames):
                image.seek(index)
                pages.append(_clean(ImageOps.exif_transpose(image)))
    options = {key: value for key, value in options.items() if value is not None}
    first, rest = pages[0], pages[1:]
    icc = first.info.get("icc_profile")
    if icc:
        options["icc_profile"] = icc
    with target.open("w+b") as out:  # a multi-page TIFF reads back what it has written
        first.save(out, format=fmt, exif=b"", save_all=bool(rest), append_images=rest, **options)
    with Image.open(target, formats=[fmt]) as check:
        check.load()  # the copy reads back, or it is not a copy


def _clean(image):  # PIL.Image.Image -> PIL.Image.Image
    """A plain image with the same pixels and none of the file's metadata. `copy()` gives a
    base `Image` (a TIFF's own tags stay behind); `info` is then cut down to how it looks."""
    plain = image.copy()
    plain.info = {key: image.info[key] for key in _KEPT_IMAGE_INFO if key in image.info}
    return plain


# --- PDF ------------------------------------------------------------------------------------

def _pdf(source: Path, target: Path, name: str) -> None:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, IndirectObject, NameObject

    with source.open("rb") as stream:
        reader = PdfReader(stream)
        if reader.is_encrypted and not reader.decrypt(""):
            raise BlindCopyError(problem("pdf_encrypted", name=name))
        pages = len(reader.pages)
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None  # the /Info dictionary: Author, Creator, Producer, Title…
        dropped: set[int] = set()
        for obj in list(writer._objects):  # every object: document, pages, images, forms
            if not isinstance(obj, DictionaryObject):
                continue
            for key in ("/Metadata", "/PieceInfo"):
                if key in obj:
                    value = obj.raw_get(key)
                    del obj[NameObject(key)]
                    if isinstance(value, IndirectObject) and value.pdf is writer:
                        dropped.add(value.idnum)
            subtype = obj.get("/Subtype")
            if "/T" in obj and "/Rect" in obj and subtype not in (None, "/Widget"):
                # A comment's /T is its author's name (a form field's is its own name).
                del obj[NameObject("/T")]
        # An object nothing points to any more is still written out unless its slot is freed.
        for idnum in dropped:
            writer._objects[idnum - 1] = None
        with target.open("wb") as out:
            writer.write(out)
    with target.open("rb") as stream:
        copy = PdfReader(stream)
        if len(copy.pages) != pages:
            raise ValueError("the blind copy lost pages")


# --- DOCX -----------------------------------------------------------------------------------

_W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
# Attributes (any namespace) naming a person in Word's parts: authors and initials of tracked
# changes and comments, and the account ids of co-authors (people.xml).
_PERSON_ATTRIBUTES = {"author", "initials", "userId", "providerId"}
_CORE_PEOPLE = {"creator", "lastModifiedBy"}
_APP_PEOPLE = {"Company", "Manager", "HyperlinkBase"}


def _docx(source: Path, target: Path, name: str) -> None:
    refused = check_archive(source)
    if refused:
        raise BlindCopyError(problem("blind_failed", name=name))
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for member in original.infolist():
            data = original.read(member)
            data = _docx_part(member.filename, data)
            fresh = zipfile.ZipInfo(member.filename, date_time=member.date_time)
            fresh.compress_type = (zipfile.ZIP_STORED if member.compress_type == zipfile.ZIP_STORED
                                   else zipfile.ZIP_DEFLATED)
            fresh.external_attr = member.external_attr
            copy.writestr(fresh, data)
    import docx  # python-docx: the copy must still open as a Word document

    docx.Document(str(target))


def _docx_part(name: str, data: bytes) -> bytes:
    if name == "docProps/core.xml":
        return _xml(data, _blank_elements(_CORE_PEOPLE))
    if name == "docProps/app.xml":
        return _xml(data, _app)
    if name == "docProps/custom.xml":
        return _xml(data, _custom)
    if name.endswith(".rels"):
        return _xml(data, _relationships)
    if name.startswith("word/") and name.endswith(".xml"):
        return _xml(data, _person_attributes)
    return data


def _xml(data: bytes, change) -> bytes:  # change: Callable[[etree._ElementTree], bool]
    from lxml import etree

    # No entities resolved, nothing fetched, no huge trees: a part is data, never instructions.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             load_dtd=False)
    tree = etree.parse(io.BytesIO(data), parser)
    if not change(tree):
        return data  # untouched parts stay byte for byte as they were
    out = io.BytesIO()
    tree.write(out, xml_declaration=True, encoding="UTF-8",
               standalone=tree.docinfo.standalone)
    return out.getvalue()


def _local(tag: object) -> str:
    return str(tag).rpartition("}")[2] if isinstance(tag, str) else ""


def _blank_elements(names: set[str]):
    def change(tree) -> bool:
        changed = False
        for element in tree.iter():
            if _local(element.tag) in names and (element.text or len(element)):
                element.text = ""
                del element[:]
                changed = True
        return changed
    return change


def _app(tree) -> bool:
    changed = _blank_elements(_APP_PEOPLE)(tree)
    for element in tree.iter():
        if _local(element.tag) == "Template" and element.text and _file_name(element.text) != (
                element.text):
            element.text = _file_name(element.text)  # "C:\Users\An\…\Thư.dotm" names An
            changed = True
    return changed


def _custom(tree) -> bool:
    changed = False
    for prop in tree.getroot():
        for value in prop:
            if value.text:
                value.text = ""
                changed = True
    return changed


def _relationships(tree) -> bool:
    changed = False
    for element in tree.iter():
        target = element.get("Target") or ""
        if element.get("TargetMode") == "External" and (
                target.lower().startswith("file:") or "\\" in target):
            element.set("Target", _file_name(target))
            changed = True
    return changed


def _person_attributes(tree) -> bool:
    changed = False
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions carry no attributes
        for key in element.attrib:
            if _local(key) in _PERSON_ATTRIBUTES and element.attrib[key]:
                element.attrib[key] = ""
                changed = True
    return changed


def _file_name(path: str) -> str:
    """The last part of a local path, Windows or POSIX, with any URL prefix dropped."""
    text = path.removeprefix("file:").lstrip("/")
    return PureWindowsPath(PurePosixPath(text).name).name


# --- audio and video ------------------------------------------------------------------------

def _media(source: Path, target: Path, muxer: str, name: str) -> None:
    executable = shutil.which(FFMPEG)
    if executable is None:
        raise BlindCopyError(problem("blind_unavailable", name=name))
    command = [
        executable, "-v", "error", "-nostdin", "-y", "-protocol_whitelist", "file",
        "-i", f"file:{source.resolve()}",
        # Sound, picture (not cover art: capital V) and subtitles; no data or attachments.
        "-map", "0:a?", "-map", "0:V?", "-map", "0:s?",
        "-map_metadata", "-1", "-map_chapters", "-1", "-c", "copy",
        "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
        "-f", muxer, f"file:{target.resolve()}",
    ]
    # A fixed argument list, no shell; `file:` keeps a path from being read as a protocol.
    try:
        result = subprocess.run(command, capture_output=True,  # noqa: S603
                                timeout=COPY_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as error:
        raise BlindCopyError(problem("blind_unavailable", name=name)) from error
    if result.returncode != 0:
        raise ValueError(result.stderr.decode("utf-8", "replace")[-500:])
