"""The tus protocol core: header parsing and validation, no Django."""

import base64
import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from giaithuong.uploads import tus
from giaithuong.uploads.tus import TusError


def test_protocol_headers_name_version_extensions_and_algorithms():
    headers = tus.protocol_headers()
    assert headers["Tus-Resumable"] == headers["Tus-Version"] == "1.0.0"
    assert set(headers["Tus-Extension"].split(",")) == {
        "creation", "termination", "expiration", "checksum"}
    assert "sha1" in headers["Tus-Checksum-Algorithm"].split(",")


@pytest.mark.parametrize("value", [None, "", "0.2.2", "1.0", "1.0.0 "])
def test_other_versions_are_refused_with_412(value):
    with pytest.raises(TusError) as caught:
        tus.check_version(value)
    assert caught.value.status == 412
    assert caught.value.headers == {"Tus-Version": "1.0.0"}


def test_version_1_0_0_passes():
    tus.check_version("1.0.0")


@pytest.mark.parametrize(("value", "expected"), [("0", 0), ("42", 42), (" 7 ", 7),
                                                 ("4294967296", 4 * 1024**3)])
def test_sizes(value, expected):
    assert tus.parse_size(value, "Upload-Length") == expected


@pytest.mark.parametrize("value", [None, "", "-1", "1.5", "1e9", "abc", "0x10", "9" * 20])
def test_bad_sizes_are_400_and_name_the_header(value):
    with pytest.raises(TusError) as caught:
        tus.parse_size(value, "Upload-Offset")
    assert caught.value.status == 400
    assert "Upload-Offset" in caught.value.message


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_metadata_decodes_vietnamese_names_and_bare_keys():
    header = (f"filename {_b64('Phóng sự Biển đảo.mp4')},filetype {_b64('video/mp4')},"
              "is_confidential")
    assert tus.parse_metadata(header) == {
        "filename": "Phóng sự Biển đảo.mp4", "filetype": "video/mp4", "is_confidential": ""}


@pytest.mark.parametrize("header", [None, "", "   "])
def test_no_metadata_is_empty(header):
    assert tus.parse_metadata(header) == {}


@pytest.mark.parametrize("header", [
    "filename a b c",  # three parts
    "file name " + _b64("x"),  # a space in the key
    "filename !!!notbase64",
    "filename " + base64.b64encode(b"\xff\xfe").decode(),  # not UTF-8
    f"a {_b64('1')},a {_b64('2')}",  # the same key twice
    ",".join(f"k{i}" for i in range(tus.MAX_METADATA_PAIRS + 1)),
    "k " + _b64("x" * (tus.MAX_METADATA_VALUE + 1)),
    "ké " + _b64("x"),  # keys are ASCII tokens
])
def test_malformed_metadata_is_400(header):
    with pytest.raises(TusError) as caught:
        tus.parse_metadata(header)
    assert caught.value.status == 400


@given(st.dictionaries(st.from_regex(r"[a-z][a-z0-9_.-]{0,20}", fullmatch=True),
                       st.text(max_size=60), max_size=8))
def test_metadata_round_trips(values):
    assert tus.parse_metadata(tus.encode_metadata(values)) == values


def test_checksum_header():
    digest = hashlib.sha256(b"abc").digest()
    checksum = tus.parse_checksum("sha256 " + base64.b64encode(digest).decode())
    assert checksum.algorithm == "sha256" and checksum.digest == digest
    hasher = checksum.hasher()
    hasher.update(b"abc")
    assert hasher.digest() == digest
    assert tus.parse_checksum(None) is None


@pytest.mark.parametrize("header", [
    "sha256", "crc32 AAAA", "sha256 not-base64!", "sha1 " + base64.b64encode(b"short").decode(),
])
def test_bad_checksum_headers_are_400(header):
    with pytest.raises(TusError) as caught:
        tus.parse_checksum(header)
    assert caught.value.status == 400


OK = {"content_type": "application/offset+octet-stream", "claimed_offset": 10,
      "content_length": 5, "offset": 10, "length": 20}


def test_a_patch_at_the_offset_within_the_length_passes():
    tus.check_patch(**OK)
    tus.check_patch(**{**OK, "content_length": 10})  # exactly to the end


@pytest.mark.parametrize(("change", "status"), [
    ({"content_type": "application/octet-stream"}, 415),
    ({"content_type": None}, 415),
    ({"claimed_offset": 0}, 409),
    ({"claimed_offset": 15}, 409),
    ({"content_length": 11}, 413),
])
def test_patch_refusals(change, status):
    with pytest.raises(TusError) as caught:
        tus.check_patch(**{**OK, **change})
    assert caught.value.status == status
    if status == 409:
        assert caught.value.headers["Upload-Offset"] == "10"


def test_content_type_parameters_are_ignored():
    tus.check_patch(**{**OK, "content_type": "Application/Offset+Octet-Stream; charset=x"})


def test_length_limit_is_413_with_the_limit():
    tus.check_length(100, 100)
    with pytest.raises(TusError) as caught:
        tus.check_length(101, 100)
    assert caught.value.status == 413 and caught.value.headers["Tus-Max-Size"] == "100"


def test_dates_are_rfc_9110_in_gmt():
    moment = datetime(2026, 6, 2, 15, 30, tzinfo=timezone(timedelta(hours=7)))
    assert tus.http_date(moment) == "Tue, 02 Jun 2026 08:30:00 GMT"
    assert tus.http_date(moment.astimezone(UTC)) == "Tue, 02 Jun 2026 08:30:00 GMT"


def test_repr_digest_is_rfc_9530():
    digest = hashlib.sha256(b"").hexdigest()
    assert tus.repr_digest(digest) == (
        "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:")
