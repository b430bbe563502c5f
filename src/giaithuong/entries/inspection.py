"""File inspection (kiểm tra tệp tác phẩm): what a file sent with an entry really is.

Pure core: no Django. `inspect_file(path, declared_name=...)` reads a stored file once: its
SHA-256 and size, its type from its content (never its name), and what the juries will need to
know — a PDF's pages, an image's dimensions, an audio or video file's running time (read by
Debian's `ffprobe`, the only outside program) — and returns an `Inspection` with every problem
found, each with a code, a severity and a message in Vietnamese and English.
`check_against_rules(inspection, rules)` then holds it to its category's limits from the edition
file. Nothing here raises on a bad file: damage, bombs and disguises are problems, not crashes.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import struct
import subprocess
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

from giaithuong.entries import eligibility_messages as m
from giaithuong.entries import inspection_messages as words
from giaithuong.entries.eligibility import CategoryRules, EntryFile, Severity
from giaithuong.entries.file_names import extension_of, safe_file_name
from giaithuong.uploads import sniff

__all__ = ["Inspection", "Problem", "check_against_rules", "check_archive", "inspect_file",
           "safe_file_name"]

CHUNK = 1 << 20  # bytes read at a time: memory stays flat whatever the file's size
MAX_IMAGE_PIXELS = 150_000_000  # above the largest camera sensors (~102 MP), below bomb sizes
MAX_ARCHIVE_BYTES = 512 * m.MIB  # a DOCX unpacked, all members together
MAX_ARCHIVE_PART = 64 * m.MIB  # one unpacked member (document.xml of a long book is ~30 MB)
MAX_ARCHIVE_RATIO = 100  # unpacked / packed, over the whole archive
PDF_TAIL = 64 * 1024  # bytes at the end searched for %%EOF (some writers append padding)
FFPROBE = "ffprobe"
PROBE_TIMEOUT = 120.0  # seconds; ffprobe reads headers, so even 4 GB takes a moment

# The content types an entry may carry, by the kind the edition file's `file_kinds` names.
# Containers that hold sound only or sound and picture are told apart by their streams.
KINDS: dict[str, str] = {
    sniff.PDF.mime: "pdf",
    sniff.DOCX.mime: "docx",
    sniff.JPEG.mime: "image", sniff.PNG.mime: "image", sniff.WEBP.mime: "image",
    sniff.TIFF.mime: "image",
    sniff.MP3.mime: "audio", sniff.WAV.mime: "audio", sniff.M4A.mime: "audio",
    sniff.AAC.mime: "audio", sniff.FLAC.mime: "audio", sniff.OGG.mime: "audio",
    sniff.MP4.mime: "video", sniff.MOV.mime: "video", sniff.WEBM.mime: "video",
    sniff.MKV.mime: "video",
}
_AV_CONTAINERS = {sniff.MP4.mime, sniff.MOV.mime, sniff.WEBM.mime, sniff.MKV.mime,
                  sniff.OGG.mime, sniff.M4A.mime}
_PILLOW_FORMATS = {sniff.JPEG.mime: "JPEG", sniff.PNG.mime: "PNG", sniff.WEBP.mime: "WEBP",
                   sniff.TIFF.mime: "TIFF"}

# Extensions that rightly name each type; a name with another known extension is a disguise
# (or a slip) worth telling the sender about.
_EXTENSIONS: dict[str, frozenset[str]] = {
    sniff.PDF.mime: frozenset({"pdf"}),
    sniff.DOCX.mime: frozenset({"docx", "docm"}),
    sniff.JPEG.mime: frozenset({"jpg", "jpeg", "jpe", "jfif"}),
    sniff.PNG.mime: frozenset({"png"}),
    sniff.WEBP.mime: frozenset({"webp"}),
    sniff.TIFF.mime: frozenset({"tif", "tiff"}),
    sniff.MP3.mime: frozenset({"mp3"}),
    sniff.WAV.mime: frozenset({"wav", "wave"}),
    sniff.M4A.mime: frozenset({"m4a", "m4b", "mp4", "aac"}),
    sniff.AAC.mime: frozenset({"aac", "adts"}),
    sniff.FLAC.mime: frozenset({"flac"}),
    sniff.OGG.mime: frozenset({"ogg", "oga", "ogv", "opus"}),
    sniff.MP4.mime: frozenset({"mp4", "m4v", "m4a", "mov"}),
    sniff.MOV.mime: frozenset({"mov", "qt", "mp4"}),
    sniff.WEBM.mime: frozenset({"webm", "mkv"}),
    sniff.MKV.mime: frozenset({"mkv", "mka", "webm"}),
}
_KNOWN_EXTENSIONS = frozenset().union(*_EXTENSIONS.values()) | {
    "doc", "rtf", "odt", "xls", "xlsx", "ppt", "pptx", "txt", "htm", "html", "svg", "gif",
    "heic", "heif", "avif", "bmp", "zip", "rar", "7z", "gz", "exe", "avi", "flv", "wmv", "3gp",
    "mpg", "mpeg", "ts", "wma", "epub"}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file; `field` is where the form shows it (the caller may narrow
    it to "files[2]" with `dataclasses.replace`)."""

    code: str
    severity: Severity
    message_vi: str
    message_en: str
    field: str = "file"

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.BLOCKING

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "field": self.field, "severity": str(self.severity),
                "message_vi": self.message_vi, "message_en": self.message_en}


