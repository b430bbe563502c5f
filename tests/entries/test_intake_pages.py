"""The intake pages: the queue with its filters and counts, one entry with its files, findings,
authors, history and duplicates, confirmed decisions with errors at the field, file downloads
through permission-checked views, and a possible duplicate side by side."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage

from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_user, grant_role
from giaithuong.entries import services
from giaithuong.entries.models import DuplicateFlag, DuplicateStatus, EntryStatus, FileRole
from tests.entries.conftest import NOW, complete_draft, finished_upload, new_participant
from tests.entries.files import pdf_bytes
from tests.roles import PASSWORD

pytestmark = pytest.mark.django_db
LATER = NOW + dt.timedelta(days=1)


@pytest.fixture
def owner(edition):
    return new_participant(edition)


@pytest.fixture
def officer(people):
    return people[str(Role.INTAKE_OFFICER)]


@pytest.fixture
def as_officer(client, officer):
    client.force_login(officer)
    return client


def submit(entry, owner, capture=None):
    if capture is None:
        return services.submit_entry(entry, owner, f"k-{entry.pk}", now=NOW).entry
    with capture(execute=True):
        return services.submit_entry(entry, owner, f"k-{entry.pk}", now=NOW).entry


@pytest.fixture
def submitted(edition, owner):
    return submit(complete_draft(owner, edition), owner)


def page(response) -> str:
    return response.content.decode()


# --- the queue ---------------------------------------------------------------------------------

def test_the_queue_lists_submitted_entries_with_counts(english_pages, as_officer, officer,
                                                       edition, owner, submitted):
    complete_draft(owner, edition, title="Bản nháp chưa gửi")
    valid = submit(complete_draft(owner, edition, title="Đã hợp lệ"), owner)
    services.mark_valid(valid, officer, now=LATER)
    response = as_officer.get("/intake/")
    assert response.status_code == 200
    html = page(response)
    assert submitted.receipt_number in html and valid.receipt_number in html
    assert "Bản nháp chưa gửi" not in html
    assert "2 entries" in html
    assert "Submitted</a>: <strong>1</strong>" in html and "Valid</a>: <strong>1</strong>" in html
    only_valid = page(as_officer.get("/intake/?status=valid"))
    assert valid.receipt_number in only_valid and submitted.receipt_number not in only_valid


def test_the_queue_filters_by_category_language_country_and_dates(english_pages, as_officer,
                                                                  edition, owner, submitted):
    foreign = submit(complete_draft(owner, edition, code="bao-tap-chi-tieng-nuoc-ngoai",
                                    language="en", translation_present=True,
                                    title="Vietnam seen from Laos", entrant_country="LA",
                                    entrant_residence="abroad"), owner)

    def shown(query):
        html = page(as_officer.get("/intake/?" + query))
        return [e.receipt_number for e in (submitted, foreign) if e.receipt_number in html]

    assert shown("category=bao-tap-chi-tieng-nuoc-ngoai") == [foreign.receipt_number]
    assert shown("language=en") == [foreign.receipt_number]
    assert shown("country=la") == [foreign.receipt_number]
    assert shown("residence=abroad") == [foreign.receipt_number]
    assert shown("submitted_from=2026-07-10&submitted_to=2026-07-10") == [
        submitted.receipt_number, foreign.receipt_number]
    assert shown("submitted_from=2026-07-11") == []
    wrong = as_officer.get("/intake/?submitted_from=2026-07-12&submitted_to=2026-07-01")
    assert wrong.status_code == 400
    assert 'id="id_submitted_to_error"' in page(wrong)
    assert "before the first one" in page(wrong)


def test_the_queue_is_paginated(english_pages, as_officer, edition, monkeypatch):
    from giaithuong.entries import intake_views

    monkeypatch.setattr(intake_views, "PAGE_SIZE", 2)
    for number in range(3):
        person = new_participant(edition, f"Người {number}")
        submit(complete_draft(person, edition, title=f"Tác phẩm {number}"), person)
    first, second = page(as_officer.get("/intake/")), page(as_officer.get("/intake/?page=2"))
    assert "Page 1 of 2" in first and "Tác phẩm 0" in first and "Tác phẩm 2" not in first
    assert "Tác phẩm 2" in second


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.JUROR, Role.UNIT_OFFICER,
                                  Role.COUNCIL_CHAIR])
def test_other_roles_are_refused(client, people, submitted, role):
    client.force_login(people[str(role)])
    for url in ("/intake/", f"/intake/entries/{submitted.pk}/", "/intake/duplicates/"):
        assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, submitted):
    response = client.get(f"/intake/entries/{submitted.pk}/")
    assert response.status_code == 302 and "/login" in response["Location"]


# --- one entry ---------------------------------------------------------------------------------

def test_an_entry_shows_its_files_findings_authors_and_history(
        english_pages, as_officer, edition, owner, storage, django_capture_on_commit_callbacks):
    entry = complete_draft(owner, edition, title="<b>Tiêu đề</b> <script>alert(1)</script>")
    data = pdf_bytes(pages=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.attach_file(entry, owner, finished_upload(owner, data, "Nguyễn An.pdf").key,
                             FileRole.MAIN, now=NOW)
    entry = submit(entry, owner)
    html = page(as_officer.get(f"/intake/entries/{entry.pk}/"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "Nguyễn An.pdf" in html and "2 pages" in html
    assert "Download the original" in html and "Download the blind copy" in html
    assert "Inspection found no problem." in html
    assert owner.full_name in html and owner.email in html
    assert "The entry breaks no rule the engine checks." in html
    assert "Mark valid" in html and "Return for fixes" in html and "Reject" in html
    assert "/media/" not in html  # files never from a public path


def test_drafts_and_other_editions_entries_do_not_exist_for_intake(client, edition, owner,
                                                                  officer, submitted):
    from giaithuong.editions.services import load_edition_text
    from tests.conftest import EDITION_FILE

    draft = complete_draft(owner, edition, title="Nháp")
    client.force_login(_officer_of_new_edition(load_edition_text, EDITION_FILE))
    assert client.get(f"/intake/entries/{submitted.pk}/").status_code == 404
    client.force_login(officer)
    assert client.get(f"/intake/entries/{draft.pk}/").status_code == 404
    assert client.get("/intake/entries/999999/").status_code == 404


def _officer_of_new_edition(load_edition_text, edition_file):
    other = load_edition_text(
        edition_file.read_text(encoding="utf-8").replace("ordinal = 12", "ordinal = 13"),
        source_name="xiii.toml", make_current=False).edition
    person = create_user(username="intake-xiii", password=PASSWORD)
    grant_role(person, Role.INTAKE_OFFICER, edition=other)
    return person


def test_a_decision_must_be_confirmed_and_is_then_mailed(english_pages, as_officer, submitted,
                                                        mailbox,
                                                        django_capture_on_commit_callbacks):
    url = f"/intake/entries/{submitted.pk}/"
    unconfirmed = as_officer.post(url, {"decision": "valid", "valid-note": "Ổn"})
    assert unconfirmed.status_code == 400
    html = page(unconfirmed)
    assert 'id="id_valid-confirm_error"' in html and "Tick the box" in html
    submitted.refresh_from_db()
    assert submitted.status == EntryStatus.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        done = as_officer.post(url, {"decision": "valid", "valid-note": "Ổn",
                                     "valid-confirm": "on"})
    assert done.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == EntryStatus.VALID
    (mail,) = mailbox.messages
    assert mail["To"] == submitted.owner.email
    assert "marked valid" in page(as_officer.get(url))


def test_a_return_needs_a_reason_and_a_future_deadline_at_their_fields(english_pages, as_officer,
                                                                       submitted):
    url = f"/intake/entries/{submitted.pk}/"
    empty = as_officer.post(url, {"decision": "return", "return-confirm": "on"})
    assert empty.status_code == 400
    assert 'id="id_return-reason_error"' in page(empty)
    assert 'id="id_return-deadline_error"' in page(empty)
    past = as_officer.post(url, {"decision": "return", "return-reason": "Thiếu bản dịch",
                                 "return-deadline": "2020-01-01", "return-confirm": "on"})
    assert past.status_code == 400
    assert "must be in the future" in page(past)
    assert 'id="id_return-deadline_error"' in page(past)
    submitted.refresh_from_db()
    assert submitted.status == EntryStatus.SUBMITTED
    done = as_officer.post(url, {"decision": "return", "return-reason": "Thiếu bản dịch",
                                 "return-deadline": "2099-08-15", "return-confirm": "on"})
    assert done.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == EntryStatus.RETURNED
    assert submitted.returned_reason == "Thiếu bản dịch"


def test_a_rejection_and_a_decision_no_longer_open(english_pages, as_officer, submitted):
    url = f"/intake/entries/{submitted.pk}/"
    done = as_officer.post(url, {"decision": "reject", "reject-reason": "Không đúng thể loại",
                                 "reject-confirm": "on"})
    assert done.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == EntryStatus.REJECTED
    # a rejected entry cannot be returned: the form is gone and a forged post changes nothing
    html = page(as_officer.get(url))
    assert 'name="decision" value="return"' not in html
    forged = as_officer.post(url, {"decision": "return", "return-reason": "x",
                                   "return-deadline": "2099-08-15", "return-confirm": "on"},
                             follow=True)
    assert "not open for the entry" in page(forged)
    submitted.refresh_from_db()
    assert submitted.status == EntryStatus.REJECTED


def test_an_officer_cannot_decide_on_their_own_entry(english_pages, as_officer, officer,
                                                     edition):
    grant_role(officer, Role.PARTICIPANT, edition=edition)
    own = submit(complete_draft(officer, edition), officer)
    response = as_officer.post(f"/intake/entries/{own.pk}/",
                               {"decision": "valid", "valid-confirm": "on"})
    assert response.status_code == 400 and "of your own" in page(response)


# --- downloads ----------------------------------------------------------------------------------

@pytest.fixture
def with_file(edition, owner, storage, django_capture_on_commit_callbacks):
    entry = complete_draft(owner, edition)
    data = pdf_bytes(pages=1)
    with django_capture_on_commit_callbacks(execute=True):
        item = services.attach_file(entry, owner,
                                    finished_upload(owner, data, "Nguyễn An - bài.pdf").key,
                                    FileRole.MAIN, now=NOW)
    entry = submit(entry, owner)
    item.refresh_from_db()
    return entry, item, data


def test_originals_and_blind_copies_download_through_checked_views(as_officer, with_file):
    entry, item, data = with_file
    original = as_officer.get(f"/intake/entries/{entry.pk}/files/{item.pk}/original")
    assert original.status_code == 200
    assert b"".join(original.streaming_content) == data
    assert original["Content-Type"] == "application/pdf"
    assert original["Content-Disposition"].startswith("attachment")
    blind = as_officer.get(f"/intake/entries/{entry.pk}/files/{item.pk}/blind")
    body = b"".join(blind.streaming_content)
    with default_storage.open(item.blind_file.name, "rb") as copy:
        assert body == copy.read()
    assert "Nguy" not in blind["Content-Disposition"]
    assert f"{entry.receipt_number}-{item.pk}-blind.pdf" in blind["Content-Disposition"]
    assert blind["Cache-Control"] == "private, no-store"


def test_downloads_are_refused_to_others(client, people, with_file, owner):
    entry, item, _ = with_file
    path = f"/intake/entries/{entry.pk}/files/{item.pk}/original"
    client.force_login(owner)  # the participant reads their files on their own pages
    assert client.get(path).status_code == 403
    client.force_login(people[str(Role.JUROR)])
    assert client.get(path).status_code == 403
    client.force_login(people[str(Role.INTAKE_OFFICER)])
    assert client.get(f"/intake/entries/{entry.pk}/files/{item.pk + 1}/original"
                      ).status_code == 404


def test_a_file_without_a_blind_copy_has_no_download(as_officer, with_file):
    entry, item, _ = with_file
    type(item).objects.filter(pk=item.pk).update(blind_file=None)
    assert as_officer.get(f"/intake/entries/{entry.pk}/files/{item.pk}/blind"
                          ).status_code == 404


# --- duplicates -------------------------------------------------------------------------------

@pytest.fixture
def flag(edition, owner, django_capture_on_commit_callbacks):
    other = new_participant(edition, "Lê Thị Cúc")
    first = submit(complete_draft(owner, edition), owner, django_capture_on_commit_callbacks)
    second = submit(complete_draft(other, edition), other, django_capture_on_commit_callbacks)
    flag = DuplicateFlag.objects.get()
    assert (flag.entry_a_id, flag.entry_b_id) == (first.pk, second.pk)
    return flag


def test_a_possible_duplicate_is_shown_side_by_side_and_decided(english_pages, as_officer,
                                                               flag):
    listing = page(as_officer.get("/intake/duplicates/"))
    assert f"/intake/duplicates/{flag.pk}/" in listing
    entry_page = page(as_officer.get(f"/intake/entries/{flag.entry_a_id}/"))
    assert f"/intake/duplicates/{flag.pk}/" in entry_page
    html = page(as_officer.get(f"/intake/duplicates/{flag.pk}/"))
    assert flag.entry_a.receipt_number in html and flag.entry_b.receipt_number in html
    assert "Lê Thị Cúc" in html and "The same title and summary" in html
    unconfirmed = as_officer.post(f"/intake/duplicates/{flag.pk}/", {"decision": "confirmed"})
    assert unconfirmed.status_code == 400 and "Tick the box" in page(unconfirmed)
    done = as_officer.post(f"/intake/duplicates/{flag.pk}/",
                           {"decision": "confirmed", "note": "Cùng một bài", "confirm": "on"})
    assert done.status_code == 302
    flag.refresh_from_db()
    assert flag.status == DuplicateStatus.CONFIRMED and flag.note == "Cùng một bài"
    assert f"/intake/duplicates/{flag.pk}/" not in page(as_officer.get("/intake/duplicates/"))
    assert f"/intake/duplicates/{flag.pk}/" in page(
        as_officer.get("/intake/duplicates/?status=all"))


def test_another_editions_officer_never_sees_the_pair(client, flag):
    from giaithuong.editions.services import load_edition_text
    from tests.conftest import EDITION_FILE

    client.force_login(_officer_of_new_edition(load_edition_text, EDITION_FILE))
    assert client.get(f"/intake/duplicates/{flag.pk}/").status_code == 404
    assert client.post(f"/intake/duplicates/{flag.pk}/",
                       {"decision": "dismissed", "confirm": "on"}).status_code == 404
    flag.refresh_from_db()
    assert flag.status == DuplicateStatus.OPEN
