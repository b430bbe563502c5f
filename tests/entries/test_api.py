"""The entries API over HTTP with API tokens: drafts with optimistic locking, authors, files,
violations, idempotent submits, withdrawal and history for participants; the queue, one entry
and decisions for intake; who sees what (404 for anything not one's own); errors mapped with
their fields."""

import hashlib
import json
import uuid

import pytest

from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_user, grant_role
from giaithuong.entries import services
from giaithuong.entries.models import Entry, EntryFile, EntryStatus, SubmitKey
from tests.entries.conftest import PDF, complete_draft, finished_upload, new_participant
from tests.entries.files import pdf_bytes
from tests.entries.live import bearer, close_entries, extend_deadline

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def open_edition(edition):
    return extend_deadline(edition)


@pytest.fixture
def owner(open_edition):
    return new_participant(open_edition)


@pytest.fixture
def as_owner(client, owner):
    return Caller(client, bearer(owner))


class Caller:
    """The test client with one person's token and English answers."""

    def __init__(self, client, headers):
        self.client, self.headers = client, headers

    def __call__(self, method, path, body=None, **headers):
        data = json.dumps(body) if body is not None else None
        response = self.client.generic(method, API + path, data=data or "",
                                       content_type="application/json",
                                       headers={**self.headers, **headers})
        response.data = response.json() if response.content else None
        return response


# --- drafts ----------------------------------------------------------------------------------

def test_a_participant_starts_a_draft_and_reads_it_back(as_owner, owner):
    made = as_owner("POST", "/entries", {"category": "bao-tap-chi-tieng-viet",
                                         "title": "Hà Nội – điểm hẹn", "language": "vi"})
    assert made.status_code == 201, made.data
    entry = made.data
    assert (entry["status"], entry["version"], entry["editable"]) == ("draft", 1, True)
    assert entry["category"]["code"] == "bao-tap-chi-tieng-viet"
    assert [a["full_name"] for a in entry["authors"]] == [owner.full_name]
    assert entry["authors"][0]["is_me"]
    got = as_owner("GET", f"/entries/{entry['id']}")
    assert got.status_code == 200 and got.data["title"] == "Hà Nội – điểm hẹn"
    listed = as_owner("GET", "/entries")
    assert listed.data["count"] == 1 and listed.data["items"][0]["id"] == entry["id"]


def test_an_unknown_category_and_bad_fields_are_named(as_owner):
    unknown = as_owner("POST", "/entries", {"category": "tho-ca"})
    assert unknown.status_code == 400
    assert unknown.data["code"] == "unknown_category" and "category" in unknown.data["errors"]
    bad = as_owner("POST", "/entries", {"category": "bao-tap-chi-tieng-viet",
                                        "published_first": "2026-02-30",
                                        "parts_total": "nhiều", "colour": "đỏ"})
    assert bad.status_code == 400
    assert set(bad.data["errors"]) == {"published_first", "parts_total", "__all__"}
    assert "not a field of an entry" in bad.data["errors"]["__all__"][0]
    assert not Entry.objects.exists()


def test_a_patch_saves_with_the_version_and_a_stale_one_is_a_conflict(as_owner, owner,
                                                                       open_edition):
    entry = complete_draft(owner, open_edition)
    saved = as_owner("PATCH", f"/entries/{entry.pk}", {"version": 1, "outlet": "VOV5"})
    assert saved.status_code == 200 and saved.data["version"] == 2
    assert saved.data["outlet"] == "VOV5"
    stale = as_owner("PATCH", f"/entries/{entry.pk}", {"version": 1, "outlet": "VTV4"})
    assert stale.status_code == 409 and stale.data["code"] == "stale_version"
    assert stale.data["current"]["outlet"] == "VOV5" and stale.data["current"]["version"] == 2
    entry.refresh_from_db()
    assert entry.outlet == "VOV5"  # nothing of the stale request was written
    missing = as_owner("PATCH", f"/entries/{entry.pk}", {"outlet": "VTV4"})
    assert missing.status_code == 422  # the version is required


def test_html_in_a_field_is_kept_as_inert_text(as_owner, owner, open_edition):
    entry = complete_draft(owner, open_edition)
    saved = as_owner("PATCH", f"/entries/{entry.pk}",
                     {"version": 1, "title": "<script>alert(1)</script> Phóng sự"})
    assert saved.data["title"] == "<script>alert(1)</script> Phóng sự"
    assert saved["Content-Type"].startswith("application/json")