@dataclass(frozen=True, slots=True)
class Inspection:
    """What one stored file is. `kind` (pdf, docx, image, audio, video) is what the edition
    file's `file_kinds` speaks of; None when the file is not a type entries may carry."""

    name: str  # the sender's name made safe
    stored_name: str  # the same, with the extension its content calls for
    size_bytes: int
    sha256: str
    mime: str
    kind: str | None
    pages: int | None = None
    width: int | None = None  # as displayed, after the camera's orientation is applied
    height: int | None = None
    duration: float | None = None  # seconds
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """No blocking problem: the file may be attached (warnings go to intake)."""
        return not any(p.blocking for p in self.problems)

    @property
    def duration_seconds(self) -> int | None:
        """Whole seconds, rounded down: a container's last fraction of a second never tips a
        work over a limit."""
        return None if self.duration is None else int(self.duration)

    @property
    def type_name(self) -> m.L:
        return words.type_name(self.mime)

    def entry_file(self) -> EntryFile:
        """This file as the eligibility engine counts it (`EntryFacts.files`)."""
        return EntryFile(self.stored_name, self.kind or "other", self.size_bytes)

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "stored_name": self.stored_name,
                "size_bytes": self.size_bytes, "sha256": self.sha256, "mime": self.mime,
                "kind": self.kind, "pages": self.pages, "width": self.width,
                "height": self.height, "duration": self.duration,
                "problems": [p.as_dict() for p in self.problems]}


def problem(code: str, variant: str = "", **params: object) -> Problem:
    severity = Severity.WARNING if code in _WARNINGS else Severity.BLOCKING
    text = words.render(f"{code}.{variant}" if variant else code, params)
    return Problem(code, severity, text.vi, text.en)


_WARNINGS = {"extension_mismatch", "media_duration_unknown", "media_not_checked",
             "blind_unavailable"}


def inspect_file(path: str | Path, *, declared_name: str,
                 probe_timeout: float = PROBE_TIMEOUT) -> Inspection:
    """Inspect the file at `path`, sent under `declared_name`; never raises on its content."""
    path = Path(path)
    name = safe_file_name(declared_name)
    try:
        size, digest, found = _read(path)
    except OSError:
        return Inspection(name, name, 0, "", sniff.UNKNOWN.mime, None,
                          problems=(problem("file_unreadable", name=name),))
    base = {"name": name, "stored_name": _stored_name(name, found), "size_bytes": size,
            "sha256": digest, "mime": found.mime}
    if size == 0:
        return Inspection(**base, kind=None, problems=(problem("file_empty", name=name),))
    kind = KINDS.get(found.mime)
    extension = extension_of(name)
    if found is sniff.ZIP and extension in _EXTENSIONS[sniff.DOCX.mime] and (
            check_archive(path) == "docx_malformed"):
        # A DOCX cut off mid-way has lost the directory that names its parts: it is damaged,
        # not "a ZIP archive".
        base["mime"] = sniff.DOCX.mime
        return Inspection(**base, kind="docx", problems=(problem("docx_malformed", name=name),))
    if kind is None:
        return Inspection(**base, kind=None, problems=(_not_accepted(name, extension, found),))
    problems: list[Problem] = []
    if extension in _KNOWN_EXTENSIONS and extension not in _EXTENSIONS[found.mime]:
        problems.append(problem("extension_mismatch", name=name, extension=extension,
                                actual=words.type_name(found.mime), right=found.extension))
    details: dict[str, object] = {}
    if kind == "pdf":
        details["pages"] = _pdf_pages(path, name, problems)
    elif kind == "docx":
        _docx(path, name, problems)
    elif kind == "image":
        details["width"], details["height"] = _image_size(path, name, found, problems)
    else:
        kind, details["duration"] = _media(path, name, found, kind, problems, probe_timeout)
    return Inspection(**base, kind=kind, problems=tuple(problems), **details)


