"""A person's entries in their data download, and what erasure deletes and keeps."""

import pytest

from giaithuong.accounts import participants
from giaithuong.entries import services
from giaithuong.entries.models import Entry, EntryFile, FileRole
from tests.entries.conftest import NOW, PDF, complete_draft, finished_upload, new_participant

pytestmark = pytest.mark.django_db


def test_the_download_holds_the_persons_entries_and_authorships(edition, storage):
    owner = new_participant(edition)
    entry = complete_draft(owner, edition)
    services.attach_file(entry, owner, finished_upload(owner, PDF, "bài.pdf").key,
                         FileRole.EVIDENCE, now=NOW)
    services.submit_entry(entry, owner, "k", now=NOW)
    colleague = new_participant(edition, "Đồng nghiệp")
    theirs = complete_draft(colleague, edition, title="Của đồng nghiệp")
    services.set_authors(theirs, colleague, [
        {"full_name": colleague.full_name, "share_percent": 50, "consent_given": True},
        {"full_name": owner.full_name, "share_percent": 50, "consent_given": True}], now=NOW)
    theirs.authors.filter(position=2).update(user=owner)
    document = participants.export_personal_data(owner)
    [mine] = document["entries"]["entries"]
    assert mine["title"] == entry.title and mine["receipt_number"].startswith("XII-")
    assert mine["files"][0]["name"] == "bài.pdf"
    assert [h["action"] for h in mine["history"]] == ["created", "submitted"]
    assert document["entries"]["named_as_author"][0]["title"] == "Của đồng nghiệp"


def test_erasure_deletes_drafts_and_nothing_is_kept_without_submissions(
        edition, storage, django_capture_on_commit_callbacks):
    owner = new_participant(edition)
    draft = complete_draft(owner, edition)
    item = services.attach_file(draft, owner, finished_upload(owner, PDF).key, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        result = participants.request_erasure(owner)
    assert result.complete and not Entry.objects.exists()
    assert not EntryFile.objects.exists()
    assert not (storage / "media" / item.file.name).exists()


def test_erasure_keeps_submitted_entries_as_the_award_record(edition):
    owner = new_participant(edition)
    services.submit_entry(complete_draft(owner, edition), owner, "k", now=NOW)
    complete_draft(owner, edition, title="Bản nháp bỏ dở")
    result = participants.request_erasure(owner)
    assert not result.complete
    assert any("1 submitted entry with its authors" in item for item in result.kept)
    assert list(Entry.objects.values_list("status", flat=True)) == ["submitted"]