def test_authors_are_replaced_in_order_with_shares(as_owner, owner, open_edition):
    entry = complete_draft(owner, open_edition)
    group = [{"full_name": "Trần Thị Bình", "me": True, "share_percent": 60},
             {"full_name": "Lê Văn Cường", "role": "co_author", "share_percent": "40",
              "consent_given": True, "email": "cuong@example.vn"}]
    saved = as_owner("PUT", f"/entries/{entry.pk}/authors", {"version": 1, "authors": group})
    assert saved.status_code == 200, saved.data
    assert [(a["full_name"], a["share_percent"], a["is_me"]) for a in saved.data["authors"]] == [
        ("Trần Thị Bình", "60.00", True), ("Lê Văn Cường", "40.00", False)]
    wrong = as_owner("PUT", f"/entries/{entry.pk}/authors",
                     {"authors": [{**group[0], "share_percent": 70}, group[1]]})
    assert wrong.status_code == 400 and "100%" in wrong.data["errors"]["authors"][0]


# --- files -----------------------------------------------------------------------------------

def test_a_finished_upload_is_attached_inspected_and_removed(
        as_owner, owner, open_edition, storage, django_capture_on_commit_callbacks):
    entry = complete_draft(owner, open_edition)
    data = pdf_bytes(pages=2)
    upload = finished_upload(owner, data, "Nguyễn Văn An - bài báo.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        attached = as_owner("POST", f"/entries/{entry.pk}/files",
                            {"upload": str(upload.key), "role": "main"})
    assert attached.status_code == 201, attached.data
    item = attached.data
    assert (item["sha256"], item["size"]) == (hashlib.sha256(data).hexdigest(), len(data))
    again = as_owner("POST", f"/entries/{entry.pk}/files", {"upload": str(upload.key)})
    assert again.status_code == 201 and again.data["id"] == item["id"]  # no second copy
    # Inspected after the attaching transaction committed (in the same request when served).
    (shown,) = as_owner("GET", f"/entries/{entry.pk}").data["files"]
    assert shown["id"] == item["id"]
    assert shown["inspected"] and shown["page_count"] == 2 and shown["blind_copy"]
    assert shown["problems"] == []
    removed = as_owner("DELETE", f"/entries/{entry.pk}/files/{item['id']}")
    assert removed.status_code == 204
    assert not EntryFile.objects.exists()
    assert as_owner("DELETE", f"/entries/{entry.pk}/files/{item['id']}").status_code == 404


def test_a_wrong_or_foreign_upload_is_refused_at_the_upload_field(as_owner, owner,
                                                                  open_edition, storage):
    entry = complete_draft(owner, open_edition)
    stranger = new_participant(open_edition, "Người lạ")
    theirs = finished_upload(stranger, PDF, "cua-ho.pdf")
    for key in (str(theirs.key), str(uuid.uuid4()), "../../etc/passwd"):
        refused = as_owner("POST", f"/entries/{entry.pk}/files", {"upload": key})
        assert refused.status_code == 400 and refused.data["code"] == "upload_not_found"
        assert "upload" in refused.data["errors"]
    disguised = finished_upload(owner, b"MZ\x90\x00" + b"\0" * 64, "bai-bao.pdf")
    refused = as_owner("POST", f"/entries/{entry.pk}/files", {"upload": str(disguised.key)})
    assert refused.data["code"] == "file_type_not_accepted"


# --- violations, submit, withdraw, history ----------------------------------------------------

def test_violations_list_what_blocks_a_submit(as_owner, owner, open_edition):
    draft = services.create_draft(owner, "bao-tap-chi-tieng-viet", edition=open_edition)
    found = as_owner("GET", f"/entries/{draft.pk}/violations")
    assert found.status_code == 200
    blocking = {v["code"] for v in found.data if v["blocking"]}
    assert "summary_missing" in blocking
    assert all(v["message"] == v["message_en"] for v in found.data)
    in_vietnamese = as_owner("GET", f"/entries/{draft.pk}/violations", **{"Accept-Language": "vi"})
    assert all(v["message"] == v["message_vi"] for v in in_vietnamese.data)
    refused = as_owner("POST", f"/entries/{draft.pk}/submit", **{"Idempotency-Key": "k-1"})
    assert refused.status_code == 422 and refused.data["code"] == "blocked"
    assert "summary_missing" in {v["code"] for v in refused.data["violations"]}
    assert "summary_vi" in refused.data["errors"]
    draft.refresh_from_db()
    assert draft.status == EntryStatus.DRAFT and not SubmitKey.objects.exists()
    complete = complete_draft(owner, open_edition)
    assert not [v for v in as_owner("GET", f"/entries/{complete.pk}/violations").data
                if v["blocking"]]


