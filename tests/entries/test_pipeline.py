"""The file pipeline with real small files: once a file is attached (after commit) it is
inspected and copied without its authors' metadata; large files go to the background worker,
and `inspect_pending` sweeps up what it never reached;
bombs and damaged files are findings, never opened for a copy; the work is done once."""

import datetime as dt
import io
import json

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from giaithuong.common.models import AuditEvent
from giaithuong.entries import pipeline, services
from giaithuong.entries.models import EntryFile, FileRole
from tests.entries import files
from tests.entries.conftest import NOW, category, complete_draft, finished_upload, new_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(edition):
    return new_participant(edition)


@pytest.fixture
def draft(owner, edition, storage):
    return complete_draft(owner, edition)


def attach(entry, owner, data: bytes, name: str, role=FileRole.MAIN, *, capture) -> EntryFile:
    """Attach a file as a request would; the pipeline runs when the transaction commits."""
    upload = finished_upload(owner, data, name)
    with capture(execute=True):
        item = services.attach_file(entry, owner, upload.key, role, now=NOW)
    item.refresh_from_db()
    return item


def stored(field) -> bytes:
    with default_storage.open(field.name, "rb") as handle:
        return handle.read()


def test_a_pdf_is_inspected_and_copied_without_its_author(draft, owner,
                                                          django_capture_on_commit_callbacks):
    data = files.pdf_bytes(pages=3)
    item = attach(draft, owner, data, "Nguyễn Văn An.pdf",
                  capture=django_capture_on_commit_callbacks)
    assert item.inspected_at is not None and item.page_count == 3
    assert item.inspection["problems"] == [] and item.inspection["stored_intact"]
    assert item.inspection["kind"] == "pdf"
    blind = stored(item.blind_file)
    assert files.AUTHOR.encode() not in blind and b"Nguyen Van An" not in blind
    assert item.inspection["blind"]["size_bytes"] == len(blind)
    assert stored(item.file) == data  # the original is never touched
    assert "Nguyễn" not in item.blind_file.name
    assert AuditEvent.objects.filter(action="entry.file_inspected",
                                     target_id=str(draft.pk)).count() == 1


@pytest.mark.parametrize(("fmt", "name"), [("JPEG", "anh.jpg"), ("PNG", "anh.png")])
def test_an_image_copy_loses_its_exif(draft, owner, django_capture_on_commit_callbacks, fmt,
                                      name):
    data = files.image(fmt)
    item = attach(draft, owner, data, name, FileRole.COVER,
                  capture=django_capture_on_commit_callbacks)
    assert (item.inspection["width"], item.inspection["height"]) == (60, 40)
    assert files.AUTHOR_ASCII.encode() in data
    assert files.AUTHOR_ASCII.encode() not in stored(item.blind_file)


def test_audio_gets_its_running_time_and_a_copy_without_tags(
        edition, owner, storage, django_capture_on_commit_callbacks, tmp_path):
    files.media_tools()
    radio = services.create_draft(owner, category(edition, "phat-thanh"), now=NOW)
    data = files.sine(tmp_path / "a.mp3", 3, artist=files.AUTHOR).read_bytes()
    item = attach(radio, owner, data, "phong-su.mp3", capture=django_capture_on_commit_callbacks)
    assert item.duration_seconds in (2, 3) and item.inspection["kind"] == "audio"
    assert files.AUTHOR.encode() not in stored(item.blind_file)


def test_a_video_longer_than_the_category_allows_is_a_finding(
        edition, owner, storage, django_capture_on_commit_callbacks, tmp_path):
    from tests.entries.conftest import reload_edition

    files.media_tools()
    edition = reload_edition(edition, ("max_duration_minutes = 120", "max_duration_minutes = 1"))
    tv = services.create_draft(owner, category(edition, "truyen-hinh"), now=NOW)
    data = files.clip(tmp_path / "v.mp4", 62).read_bytes()
    item = attach(tv, owner, data, "v.mp4", capture=django_capture_on_commit_callbacks)
    assert item.duration_seconds in (61, 62)
    codes = [p["code"] for p in item.inspection["problems"]]
    assert codes == ["too_long"]
    assert item.blind_file  # a finding for intake; the copy is still made


@pytest.mark.parametrize(("data", "name", "role", "code"), [
    (files.png_header(60_000, 60_000), "bia.png", FileRole.COVER, "image_too_large"),
    (files.docx_bomb(), "bai.docx", FileRole.MAIN, "archive_bomb"),
    (files.pdf_bytes()[:400], "cut.pdf", FileRole.MAIN, "pdf_malformed"),
])
def test_bombs_and_damaged_files_are_findings_and_are_not_copied(
        draft, owner, django_capture_on_commit_callbacks, data, name, role, code):
    item = attach(draft, owner, data, name, role, capture=django_capture_on_commit_callbacks)
    assert item.inspected_at is not None
    problems = item.inspection["problems"]
    assert [(p["code"], p["severity"]) for p in problems][:1] == [(code, "blocking")]
    assert problems[0]["message_vi"] and problems[0]["message_en"]
    assert not item.blind_file and item.inspection["blind"] is None


