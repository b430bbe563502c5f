"""Intake: who may decide, which decisions follow which, reasons and deadlines, the history
and mail the participant gets, and the reads (queue, one entry) limited per edition."""

import datetime as dt

import pytest
from django.utils import translation

from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_user, grant_role
from giaithuong.common.models import AuditEvent
from giaithuong.editions.services import load_edition_text
from giaithuong.entries import selectors, services
from giaithuong.entries.errors import EntryConflict, EntryError, EntryPermissionDenied
from giaithuong.entries.models import EntryEvent, EntryStatus
from tests.conftest import EDITION_FILE
from tests.entries.conftest import NOW, complete_draft, new_participant

pytestmark = pytest.mark.django_db
LATER = NOW + dt.timedelta(days=2)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def owner(edition):
    return new_participant(edition)


@pytest.fixture
def submitted(edition, owner):
    entry = complete_draft(owner, edition)
    return services.submit_entry(entry, owner, "k1", now=NOW).entry


# --- who decides ------------------------------------------------------------------------------

def test_intake_officers_and_organisers_of_the_edition_decide(submitted, people):
    entry = services.mark_valid(submitted, people["intake_officer"], now=LATER)
    assert entry.status == EntryStatus.VALID and entry.decided_at == LATER
    entry = services.reject(entry, people["organiser"], reason="Trùng tác phẩm khác.", now=LATER)
    assert entry.status == EntryStatus.REJECTED


@pytest.mark.parametrize("role", [Role.JUROR, Role.COUNCIL_CHAIR, Role.UNIT_OFFICER,
                                  Role.PARTICIPANT])
def test_other_roles_cannot_decide(submitted, people, role):
    with pytest.raises(EntryPermissionDenied):
        services.mark_valid(submitted, people[str(role)], now=LATER)
    submitted.refresh_from_db()
    assert submitted.status == EntryStatus.SUBMITTED


def test_an_intake_officer_of_another_edition_cannot_decide(submitted):
    other = load_edition_text(
        EDITION_FILE.read_text(encoding="utf-8").replace("ordinal = 12", "ordinal = 13"),
        source_name="xiii.toml", make_current=False).edition
    officer = create_user(username="intake-xiii", password="x-Very-long-1")
    grant_role(officer, Role.INTAKE_OFFICER, edition=other)
    with pytest.raises(EntryPermissionDenied):
        services.return_for_fixes(submitted, officer, reason="x", deadline=dt.date(2026, 8, 1),
                                  now=LATER)
    assert selectors.entry_for(officer, submitted.pk) is None
    assert not selectors.intake_queue(officer).exists()


def test_nobody_decides_on_their_own_entry(edition, people):
    officer = people["intake_officer"]
    grant_role(officer, Role.PARTICIPANT, edition=edition)
    own = services.submit_entry(complete_draft(officer, edition), officer, "k", now=NOW).entry
    with pytest.raises(EntryPermissionDenied, match="of your own"):
        services.mark_valid(own, officer, now=LATER)


# --- which decision follows which ------------------------------------------------------------

def test_a_draft_cannot_be_decided(edition, owner, intake):
    draft = complete_draft(owner, edition)
    for decide in (lambda: services.mark_valid(draft, intake, now=LATER),
                   lambda: services.reject(draft, intake, reason="x", now=LATER)):
        with pytest.raises(EntryConflict):
            decide()


def test_intake_may_change_its_mind_until_judging(submitted, intake):
    services.mark_valid(submitted, intake, now=LATER)
    assert services.mark_valid(submitted, intake, now=LATER).status == "valid"  # idempotent
    services.reject(submitted, intake, reason="Tác phẩm đã dự Giải lần thứ XI.", now=LATER)
    entry = services.mark_valid(submitted, intake, note="Đã xác minh lại.", now=LATER)
    assert entry.status == EntryStatus.VALID and entry.rejected_reason == ""
    type(entry).objects.filter(pk=entry.pk).update(status=EntryStatus.IN_JUDGING)
    with pytest.raises(EntryConflict, match="in judging"):
        services.reject(submitted, intake, reason="Muộn.", now=LATER)


def test_a_returned_entry_waits_for_its_participant(submitted, intake):
    services.return_for_fixes(submitted, intake, reason="Thiếu bản dịch.",
                              deadline=dt.date(2026, 8, 5), now=LATER)
    with pytest.raises(EntryConflict):
        services.mark_valid(submitted, intake, now=LATER)
    assert services.reject(submitted, intake, reason="Không bổ sung.",
                           now=LATER).status == "rejected"


@pytest.mark.parametrize(("reason", "deadline", "field"), [
    ("", dt.date(2026, 8, 5), "reason"),
    ("   \n ", dt.date(2026, 8, 5), "reason"),
    ("x" * 5001, dt.date(2026, 8, 5), "reason"),
    ("Thiếu bản dịch.", None, "deadline"),
    ("Thiếu bản dịch.", "31/08/2026", "deadline"),
    ("Thiếu bản dịch.", dt.date(2026, 7, 11), "deadline"),  # the day before LATER
    ("Thiếu bản dịch.", LATER, "deadline"),
])
def test_a_return_needs_a_reason_and_a_future_deadline(submitted, intake, reason, deadline,
                                                       field):
    with pytest.raises(EntryError) as caught:
        services.return_for_fixes(submitted, intake, reason=reason, deadline=deadline, now=LATER)
    assert caught.value.field == field
    submitted.refresh_from_db()
    assert submitted.status == EntryStatus.SUBMITTED


def test_a_return_deadline_given_as_a_day_ends_that_day_in_vietnam(submitted, intake):
    entry = services.return_for_fixes(submitted, intake, reason="Sửa.",
                                      deadline="2026-08-05", now=LATER)
    assert entry.return_deadline == dt.datetime(2026, 8, 5, 16, 59, 59, tzinfo=dt.UTC)