def test_a_submit_needs_a_key_and_a_retry_gets_the_same_answer(as_owner, owner, open_edition):
    entry = complete_draft(owner, open_edition)
    missing = as_owner("POST", f"/entries/{entry.pk}/submit")
    assert missing.status_code == 400 and missing.data["code"] == "idempotency_key_missing"
    malformed = as_owner("POST", f"/entries/{entry.pk}/submit", **{"Idempotency-Key": "x" * 300})
    assert malformed.status_code == 400 and "idempotency_key" in malformed.data["errors"]
    first = as_owner("POST", f"/entries/{entry.pk}/submit", **{"Idempotency-Key": "click-1"})
    assert first.status_code == 200, first.data
    assert first.data["receipt_number"] == "XII-bao-tap-chi-tieng-viet-0001"
    assert first["Idempotent-Replayed"] == "false"
    retry = as_owner("POST", f"/entries/{entry.pk}/submit", **{"Idempotency-Key": "click-1"})
    assert (retry.status_code, retry.content) == (first.status_code, first.content)
    assert retry["Idempotent-Replayed"] == "true"
    other = as_owner("POST", f"/entries/{entry.pk}/submit", **{"Idempotency-Key": "click-2"})
    assert other.status_code == 409 and other.data["code"] == "already_submitted"
    assert Entry.objects.get().receipt_sequence == 1 and SubmitKey.objects.count() == 1
    edit = as_owner("PATCH", f"/entries/{entry.pk}", {"version": 2, "title": "Khác"})
    assert edit.status_code == 409 and edit.data["code"] == "not_editable"


def test_a_submit_after_the_deadline_is_a_conflict_and_the_draft_stays(as_owner, owner,
                                                                       open_edition):
    entry = complete_draft(owner, open_edition)
    close_entries(open_edition)
    late = as_owner("POST", f"/entries/{entry.pk}/submit", **{"Idempotency-Key": "late"})
    assert late.status_code == 409 and late.data["code"] == "deadline_passed"
    assert "31/07/2026" in late.data["detail"]
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT


def test_withdrawal_and_history(as_owner, owner, open_edition):
    entry = complete_draft(owner, open_edition)
    as_owner("POST", f"/entries/{entry.pk}/submit", **{"Idempotency-Key": "k"})
    withdrawn = as_owner("POST", f"/entries/{entry.pk}/withdraw", {"reason": "Gửi nhầm"})
    assert withdrawn.status_code == 200 and withdrawn.data["status"] == "withdrawn"
    assert withdrawn.data["receipt_number"]  # numbers are never reused
    history = as_owner("GET", f"/entries/{entry.pk}/history")
    assert [(e["action"], e["to_status"], e["by_self"]) for e in history.data] == [
        ("created", "draft", True), ("submitted", "submitted", True),
        ("withdrawn", "withdrawn", True)]
    assert history.data[-1]["note"] == "Gửi nhầm"


# --- who sees what ----------------------------------------------------------------------------

def test_a_participant_never_reaches_anothers_entry(client, owner, open_edition, storage):
    entry = complete_draft(owner, open_edition)
    item = services.attach_file(entry, owner, finished_upload(owner, PDF, "a.pdf").key)
    stranger = Caller(client, bearer(new_participant(open_edition, "Người lạ")))
    for method, path, body in [
            ("GET", f"/entries/{entry.pk}", None),
            ("PATCH", f"/entries/{entry.pk}", {"version": 1, "title": "X"}),
            ("PUT", f"/entries/{entry.pk}/authors", {"authors": [{"full_name": "X"}]}),
            ("POST", f"/entries/{entry.pk}/files", {"upload": str(uuid.uuid4())}),
            ("DELETE", f"/entries/{entry.pk}/files/{item.pk}", None),
            ("GET", f"/entries/{entry.pk}/violations", None),
            ("POST", f"/entries/{entry.pk}/withdraw", {}),
            ("GET", f"/entries/{entry.pk}/history", None)]:
        answer = stranger(method, path, body)
        assert answer.status_code == 404, (method, path, answer.data)
    assert stranger("POST", f"/entries/{entry.pk}/submit",
                    **{"Idempotency-Key": "k"}).status_code == 404
    assert stranger("GET", "/entries").data["count"] == 0
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT and entry.files.count() == 1


