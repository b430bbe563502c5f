"""The tus endpoints through Django's test client: protocol, owners, roles, origins, limits."""

import base64
import hashlib
import io
import os
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from giaithuong.accounts.roles import Role
from giaithuong.common.models import AuditEvent
from giaithuong.uploads.models import Upload
from giaithuong.uploads.services import file_store
from tests.uploads.helpers import ClientTus

pytestmark = pytest.mark.django_db


@pytest.fixture
def tus(client, participant):
    client.force_login(participant)
    return ClientTus(client)


def _row(url: str) -> Upload:
    return Upload.objects.get(key=url.rstrip("/").rsplit("/", 1)[-1])


def test_options_describes_the_server_to_anyone(client):
    response = client.options("/uploads/")
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert response["Tus-Max-Size"] == str(4 * 1024**3)
    assert "creation" in response["Tus-Extension"]


def test_create_patch_in_pieces_head_and_complete(tus, participant):
    data = os.urandom(300_000)
    response = tus.create(len(data), {"filename": "Phóng sự Biển đảo.mp4",
                                      "filetype": "video/mp4"})
    assert response.status_code == 201
    url = response["Location"]
    assert url.startswith("http://testserver/uploads/")
    assert response["Upload-Expires"].endswith(" GMT")

    head = tus.head(url)
    assert head.status_code == 200
    assert (head["Upload-Offset"], head["Upload-Length"]) == ("0", "300000")
    assert head["Cache-Control"] == "no-store"

    offset = 0
    for size in (100_000, 150_000, 50_000):
        response = tus.patch(url, offset, data[offset:offset + size])
        assert response.status_code == 204
        offset += size
        assert response["Upload-Offset"] == str(offset)
        assert tus.head(url)["Upload-Offset"] == str(offset)

    head = tus.head(url)
    digest = hashlib.sha256(data).digest()
    assert head["Repr-Digest"] == f"sha-256=:{base64.b64encode(digest).decode()}:"
    upload = _row(url)
    assert upload.status == Upload.Status.COMPLETE and upload.sha256 == digest.hex()
    assert upload.owner == participant and upload.purpose == "entry"
    assert upload.filename == "Phóng sự Biển đảo.mp4" and upload.declared_type == "video/mp4"
    assert file_store().path(upload.storage_key).read_bytes() == data
    actions = list(AuditEvent.objects.filter(target_type="uploads.Upload", target_id=str(upload.pk))
                   .values_list("action", flat=True).order_by("pk"))
    assert actions == ["upload.created", "upload.completed"]


def test_a_file_in_one_patch_is_hashed_as_it_streams(tus):
    data = os.urandom(2 * 1024 * 1024 + 5)
    url = tus.upload(data, piece=len(data))
    assert _row(url).sha256 == hashlib.sha256(data).hexdigest()


def test_type_is_read_from_content_not_from_name_or_claim(tus):
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 90, 160)).save(out, format="PNG")
    url = tus.upload(out.getvalue(), piece=500,
                     metadata={"filename": "bai-du-thi.pdf", "filetype": "application/pdf"})
    upload = _row(url)
    assert (upload.content_type, upload.extension) == ("image/png", "png")
    assert upload.declared_type == "application/pdf"
    assert tus.head(url)["Upload-Content-Type"] == "image/png"


def test_wrong_offset_is_409_and_changes_nothing(tus):
    url = tus.create(10)["Location"]
    assert tus.patch(url, 0, b"abcd").status_code == 204
    for wrong in (0, 2, 6):
        response = tus.patch(url, wrong, b"zz")
        assert response.status_code == 409
        assert response["Upload-Offset"] == "4"
    assert tus.head(url)["Upload-Offset"] == "4"
    assert file_store().path(_row(url).storage_key).read_bytes() == b"abcd"


def test_lengths_over_the_purpose_limit_are_413(tus, settings):
    settings.GIAITHUONG_UPLOAD_PURPOSES = {"entry": 1000, "document": 100}
    assert tus.create(1001).status_code == 413
    assert tus.create(101, {"purpose": "document"}).status_code == 413
    assert tus.create(100, {"purpose": "document"}).status_code == 201
    assert tus.create(1000).status_code == 201
    assert tus.create(5, {"purpose": "poster"}).status_code == 400


def test_a_body_past_the_length_is_413_and_nothing_is_written(tus):
    url = tus.create(5)["Location"]
    assert tus.patch(url, 0, b"123456").status_code == 413
    assert tus.patch(url, 0, b"123").status_code == 204
    assert tus.patch(url, 3, b"456").status_code == 413
    assert tus.head(url)["Upload-Offset"] == "3"


def test_other_people_see_no_upload(client, tus, other_participant, people):
    url = tus.create(10)["Location"]
    assert tus.patch(url, 0, b"12345").status_code == 204
    for person in (other_participant, people[str(Role.ORGANISER)]):
        client.force_login(person)
        assert tus.head(url).status_code == 404
        assert tus.patch(url, 5, b"xxxxx").status_code == 404
        assert tus.delete(url).status_code == 404
    assert _row(url).offset == 5


def test_anonymous_callers_get_401_and_other_roles_403(client, people):
    anonymous = ClientTus(client)
    for response in (anonymous.create(10), anonymous.head(f"/uploads/{uuid.uuid4()}"),
                     client.get("/uploads/")):
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
    for role in (Role.JUROR, Role.UNIT_OFFICER, Role.COUNCIL_CHAIR):
        client.force_login(people[str(role)])
        assert anonymous.create(10).status_code == 403
    for role in (Role.ORGANISER, Role.INTAKE_OFFICER):
        client.force_login(people[str(role)])
        assert anonymous.create(10).status_code == 201