def test_a_rejection_needs_a_reason(submitted, intake):
    with pytest.raises(EntryError) as caught:
        services.reject(submitted, intake, reason=" ", now=LATER)
    assert caught.value.field == "reason"


# --- history, audit, mail ----------------------------------------------------------------------

def test_each_decision_is_in_the_history_and_the_audit_log(submitted, intake):
    services.return_for_fixes(submitted, intake, reason="Thiếu ảnh chụp trang báo.",
                              deadline=dt.date(2026, 8, 5), now=LATER)
    events = list(selectors.entry_history(submitted))
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("created", "", "draft"), ("submitted", "draft", "submitted"),
        ("returned", "submitted", "returned")]
    assert events[-1].note == "Thiếu ảnh chụp trang báo." and events[-1].actor == intake
    audit = AuditEvent.objects.get(action="entry.returned")
    assert audit.actor == intake and audit.before["status"] == "submitted"
    assert audit.after["return_deadline"].startswith("2026-08-05T23:59:59")


@pytest.mark.parametrize(("decide", "words"), [
    (lambda e, a: services.mark_valid(e, a, now=LATER), "meets the rules"),
    (lambda e, a: services.return_for_fixes(e, a, reason="Thiếu bản dịch tiếng Việt.",
                                            deadline=dt.date(2026, 8, 5), now=LATER),
     "Thiếu bản dịch tiếng Việt."),
    (lambda e, a: services.reject(e, a, reason="Công bố ngoài thời gian quy định.", now=LATER),
     "Công bố ngoài thời gian quy định."),
])
def test_each_decision_is_mailed_to_the_participant(submitted, owner, intake, mailbox,
                                                    django_capture_on_commit_callbacks,
                                                    decide, words):
    type(owner).objects.filter(pk=owner.pk).update(preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        decide(submitted, intake)
    [message] = mailbox.messages
    assert message["To"] == owner.email
    assert "XII-bao-tap-chi-tieng-viet-0001" in message["Subject"]
    body = message.get_content()
    assert words in body
    if "Thiếu" in words:
        assert "23:59:59 05/08/2026" in body


# --- reads ---------------------------------------------------------------------------------------

def test_entry_for_shows_an_entry_to_its_owner_and_its_editions_intake_only(
        edition, submitted, owner, people):
    assert selectors.entry_for(owner, submitted.pk) == submitted
    assert selectors.entry_for(people["intake_officer"], submitted.pk) == submitted
    assert selectors.entry_for(people["organiser"], str(submitted.pk)) == submitted
    for role in ("juror", "council_chair", "unit_officer", "participant"):
        assert selectors.entry_for(people[role], submitted.pk) is None
    assert selectors.entry_for(new_participant(edition), submitted.pk) is None
    assert selectors.entry_for(owner, "abc") is None and selectors.entry_for(owner, 10**9) is None


def test_intake_never_sees_drafts(edition, owner, intake):
    draft = complete_draft(owner, edition)
    assert selectors.entry_for(intake, draft.pk) is None
    assert not selectors.intake_queue(intake).filter(pk=draft.pk).exists()
    assert selectors.entry_for(owner, draft.pk) == draft


def test_entries_of_lists_only_ones_own(edition, owner, submitted):
    other = new_participant(edition)
    complete_draft(other, edition)
    assert list(selectors.entries_of(owner)) == [submitted]
    assert not selectors.entries_of(new_participant(edition)).exists()


def test_the_intake_queue_filters(edition, intake, people):
    abroad = new_participant(edition, "Pierre Dupont")
    home = new_participant(edition, "Đỗ Văn Hùng")
    french = services.submit_entry(
        complete_draft(abroad, edition, "bao-tap-chi-tieng-nuoc-ngoai", language="fr-FR",
                       entrant_country="FR", entrant_residence="abroad"),
        abroad, "k1", now=NOW).entry
    book = services.submit_entry(
        complete_draft(home, edition, "sach", entrant_country="VN", entrant_residence="vietnam"),
        home, "k2", now=LATER).entry
    services.mark_valid(book, intake, now=LATER)
    queue = selectors.intake_queue
    assert list(queue(intake)) == [french, book]  # oldest submission first
    assert list(queue(intake, category="sach")) == [book]
    assert list(queue(intake, category=french.category)) == [french]
    assert list(queue(intake, status="valid")) == [book]
    assert list(queue(intake, status=["submitted", "returned"])) == [french]
    assert list(queue(intake, language="fr")) == [french]
    assert list(queue(intake, country="fr")) == [french]
    assert list(queue(intake, residence="vietnam")) == [book]
    assert list(queue(intake, submitted_from=dt.date(2026, 7, 11))) == [book]
    assert list(queue(intake, submitted_to=dt.date(2026, 7, 10))) == [french]
    assert not queue(people["juror"]).exists() and not queue(abroad).exists()


def test_a_file_is_read_through_its_entry(edition, owner, storage, intake):
    from tests.entries.conftest import PDF, finished_upload

    draft = complete_draft(owner, edition)
    item = services.attach_file(draft, owner, finished_upload(owner, PDF).key, now=NOW)
    assert selectors.file_for(owner, draft.pk, item.pk) == item
    assert selectors.file_for(intake, draft.pk, item.pk) is None  # a draft is private
    services.submit_entry(draft, owner, "k", now=NOW)
    assert selectors.file_for(intake, draft.pk, item.pk) == item
    assert selectors.file_for(owner, draft.pk, "x") is None
    assert EntryEvent.objects.filter(entry=draft, action="submitted").exists()
