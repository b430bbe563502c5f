"""Upload services: bodies cut off, concurrent PATCHes, crashed workers, expiry and release."""

import hashlib
import io
import os
import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from giaithuong.common.models import AuditEvent
from giaithuong.uploads import services
from giaithuong.uploads.models import Upload
from giaithuong.uploads.services import file_store
from giaithuong.uploads.tus import OFFSET_CONTENT_TYPE, TusError

pytestmark = pytest.mark.django_db


def _patch(user, upload, data, *, offset=None, read=None, length=None):
    return services.receive(
        user, upload.key, claimed_offset=upload.offset if offset is None else offset,
        content_length=len(data) if length is None else length,
        content_type=OFFSET_CONTENT_TYPE, read=read or io.BytesIO(data).read)


def _cut_after(data: bytes, arrived: int):
    """A request stream that delivers `arrived` bytes, then the connection resets."""
    stream = io.BytesIO(data[:arrived])

    def read(n):
        piece = stream.read(n)
        if not piece:
            raise ConnectionResetError("client went away")
        return piece

    return read


def test_a_patch_cut_off_keeps_the_bytes_that_arrived_and_resumes(participant):
    data = os.urandom(3 * 1024 * 1024)
    upload = services.create_upload(participant, length=len(data), metadata={})
    cut = 1_234_567
    result = _patch(participant, upload, data, read=_cut_after(data, cut))
    assert result.offset == cut
    assert services.current_state(participant, upload.key).offset == cut
    result = _patch(participant, result, data[cut:])
    assert result.is_complete and result.sha256 == hashlib.sha256(data).hexdigest()


def test_the_hash_is_right_when_another_process_took_over(participant):
    """Another worker (or a restarted one) holds no running hash: the file is hashed at the end."""
    data = os.urandom(500_000)
    upload = services.create_upload(participant, length=len(data), metadata={})
    upload = _patch(participant, upload, data[:200_000])
    assert upload.storage_key in services._running
    services._forget_hasher(upload.storage_key)  # what the next request sees in another process
    upload = _patch(participant, upload, data[200_000:])
    assert upload.sha256 == hashlib.sha256(data).hexdigest()
    assert upload.storage_key not in services._running


def test_a_killed_worker_leaves_bytes_that_head_counts(participant):
    """A worker killed mid-PATCH wrote bytes but never moved the row's offset."""
    data = os.urandom(100_000)
    upload = services.create_upload(participant, length=len(data), metadata={})
    upload = _patch(participant, upload, data[:30_000])
    with open(file_store().path(upload.storage_key), "ab") as f:
        f.write(data[30_000:70_000])  # what the killed worker had written
    assert Upload.objects.get(pk=upload.pk).offset == 30_000
    assert services.current_state(participant, upload.key).offset == 70_000
    assert Upload.objects.get(pk=upload.pk).offset == 70_000
    with pytest.raises(TusError) as caught:
        _patch(participant, upload, data[30_000:], offset=30_000)
    assert caught.value.status == 409 and caught.value.headers["Upload-Offset"] == "70000"
    upload = _patch(participant, upload, data[70_000:], offset=70_000)
    assert upload.sha256 == hashlib.sha256(data).hexdigest()


def test_a_worker_killed_after_the_last_byte_is_finished_by_the_next_head(participant):
    data = b"%PDF-1.7\n" + os.urandom(5000)
    upload = services.create_upload(participant, length=len(data), metadata={})
    file_store().path(upload.storage_key).write_bytes(data)
    state = services.current_state(participant, upload.key)
    assert state.is_complete and state.sha256 == hashlib.sha256(data).hexdigest()
    assert state.content_type == "application/pdf"


@pytest.mark.django_db(transaction=True)
def test_concurrent_patches_at_the_same_offset_cannot_corrupt(participant):
    data = os.urandom(200_000)
    upload = services.create_upload(participant, length=len(data), metadata={})
    started, go_on = threading.Event(), threading.Event()
    first_piece = io.BytesIO(data[:100_000])

    def slow_read(n):
        started.set()
        go_on.wait(10)
        return first_piece.read(n)

    outcome = {}

    def first():
        try:
            outcome["first"] = _patch(participant, upload, data[:100_000], read=slow_read).offset
        finally:
            from django.db import connection
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert started.wait(10)
    # The same offset while the first PATCH is writing: refused, nothing written.
    with pytest.raises(TusError) as caught:
        _patch(participant, upload, b"X" * 100_000, offset=0)
    assert caught.value.status == 423
    assert services.current_state(participant, upload.key).offset == 0  # last durable offset
    go_on.set()
    thread.join(10)
    assert outcome["first"] == 100_000
    # Once the first is done, the second's offset is stale: 409, still nothing written.
    with pytest.raises(TusError) as caught:
        _patch(participant, upload, b"X" * 100_000, offset=0)
    assert caught.value.status == 409
    done = _patch(participant, upload, data[100_000:], offset=100_000)
    assert done.sha256 == hashlib.sha256(data).hexdigest()