def check_against_rules(inspection: Inspection, rules: CategoryRules) -> list[Problem]:
    """The problems of an inspected file against its category's limits (`CategoryRules`, built
    from the edition file by `eligibility_rules`): kind, size per file, running time, pages.

    Meant for the moment a file is attached, so the sender hears at the field; the eligibility
    engine checks the entry as a whole again from `Inspection.entry_file()`."""
    found: list[Problem] = []
    category = m.L(rules.name_vi, rules.name_en)
    name = inspection.stored_name
    if inspection.kind is not None and rules.file_kinds and (
            inspection.kind not in rules.file_kinds):
        found.append(problem(
            "kind_not_accepted", name=name, category=category,
            kind=m.named(m.FILE_KINDS, inspection.kind),
            choices=m.choices([m.named(m.FILE_KINDS, k) for k in sorted(rules.file_kinds)])))
    if rules.max_file_bytes is not None and inspection.size_bytes > rules.max_file_bytes:
        found.append(problem("too_large", name=name, category=category,
                             size=m.size(inspection.size_bytes, rules.max_file_bytes),
                             limit=m.size(rules.max_file_bytes)))
    seconds = inspection.duration_seconds
    if seconds is not None and rules.max_duration_seconds is not None and (
            seconds > rules.max_duration_seconds):
        found.append(problem("too_long", name=name, category=category,
                             duration=m.duration(seconds),
                             limit=m.duration(rules.max_duration_seconds)))
    if inspection.pages is not None and rules.max_pages is not None and (
            inspection.pages > rules.max_pages):
        found.append(problem("too_many_pages", name=name, category=category,
                             count=inspection.pages, limit=rules.max_pages))
    return found


def _read(path: Path) -> tuple[int, str, sniff.FileType]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
        found = sniff.sniff_file(stream) if size else sniff.UNKNOWN
    return size, digest.hexdigest(), found


def _stored_name(name: str, found: sniff.FileType) -> str:
    rights = _EXTENSIONS.get(found.mime)
    if rights is None:
        return name
    extension = extension_of(name)
    if extension in rights:
        return name
    stem = name[:-len(extension) - 1] if extension else name
    if extension and extension not in _KNOWN_EXTENSIONS:
        stem = name  # "Bài 3.final" keeps its last part: it was never an extension
    return safe_file_name(f"{stem}.{found.extension}")


def _not_accepted(name: str, extension: str, found: sniff.FileType) -> Problem:
    actual = words.type_name(found.mime)
    choices = m.choices([m.named(m.FILE_KINDS, k) for k in sorted(set(KINDS.values()))])
    hint = words.CONVERT_HINTS.get(found.mime)
    if hint is not None:
        return problem("type_not_accepted", "convert", name=name, actual=actual, hint=hint)
    if extension and extension in _KNOWN_EXTENSIONS and extension != found.extension:
        return problem("type_not_accepted", "named", name=name, extension=extension,
                       actual=actual, choices=choices)
    return problem("type_not_accepted", name=name, actual=actual, choices=choices)


def _pdf_pages(path: Path, name: str, problems: list[Problem]) -> int | None:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    try:
        with path.open("rb") as stream:
            stream.seek(max(0, path.stat().st_size - PDF_TAIL))
            if b"%%EOF" not in stream.read():
                # Readers expect the end marker near the end: without it the file was cut off.
                problems.append(problem("pdf_malformed", name=name))
                return None
            reader = PdfReader(stream)
            if reader.is_encrypted:
                try:
                    opened = reader.decrypt("")
                except DependencyError:
                    opened = 0  # AES without a crypto library: cannot be opened here either
                if not opened:
                    problems.append(problem("pdf_encrypted", name=name))
                    return None
            pages = len(reader.pages)
    # pypdf raises a zoo of exceptions on damaged files (and RecursionError on crafted ones):
    # every one of them means the same thing to the sender.
    except Exception:
        problems.append(problem("pdf_malformed", name=name))
        return None
    if pages == 0:
        problems.append(problem("pdf_no_pages", name=name))
    return pages


