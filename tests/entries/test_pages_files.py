"""Files on the participant's pages: sent with the form (no JavaScript) or through the
resumable uploader, checked by content and size, shown with what inspection found, taken off,
downloaded by their owner only."""

# ruff: noqa: F811  (the page fixtures imported from tests.entries.pages are parameters here)

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from giaithuong.entries import services
from giaithuong.entries.models import EntryFile
from tests.entries.conftest import NOW, PDF, category, finished_upload, new_participant
from tests.entries.pages import clock, element, owner, signed_in, text  # noqa: F401

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def draft(edition, owner, storage):
    return services.create_draft(owner, category(edition), now=NOW)


def send(client, entry, data: bytes, name: str, role="main", **headers):
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(f"/en/entries/{entry.pk}/files/add/", {"role": role, "file": upload},
                       headers=headers)


def test_a_file_sent_with_the_form_is_added_to_the_entry(signed_in, draft):
    response = send(signed_in, draft, PDF, "bài báo.pdf")
    assert response.status_code == 302
    assert response["Location"] == f"/en/entries/{draft.pk}/edit/?step=files"
    item = EntryFile.objects.get(entry=draft)
    assert (item.original_name, item.content_type, item.size) == (
        "bài báo.pdf", "application/pdf", len(PDF))
    page = signed_in.get(response["Location"])
    assert "“bài báo.pdf” was added to the entry." in text(page)
    assert "bài báo.pdf" in element(page, "entry-files-list")


def test_a_finished_resumable_upload_is_added_and_the_list_comes_back(signed_in, draft, owner):
    upload = finished_upload(owner)
    response = signed_in.post(f"/en/entries/{draft.pk}/files/add/",
                              {"role": "main", "upload_key": str(upload.key)}, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "entrySaved"
    assert "bai-bao.pdf" in element(response, "entry-files-list")
    # Sent again (a retry after the page was left): the same file, not a second one.
    again = signed_in.post(f"/en/entries/{draft.pk}/files/add/",
                           {"role": "main", "upload_key": str(upload.key)}, headers=HTMX)
    assert again.status_code == 200
    assert EntryFile.objects.filter(entry=draft).count() == 1


def test_someone_elses_upload_cannot_be_added(signed_in, draft, edition):
    stranger = finished_upload(new_participant(edition, "Người lạ"))
    response = signed_in.post(f"/en/entries/{draft.pk}/files/add/",
                              {"role": "main", "upload_key": str(stranger.key)}, headers=HTMX)
    assert "There is no finished upload of yours" in element(response, "err-upload")
    assert "HX-Trigger" not in response
    assert not EntryFile.objects.exists()


def test_a_wrong_type_behind_a_right_extension_is_refused_at_the_field(signed_in, draft):
    response = send(signed_in, draft, b"MZ\x90\x00 this is a program, not a paper" * 20,
                    "bai-bao.pdf")
    assert response.status_code == 400
    assert "This file is not a type accepted here" in element(response, "err-upload")
    assert not EntryFile.objects.exists()


def test_an_empty_file_is_refused_at_the_field(signed_in, draft):
    response = send(signed_in, draft, b"", "trong.pdf")
    assert response.status_code == 400
    assert "The file is empty (0 bytes)" in element(response, "err-upload")


def test_a_file_larger_than_the_category_takes_is_refused(signed_in, draft, edition):
    from tests.entries.conftest import reload_edition

    reload_edition(edition, ('max_file_mb = 200\nsummary.vi = "Bài báo in',
                             'max_file_mb = 1\nsummary.vi = "Bài báo in'))
    response = send(signed_in, draft, PDF + b"%" * (1024 * 1024), "lon.pdf")
    assert "this category takes files up to 1 MB" in element(response, "err-upload")


def test_a_file_name_with_a_path_and_control_characters_is_kept_safe(signed_in, draft):
    send(signed_in, draft, PDF, "../../etc/pass\x07wd.pdf")
    item = EntryFile.objects.get(entry=draft)
    assert "/" not in item.original_name and "\x07" not in item.original_name
    assert ".." not in item.file.name and item.file.name.startswith(f"entries/{draft.pk}/")


def test_a_missing_file_is_asked_for(signed_in, draft):
    response = signed_in.post(f"/en/entries/{draft.pk}/files/add/", {"role": "main"})
    assert response.status_code == 400
    assert "Choose a file to send." in element(response, "err-upload")


def test_a_file_is_taken_off_and_the_list_comes_back(signed_in, draft, owner):
    item = services.attach_file(draft, owner, finished_upload(owner), "main", now=NOW)
    response = signed_in.post(f"/en/entries/{draft.pk}/files/{item.pk}/remove/", headers=HTMX)
    assert response.status_code == 200 and response["HX-Trigger"] == "entrySaved"
    assert "No file has been added yet." in text(response)
    assert not EntryFile.objects.exists()


def test_the_owner_downloads_their_file_and_no_one_else_can(signed_in, draft, owner, edition,
                                                           client):
    item = services.attach_file(draft, owner, finished_upload(owner), "main", now=NOW)
    response = signed_in.get(f"/en/entries/{draft.pk}/files/{item.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    other = new_participant(edition, "Người khác")
    client.force_login(other)
    assert client.get(f"/en/entries/{draft.pk}/files/{item.pk}/").status_code == 404


def test_the_files_step_shows_what_inspection_found(signed_in, draft, owner):
    item = services.attach_file(draft, owner, finished_upload(owner), "main", now=NOW)
    services.record_inspection(item, findings={"problems": [{
        "code": "pdf_damaged", "severity": "blocking", "field": "file",
        "message_vi": "Tệp PDF bị hỏng.", "message_en": "The PDF file is damaged."}]},
        page_count=3)
    page = signed_in.get(f"/en/entries/{draft.pk}/edit/?step=files")
    listing = element(page, "entry-files-list")
    assert "The PDF file is damaged." in listing and "3 pages" in listing
    assert 'hx-trigger="every 5s"' not in page.content.decode()


def test_a_file_still_being_checked_is_polled(signed_in, draft, owner):
    item = services.attach_file(draft, owner, finished_upload(owner), "main", now=NOW)
    EntryFile.objects.filter(pk=item.pk).update(inspected_at=None)
    page = signed_in.get(f"/en/entries/{draft.pk}/edit/?step=files")
    assert "being checked" in element(page, "entry-files-list")
    assert 'hx-trigger="every 5s"' in page.content.decode()
    panel = signed_in.get(f"/en/entries/{draft.pk}/files/", headers=HTMX)
    assert panel.status_code == 200 and "bai-bao.pdf" in text(panel)


def test_the_missing_work_is_told_at_the_files_and_goes_once_a_file_is_added(signed_in, draft):
    page = signed_in.get(f"/en/entries/{draft.pk}/edit/?step=files")
    assert "No file or link of the work has been added." in element(page, "rule-files")
    send(signed_in, draft, PDF, "bai.pdf")
    panel = signed_in.get(f"/en/entries/{draft.pk}/violations/?step=files", headers=HTMX)
    assert "material_missing" not in panel.content.decode()
    assert element(panel, "rule-files").strip() == ""


def test_a_file_beyond_what_the_uploads_take_is_refused_at_the_field(signed_in, draft,
                                                                      settings):
    settings.GIAITHUONG_UPLOAD_PURPOSES = {"entry": 1024 * 1024}
    response = send(signed_in, draft, PDF + b"%" * (1024 * 1024), "lon.pdf")
    assert response.status_code == 400
    assert "larger than the largest file the award takes (1 MB)" in element(response,
                                                                           "err-upload")