def test_clean_filename():
    assert services.clean_filename("C:\\Users\\an\\Bài dự thi.docx") == "Bài dự thi.docx"
    assert services.clean_filename("../../etc/passwd") == "passwd"
    assert services.clean_filename("a\x00b\nc.txt") == "abc.txt"
    assert services.clean_filename("..") == ""
    assert services.clean_filename("Hoa\u0300ng.pdf") == "Hoàng.pdf"  # NFC
    assert len(services.clean_filename("x" * 400)) == 255


def _age(upload, **delta):
    Upload.objects.filter(pk=upload.pk).update(expires_at=timezone.now() - timedelta(**delta))


def test_purge_removes_expired_uploads_and_orphans_only(participant, upload_dir):
    store = file_store()
    stale = services.create_upload(participant, length=10, metadata={})
    _patch(participant, stale, b"12345")
    fresh = services.create_upload(participant, length=10, metadata={})
    finished = services.create_upload(participant, length=3, metadata={})
    _patch(participant, finished, b"abc")
    old_finished = services.create_upload(participant, length=3, metadata={})
    _patch(participant, old_finished, b"xyz")
    _age(stale, minutes=1)
    _age(old_finished, days=1)
    orphan, young_orphan = uuid.uuid4().hex, uuid.uuid4().hex
    for key in (orphan, young_orphan):
        store.create(key)
        store.path(key).write_bytes(b"left behind")
    hour_ago = time.time() - 2 * 3600
    os.utime(store.path(orphan), (hour_ago, hour_ago))
    foreign = upload_dir / "ab" / "README"
    foreign.parent.mkdir(exist_ok=True)
    foreign.write_text("not ours")
    os.utime(foreign, (hour_ago, hour_ago))

    report = services.purge_expired(dry_run=True)
    assert (report.uploads, report.orphans) == (2, 1)
    assert Upload.objects.count() == 4 and store.path(orphan).exists()

    report = services.purge_expired()
    assert (report.uploads, report.upload_bytes, report.orphans, report.busy) == (2, 8, 1, 0)
    assert set(Upload.objects.values_list("pk", flat=True)) == {fresh.pk, finished.pk}
    for gone in (stale, old_finished):
        assert not store.path(gone.storage_key).exists()
    assert not store.path(orphan).exists()
    assert store.path(young_orphan).exists() and foreign.exists()
    assert AuditEvent.objects.filter(action="upload.expired").count() == 2


def test_purge_leaves_an_upload_being_written(participant):
    upload = services.create_upload(participant, length=10, metadata={})
    _age(upload, minutes=1)
    with file_store().locked(upload.storage_key):
        report = services.purge_expired()
    assert (report.uploads, report.busy) == (0, 1)
    assert services.purge_expired().uploads == 1


def test_purge_command(participant):
    upload = services.create_upload(participant, length=10, metadata={})
    _age(upload, minutes=1)
    out = io.StringIO()
    call_command("purge_uploads", "--dry-run", stdout=out)
    assert out.getvalue().startswith("would delete 1 expired upload(s)")
    call_command("purge_uploads", stdout=out)
    assert "deleted 1 expired upload(s)" in out.getvalue()
    assert not Upload.objects.exists()


def test_release_after_the_file_was_taken(participant, other_participant):
    upload = services.create_upload(participant, length=3, metadata={"filename": "a.txt"})
    _patch(participant, upload, b"abc")
    from giaithuong.uploads import selectors

    assert selectors.completed_upload(other_participant, upload.key) is None
    taken = selectors.completed_upload(participant, upload.key)
    assert taken is not None
    with file_store().locked(taken.storage_key) as file, file.reader() as stream:
        assert stream.read() == b"abc"
    services.release(taken, actor=participant)
    assert not Upload.objects.exists()
    assert not file_store().path(taken.storage_key).exists()
    assert AuditEvent.objects.filter(action="upload.released").exists()


def test_a_missing_file_is_gone(participant):
    upload = services.create_upload(participant, length=10, metadata={})
    file_store().path(upload.storage_key).unlink()
    for call in (lambda: services.current_state(participant, upload.key),
                 lambda: _patch(participant, upload, b"1")):
        with pytest.raises(TusError) as caught:
            call()
        assert caught.value.status == 410
    services.terminate(participant, upload.key)
    assert not Upload.objects.exists()


def test_no_room_on_disk_is_507(participant, settings, monkeypatch):
    monkeypatch.setattr(services, "DISK_RESERVE", 10**18)  # the disk is "full" for any length
    with pytest.raises(TusError) as caught:
        services.create_upload(participant, length=1, metadata={})
    assert caught.value.status == 507
    assert not Upload.objects.exists()