def check_archive(path: Path, *, max_bytes: int = MAX_ARCHIVE_BYTES,
                  max_part: int = MAX_ARCHIVE_PART,
                  max_ratio: float = MAX_ARCHIVE_RATIO) -> str | None:
    """None when the ZIP archive at `path` is safe to open; else the problem code
    ("archive_bomb" or "docx_malformed"). Declared sizes are checked first, then the archive is
    unpacked once in small chunks (nothing kept), since a forged archive can lie about them."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            total = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members)
            if total > max_bytes or any(member.file_size > max_part for member in members) or (
                    packed and total / packed > max_ratio):
                return "archive_bomb"
            unpacked = 0
            for member in members:
                part = 0
                with archive.open(member) as stream:
                    while chunk := stream.read(1 << 16):
                        part += len(chunk)
                        unpacked += len(chunk)
                        if part > max_part or unpacked > max_bytes:
                            return "archive_bomb"
    # zipfile signals an unknown compression method with NotImplementedError and a bad CRC
    # with BadZipFile: both are a damaged file to the sender.
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError,
            RuntimeError):
        return "docx_malformed"
    return None


def _docx(path: Path, name: str, problems: list[Problem]) -> None:
    refused = check_archive(path)
    if refused == "archive_bomb":
        problems.append(problem("archive_bomb", name=name, limit=m.size(MAX_ARCHIVE_BYTES),
                                ratio=MAX_ARCHIVE_RATIO))
        return
    if refused:
        problems.append(problem(refused, name=name))
        return
    import docx  # python-docx; its XML parser resolves no entities

    try:
        docx.Document(str(path))
    except Exception:  # python-docx raises many kinds on a broken package
        problems.append(problem("docx_malformed", name=name))


def _image_size(path: Path, name: str, found: sniff.FileType,
                problems: list[Problem]) -> tuple[int | None, int | None]:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 MP; our own limit (MAX_IMAGE_PIXELS) is checked below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path, formats=[_PILLOW_FORMATS[found.mime]]) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    problems.append(problem("image_too_large", name=name, width=width,
                                            height=height, limit=MAX_IMAGE_PIXELS // 10**6))
                    return width, height
                if image.format == "JPEG":
                    # Decode at 1/8 scale: every byte is still read (a cut file still fails)
                    # in a fraction of the memory.
                    image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
                image.load()
                orientation = image.getexif().get(0x0112)
    except Image.DecompressionBombError:
        problems.append(problem("image_too_large", "unknown", name=name,
                                limit=MAX_IMAGE_PIXELS // 10**6))
        return None, None
    except (OSError, SyntaxError, ValueError, TypeError, KeyError, IndexError, EOFError,
            struct.error, MemoryError):
        problems.append(problem("image_malformed", name=name))
        return None, None
    if orientation in (5, 6, 7, 8):  # turned a quarter: width and height swap on screen
        width, height = height, width
    return width, height


def _media(path: Path, name: str, found: sniff.FileType, kind: str, problems: list[Problem],
           timeout: float) -> tuple[str, float | None]:
    """The kind (a container with no picture is audio) and running time, read by ffprobe."""
    executable = shutil.which(FFPROBE)
    if executable is None:
        problems.append(problem("media_not_checked", name=name))
        return kind, None
    command = [executable, "-v", "error", "-protocol_whitelist", "file",
               "-show_entries", "format=duration:stream=codec_type:stream_disposition=attached_pic",
               "-of", "json", f"file:{path.resolve()}"]
    try:
        # The `file:` prefix keeps a path from ever being read as another protocol or an option.
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)  # noqa: S603
    except (subprocess.TimeoutExpired, OSError):
        problems.append(problem("media_not_checked", name=name))
        return kind, None
    try:
        report = json.loads(result.stdout or b"{}")
    except ValueError:
        report = {}
    if result.returncode != 0 or not isinstance(report, dict):
        problems.append(problem("media_malformed", name=name))
        return kind, None
    streams = [s for s in report.get("streams") or [] if isinstance(s, dict)]
    picture = any(s.get("codec_type") == "video"
                  and not (s.get("disposition") or {}).get("attached_pic") for s in streams)
    sound = any(s.get("codec_type") == "audio" for s in streams)
    if not picture and not sound:
        problems.append(problem("media_no_streams", name=name))
        return kind, None
    if found.mime in _AV_CONTAINERS:
        kind = "video" if picture else "audio"
    duration = _seconds((report.get("format") or {}).get("duration"))
    if duration is None:
        problems.append(problem("media_duration_unknown", name=name))
    return kind, duration


def _seconds(value: object) -> float | None:
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return seconds if math.isfinite(seconds) and seconds > 0 else None