@pytest.fixture
def intake(client, people):
    return Caller(client, bearer(people[str(Role.INTAKE_OFFICER)]))


@pytest.fixture
def submitted(owner, open_edition):
    entry = complete_draft(owner, open_edition)
    return services.submit_entry(entry, owner, "k-intake").entry


def test_intake_sees_submitted_entries_never_drafts(intake, owner, open_edition, submitted):
    draft = complete_draft(owner, open_edition, title="Bản nháp")
    queue = intake("GET", "/intake/entries")
    assert queue.status_code == 200
    assert [e["id"] for e in queue.data["items"]] == [submitted.pk]
    assert queue.data["items"][0]["owner"]["email"] == owner.email
    assert intake("GET", f"/intake/entries/{draft.pk}").status_code == 404
    detail = intake("GET", f"/intake/entries/{submitted.pk}")
    assert detail.status_code == 200
    assert detail.data["receipt_number"] == submitted.receipt_number
    assert [e["action"] for e in detail.data["history"]] == ["created", "submitted"]
    assert detail.data["duplicates"] == []
    # the participant routes are not intake's
    assert intake("GET", f"/entries/{submitted.pk}").status_code == 403


def test_the_intake_queue_filters(intake, owner, open_edition, submitted):
    english = complete_draft(owner, open_edition, code="bao-tap-chi-tieng-nuoc-ngoai",
                             language="en-GB", title="Vietnam through foreign eyes",
                             translation_present=True)
    services.submit_entry(english, owner, "k-en")
    ids = lambda **query: [e["id"] for e in intake(  # noqa: E731
        "GET", "/intake/entries?" + "&".join(f"{k}={v}" for k, v in query.items()))
        .data["items"]]
    assert ids(language="en") == [english.pk]
    assert ids(category="bao-tap-chi-tieng-viet") == [submitted.pk]
    assert ids(status="submitted") == [submitted.pk, english.pk]
    assert ids(status="valid") == []
    assert ids(submitted_from="2099-01-01") == []


def test_intake_decides_and_errors_come_at_the_field(intake, submitted):
    path = f"/intake/entries/{submitted.pk}/decision"
    no_reason = intake("POST", path, {"decision": "return", "deadline": "2099-08-15"})
    assert no_reason.status_code == 400 and "reason" in no_reason.data["errors"]
    past = intake("POST", path, {"decision": "return", "reason": "Thiếu bản dịch",
                                 "deadline": "2020-01-01"})
    assert past.status_code == 400 and "deadline" in past.data["errors"]
    returned = intake("POST", path, {"decision": "return", "reason": "Thiếu bản dịch",
                                     "deadline": "2099-08-15"})
    assert returned.status_code == 200 and returned.data["status"] == "returned"
    rejected = intake("POST", path, {"decision": "reject", "reason": "Trùng lặp"})
    assert rejected.data["status"] == "rejected" and rejected.data["rejected_reason"]
    valid = intake("POST", path, {"decision": "valid", "note": "Đã kiểm tra lại"})
    assert valid.data["status"] == "valid"
    unknown = intake("POST", path, {"decision": "maybe"})
    assert unknown.status_code == 422


def test_intake_of_another_edition_sees_nothing(client, submitted):
    from giaithuong.editions.services import load_edition_text
    from tests.conftest import EDITION_FILE

    other = load_edition_text(
        EDITION_FILE.read_text(encoding="utf-8").replace("ordinal = 12", "ordinal = 13"),
        source_name="xiii.toml", make_current=False).edition
    officer = create_user(username="intake-xiii", password="x-Very-long-1")
    grant_role(officer, Role.INTAKE_OFFICER, edition=other)
    theirs = Caller(client, bearer(officer))
    assert theirs("GET", "/intake/entries").data["count"] == 0
    assert theirs("GET", f"/intake/entries/{submitted.pk}").status_code == 404
    assert theirs("POST", f"/intake/entries/{submitted.pk}/decision",
                  {"decision": "valid"}).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == EntryStatus.SUBMITTED


def test_participants_and_others_are_refused_intake(client, owner, people):
    for role in (Role.PARTICIPANT, Role.JUROR, Role.UNIT_OFFICER):
        person = owner if role == Role.PARTICIPANT else people[str(role)]
        answer = Caller(client, bearer(person))("GET", "/intake/entries")
        assert answer.status_code == 403
    assert client.get(API + "/intake/entries").status_code == 401
