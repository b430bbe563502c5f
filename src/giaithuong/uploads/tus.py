"""The tus 1.0 resumable-upload protocol: header parsing and validation (pure, no Django).

Supported: core, creation, termination, expiration and checksum (https://tus.io/protocols/
resumable-upload). Every check raises `TusError` carrying the HTTP status the protocol asks for,
so the web layer only turns it into a response.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

VERSION = "1.0.0"
EXTENSIONS = ("creation", "termination", "expiration", "checksum")
CHECKSUM_ALGORITHMS = ("sha1", "sha256", "md5")
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
STATUS_CHECKSUM_MISMATCH = 460  # tus checksum extension

# Upload-Metadata: at most this many pairs and bytes, so a header cannot fill the database.
MAX_METADATA_PAIRS = 32
MAX_METADATA_VALUE = 1024
_METADATA_KEY = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # an RFC 9110 token
_DIGITS = re.compile(r"[0-9]{1,19}")  # non-negative, below 2**63


@dataclass
class TusError(Exception):
    """A request the protocol refuses: the status to answer and a message for people."""

    status: int
    message: str
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.message}"


def protocol_headers() -> dict[str, str]:
    """The headers an OPTIONS answer carries besides Tus-Max-Size."""
    return {
        "Tus-Resumable": VERSION,
        "Tus-Version": VERSION,
        "Tus-Extension": ",".join(EXTENSIONS),
        "Tus-Checksum-Algorithm": ",".join(CHECKSUM_ALGORITHMS),
    }


def check_version(value: str | None) -> None:
    """Every request but OPTIONS names the protocol version it speaks (412 otherwise)."""
    if value != VERSION:
        raise TusError(412, f"Tus-Resumable must be {VERSION}.", {"Tus-Version": VERSION})


def parse_size(value: str | None, header: str) -> int:
    """A non-negative integer header (Upload-Length, Upload-Offset, Content-Length)."""
    if value is None or value == "":
        raise TusError(400, f"{header} is required.")
    value = value.strip()
    if not _DIGITS.fullmatch(value):
        raise TusError(400, f"{header} must be a non-negative whole number.")
    return int(value)


def parse_metadata(value: str | None) -> dict[str, str]:
    """Upload-Metadata: `key base64value` pairs separated by commas; a value may be absent.

    Values are decoded as UTF-8 (file names are Vietnamese); keys must be unique tokens.
    """
    if value is None or not value.strip():
        return {}
    pairs = value.split(",")
    if len(pairs) > MAX_METADATA_PAIRS:
        raise TusError(400, f"Upload-Metadata holds more than {MAX_METADATA_PAIRS} pairs.")
    result: dict[str, str] = {}
    for pair in pairs:
        parts = pair.strip().split(" ")
        if len(parts) > 2 or not _METADATA_KEY.fullmatch(parts[0]):
            raise TusError(400, "Upload-Metadata is malformed.")
        key = parts[0]
        if key in result:
            raise TusError(400, f"Upload-Metadata names {key!r} twice.")
        encoded = parts[1] if len(parts) == 2 else ""
        try:
            raw = base64.b64decode(encoded, validate=True)
            text = raw.decode("utf-8")
        except (binascii.Error, ValueError):
            raise TusError(400, f"Upload-Metadata value of {key!r} is not base64 UTF-8.") from None
        if len(text) > MAX_METADATA_VALUE:
            raise TusError(400, f"Upload-Metadata value of {key!r} is too long.")
        result[key] = text
    return result


def encode_metadata(values: dict[str, str]) -> str:
    """The Upload-Metadata header for `values` (the inverse of parse_metadata)."""
    return ",".join(
        f"{key} {base64.b64encode(value.encode('utf-8')).decode('ascii')}" if value else key
        for key, value in values.items()
    )


@dataclass(frozen=True)
class Checksum:
    """An Upload-Checksum header: the algorithm and the digest the PATCH body must have."""

    algorithm: str
    digest: bytes

    def hasher(self):
        return hashlib.new(self.algorithm, usedforsecurity=False)


def parse_checksum(value: str | None) -> Checksum | None:
    if value is None or not value.strip():
        return None
    parts = value.strip().split(" ")
    if len(parts) != 2:
        raise TusError(400, "Upload-Checksum must be '<algorithm> <base64 digest>'.")
    algorithm, encoded = parts[0].lower(), parts[1]
    if algorithm not in CHECKSUM_ALGORITHMS:
        raise TusError(400, f"Checksum algorithm {algorithm!r} is not supported.")
    try:
        digest = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise TusError(400, "Upload-Checksum digest is not base64.") from None
    if len(digest) != hashlib.new(algorithm, usedforsecurity=False).digest_size:
        raise TusError(400, "Upload-Checksum digest has the wrong length.")
    return Checksum(algorithm, digest)


def check_patch(*, content_type: str | None, claimed_offset: int, content_length: int,
                offset: int, length: int) -> None:
    """A PATCH may go on only at the upload's offset and never past its length."""
    if (content_type or "").split(";")[0].strip().lower() != OFFSET_CONTENT_TYPE:
        raise TusError(415, f"Content-Type must be {OFFSET_CONTENT_TYPE}.")
    if claimed_offset != offset:
        raise TusError(409, f"Upload-Offset {claimed_offset} does not match the upload's "
                            f"offset {offset}.", {"Upload-Offset": str(offset)})
    if offset + content_length > length:
        raise TusError(413, f"The body would end at byte {offset + content_length}, past "
                            f"Upload-Length {length}.")


def check_length(length: int, limit: int) -> None:
    if length > limit:
        raise TusError(413, f"Upload-Length {length} exceeds the limit of {limit} bytes.",
                       {"Tus-Max-Size": str(limit)})


def http_date(moment: datetime) -> str:
    """RFC 9110 date for Upload-Expires (the moment must be timezone-aware)."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def repr_digest(sha256_hex: str) -> str:
    """An RFC 9530 Repr-Digest field value for a finished upload's SHA-256."""
    return "sha-256=:" + base64.b64encode(bytes.fromhex(sha256_hex)).decode("ascii") + ":"