def test_sessions_write_only_from_this_site(client, participant, settings):
    client.force_login(participant)
    own = ClientTus(client)
    url = own.create(10)["Location"]
    for origin in (None, "https://evil.example", "http://testserver.evil.example"):
        other = ClientTus(client, origin=origin)
        assert other.create(10).status_code == 403
        assert other.patch(url, 0, b"1").status_code == 403
        assert other.delete(url).status_code == 403
        assert other.head(url).status_code == 200  # reading is safe
    settings.CSRF_TRUSTED_ORIGINS = ["https://giaithuong.ttdn.vn"]
    trusted = ClientTus(client, origin="https://giaithuong.ttdn.vn")
    assert trusted.patch(url, 0, b"1").status_code == 204


def test_api_tokens_need_no_origin_and_a_bad_token_never_falls_back(client, participant):
    from giaithuong.accounts.services import create_api_token

    _, raw = create_api_token(participant, "uploader")
    by_token = ClientTus(client, origin=None, token=raw)
    url = by_token.create(3)["Location"]
    assert by_token.patch(url, 0, b"abc").status_code == 204
    client.force_login(participant)
    assert ClientTus(client, token="gt_wrong").head(url).status_code == 401


def test_protocol_errors(tus):
    url = tus.create(10)["Location"]
    assert tus.create(10, headers={"Tus-Resumable": "0.2.2"}).status_code == 412
    assert tus.head(url, headers={"Tus-Resumable": "2.0.0"})["Tus-Version"] == "1.0.0"
    assert tus.patch(url, 0, b"1", content_type="application/octet-stream").status_code == 415
    assert tus.client.post("/uploads/", headers=tus.base).status_code == 400  # no Upload-Length
    assert tus.create(10, headers={"Upload-Defer-Length": "1"}).status_code == 400
    assert tus.create(10, headers={"Upload-Metadata": "filename !!"}).status_code == 400
    assert tus.client.get(url).status_code == 405
    assert tus.client.get("/uploads/").status_code == 405
    assert tus.client.put(url, headers=tus.base).status_code == 405
    response = tus.client.generic("PATCH", url, data=b"",
                                  headers={**tus.base, "Upload-Offset": "0"},
                                  content_type="application/offset+octet-stream",
                                  HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411


def test_checksums_are_verified_per_patch(tus):
    url = tus.create(6)["Location"]
    good = base64.b64encode(hashlib.sha1(b"abc").digest()).decode()  # noqa: S324 - tus asks sha1
    bad = base64.b64encode(hashlib.sha256(b"xyz").digest()).decode()
    assert tus.patch(url, 0, b"abc", {"Upload-Checksum": f"sha1 {good}"}).status_code == 204
    response = tus.patch(url, 3, b"def", {"Upload-Checksum": f"sha256 {bad}"})
    assert response.status_code == 460
    assert tus.head(url)["Upload-Offset"] == "3"
    assert file_store().path(_row(url).storage_key).read_bytes() == b"abc"
    assert tus.patch(url, 3, b"def", {"Upload-Checksum": "crc32 AAAA"}).status_code == 400
    assert tus.patch(url, 3, b"def").status_code == 204
    assert _row(url).sha256 == hashlib.sha256(b"abcdef").hexdigest()


def test_termination_removes_row_and_bytes(tus):
    url = tus.create(10)["Location"]
    tus.patch(url, 0, b"12345")
    path = file_store().path(_row(url).storage_key)
    assert tus.delete(url).status_code == 204
    assert not path.exists()
    assert tus.head(url).status_code == 404
    assert tus.delete(url).status_code == 404


def test_method_override_for_clients_without_patch(tus):
    url = tus.create(4)["Location"]
    response = tus.client.post(url, data=b"wxyz", content_type="application/offset+octet-stream",
                               headers={**tus.base, "X-HTTP-Method-Override": "PATCH",
                                        "Upload-Offset": "0"})
    assert response.status_code == 204 and response["Upload-Offset"] == "4"
    response = tus.client.post(url, headers={**tus.base, "X-HTTP-Method-Override": "DELETE"})
    assert response.status_code == 204


def test_an_empty_file_is_complete_at_once(tus):
    response = tus.create(0, {"filename": "trống.txt"})
    assert response.status_code == 201
    upload = _row(response["Location"])
    assert upload.is_complete and upload.sha256 == hashlib.sha256(b"").hexdigest()
    assert tus.patch(response["Location"], 0, b"").status_code == 204
    assert tus.patch(response["Location"], 0, b"x").status_code == 413


def test_too_many_unfinished_uploads_is_429(tus, settings):
    settings.GIAITHUONG_UPLOAD_MAX_ACTIVE = 2
    urls = [tus.create(5)["Location"] for _ in range(2)]
    assert tus.create(5).status_code == 429
    tus.patch(urls[0], 0, b"12345")  # finished uploads do not count
    assert tus.create(5).status_code == 201


def test_expired_uploads_are_gone(tus):
    url = tus.create(10)["Location"]
    Upload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tus.head(url).status_code == 410
    assert tus.patch(url, 0, b"1").status_code == 410
    assert tus.delete(url).status_code == 204  # cancelling still works


def test_activity_extends_expiry(tus, settings):
    url = tus.create(10)["Location"]
    first = _row(url).expires_at
    Upload.objects.update(expires_at=timezone.now() + timedelta(minutes=1))
    tus.patch(url, 0, b"1")
    assert _row(url).expires_at >= first