def test_a_tampered_stored_file_is_reported(draft, owner, settings, task_queue,
                                            django_capture_on_commit_callbacks):
    settings.GIAITHUONG_INSPECT_INLINE_BYTES = 0
    item = attach(draft, owner, files.pdf_bytes(), "a.pdf",
                  capture=django_capture_on_commit_callbacks)
    with open(item.file.path, "ab") as handle:
        handle.write(b"% appended later\n")
    item = pipeline.inspect_entry_file(item.pk)
    assert item.inspection["stored_intact"] is False


# --- large files, the command, claims ------------------------------------------------------------

def test_large_files_go_to_the_worker_which_is_idempotent(
        draft, owner, settings, task_queue, django_capture_on_commit_callbacks):
    settings.GIAITHUONG_INSPECT_INLINE_BYTES = 1000
    item = attach(draft, owner, files.pdf_bytes(pages=2), "lon.pdf",
                  capture=django_capture_on_commit_callbacks)
    assert item.size > 1000 and item.inspected_at is None
    assert task_queue.names() == ["inspect_entry_file"]
    assert list(pipeline.pending_files()) == [item]
    task_queue.run()
    item.refresh_from_db()
    assert item.page_count == 2 and item.blind_file
    assert task_queue.pending() == 0 and not pipeline.pending_files().exists()
    first_copy = item.blind_file.name
    out = io.StringIO()
    call_command("inspect_pending", stdout=out)
    assert "inspected 0 file(s)" in out.getvalue()
    item.refresh_from_db()
    assert item.blind_file.name == first_copy
    assert AuditEvent.objects.filter(action="entry.file_inspected").count() == 1
    # --file inspects it again; the old copy is replaced, not left behind
    call_command("inspect_pending", "--file", str(item.pk), stdout=io.StringIO())
    item.refresh_from_db()
    assert item.blind_file.name != first_copy


def test_inspect_pending_sweeps_up_what_the_worker_never_reached(
        draft, owner, settings, task_queue, django_capture_on_commit_callbacks):
    settings.GIAITHUONG_INSPECT_INLINE_BYTES = 1000
    item = attach(draft, owner, files.pdf_bytes(pages=2), "lon.pdf",
                  capture=django_capture_on_commit_callbacks)
    out = io.StringIO()
    call_command("inspect_pending", stdout=out)
    assert "inspected 1 file(s)" in out.getvalue()
    item.refresh_from_db()
    first_copy = item.blind_file.name
    task_queue.run()  # the worker comes late: the file is done, nothing is copied twice
    item.refresh_from_db()
    assert item.blind_file.name == first_copy
    assert AuditEvent.objects.filter(action="entry.file_inspected").count() == 1


def test_a_file_claimed_by_a_live_process_is_left_and_a_stale_claim_is_taken(
        draft, owner, settings, task_queue, django_capture_on_commit_callbacks):
    settings.GIAITHUONG_INSPECT_INLINE_BYTES = 0
    item = attach(draft, owner, files.pdf_bytes(), "a.pdf",
                  capture=django_capture_on_commit_callbacks)
    EntryFile.objects.filter(pk=item.pk).update(inspection_claimed_at=timezone.now())
    assert pipeline.inspect_entry_file(item.pk) is None
    assert not pipeline.pending_files().exists()
    EntryFile.objects.filter(pk=item.pk).update(
        inspection_claimed_at=timezone.now() - pipeline.CLAIM_TTL - dt.timedelta(minutes=1))
    assert pipeline.pending_files().get() == item
    assert pipeline.inspect_entry_file(item.pk).inspected_at is not None


def test_a_removed_file_is_not_inspected(draft, owner, settings, task_queue,
                                         django_capture_on_commit_callbacks):
    settings.GIAITHUONG_INSPECT_INLINE_BYTES = 0
    item = attach(draft, owner, files.pdf_bytes(), "a.pdf",
                  capture=django_capture_on_commit_callbacks)
    services.remove_file(item, owner, now=NOW)
    assert pipeline.inspect_entry_file(item.pk) is None


def test_findings_are_plain_json_in_both_languages(draft, owner,
                                                   django_capture_on_commit_callbacks):
    item = attach(draft, owner, files.image("PNG"), "anh.pdf", FileRole.COVER,
                  capture=django_capture_on_commit_callbacks)
    (problem,) = item.inspection["problems"]
    assert problem["code"] == "extension_mismatch" and problem["severity"] == "warning"
    assert json.loads(json.dumps(item.inspection)) == item.inspection
