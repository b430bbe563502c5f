"""Submitting: refused while a rule is broken or after the deadline, idempotent per key,
gap-free receipt numbers per category (also under concurrent submits), resubmission after a
return keeps the number, withdrawal before the deadline, and the confirmation mail."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import translation

from giaithuong.common.models import AuditEvent
from giaithuong.editions.models import Category
from giaithuong.editions.rules import EditionFileInvalid, parse_edition
from giaithuong.entries import services
from giaithuong.entries.errors import (
    DeadlinePassed,
    EntryBlocked,
    EntryConflict,
    EntryError,
    EntryPermissionDenied,
)
from giaithuong.entries.models import Entry, EntryEvent, EntryStatus, ReceiptSequence, SubmitKey
from giaithuong.entries.services import submission
from tests.conftest import EDITION_FILE
from tests.entries.conftest import (
    DEADLINE,
    NOW,
    category,
    complete_draft,
    new_participant,
    reload_edition,
)

LATER = NOW + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def owner(edition):
    return new_participant(edition)


# --- the happy path ------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_complete_draft_is_submitted_with_the_first_receipt_number(edition, owner):
    entry = complete_draft(owner, edition)
    result = services.submit_entry(entry, owner, "key-1", now=NOW)
    assert not result.replayed
    assert result.receipt_number == "XII-bao-tap-chi-tieng-viet-0001"
    entry.refresh_from_db()
    assert (entry.status, entry.receipt_sequence, entry.submitted_at) == (
        EntryStatus.SUBMITTED, 1, NOW)
    assert entry.version == 2
    assert SubmitKey.objects.get(owner=owner, key="key-1").response == result.response
    event = EntryEvent.objects.filter(entry=entry).last()
    assert (event.action, event.from_status, event.to_status) == ("submitted", "draft",
                                                                  "submitted")
    assert AuditEvent.objects.filter(action="entry.submitted", target_id=str(entry.pk)).exists()


@pytest.mark.django_db
def test_the_same_key_again_returns_the_same_entry_and_receipt(edition, owner):
    entry = complete_draft(owner, edition)
    first = services.submit_entry(entry, owner, "double-click", now=NOW)
    again = services.submit_entry(entry, owner, "double-click", now=LATER)
    assert again.replayed and again.receipt_number == first.receipt_number
    assert again.entry.pk == entry.pk and again.response == first.response
    assert Entry.objects.filter(status=EntryStatus.SUBMITTED).count() == 1
    assert ReceiptSequence.objects.get().last_number == 1


@pytest.mark.django_db
def test_the_same_key_is_answered_even_after_the_deadline(edition, owner):
    entry = complete_draft(owner, edition)
    services.submit_entry(entry, owner, "late-retry", now=DEADLINE)
    assert services.submit_entry(entry, owner, "late-retry", now=DEADLINE + dt.timedelta(
        hours=1)).replayed


@pytest.mark.django_db
def test_another_key_on_a_submitted_entry_is_refused_clearly(edition, owner):
    entry = complete_draft(owner, edition)
    services.submit_entry(entry, owner, "k1", now=NOW)
    with pytest.raises(EntryConflict) as caught:
        services.submit_entry(entry, owner, "k2", now=NOW)
    assert caught.value.code == "already_submitted"
    assert "already been submitted (receipt XII-bao-tap-chi-tieng-viet-0001)" in str(
        caught.value)


@pytest.mark.django_db
def test_a_key_used_for_one_entry_cannot_submit_another(edition, owner):
    first, second = complete_draft(owner, edition), complete_draft(owner, edition, title="Khác")
    services.submit_entry(first, owner, "shared", now=NOW)
    with pytest.raises(EntryConflict) as caught:
        services.submit_entry(second, owner, "shared", now=NOW)
    assert caught.value.code == "idempotency_key_reused"
    second.refresh_from_db()
    assert second.status == EntryStatus.DRAFT


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "   ", None, "x" * 201, "khóa-có-dấu", "a\nb"])
def test_a_malformed_key_is_refused(edition, owner, key):
    entry = complete_draft(owner, edition)
    with pytest.raises(EntryError) as caught:
        services.submit_entry(entry, owner, key, now=NOW)
    assert caught.value.field == "idempotency_key"


# --- refusals -------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_draft_with_a_blocking_violation_is_not_submitted_and_uses_no_number(edition, owner):
    incomplete = services.create_draft(owner, category(edition), now=NOW, title="Chưa xong")
    with pytest.raises(EntryBlocked) as caught:
        services.submit_entry(incomplete, owner, "k1", now=NOW)
    codes = {v.code for v in caught.value.violations if v.blocking}
    assert {"publication_date_missing", "summary_missing", "copyright_attestation_missing",
            "material_missing", "language_missing"} <= codes
    assert "published_first" in caught.value.errors
    incomplete.refresh_from_db()
    assert incomplete.status == EntryStatus.DRAFT and not SubmitKey.objects.exists()
    # The failed attempt took no number: the next entry of the category is still number 1.
    entry = complete_draft(owner, edition)
    assert services.submit_entry(entry, owner, "k2", now=NOW).entry.receipt_sequence == 1


@pytest.mark.django_db
def test_warnings_do_not_stop_a_submit(edition, owner):
    entry = complete_draft(owner, edition, genre="")  # genre missing is a warning
    assert services.submit_entry(entry, owner, "k", now=NOW).entry.status == "submitted"


@pytest.mark.django_db
def test_no_submit_after_the_deadline_in_vietnam_time(edition, owner):
    entry = complete_draft(owner, edition)
    one_second_late = dt.datetime(2026, 7, 31, 17, 0, 0, tzinfo=dt.UTC)  # 00:00:00 on 1/8 +07
    with pytest.raises(DeadlinePassed) as caught:
        services.submit_entry(entry, owner, "k", now=one_second_late)
    assert "23:59:59 31/07/2026" in str(caught.value)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT  # the draft is kept
    assert services.submit_entry(entry, owner, "k", now=DEADLINE).entry.status == "submitted"


@pytest.mark.django_db
def test_an_extended_deadline_is_honoured(edition, owner):
    edition = reload_edition(edition, ("# deadline_extended = 2026-09-15T23:59:59+07:00",
                                       "deadline_extended = 2026-09-15T23:59:59+07:00"))
    entry = complete_draft(owner, edition)
    result = services.submit_entry(entry, owner, "k", now=dt.datetime(2026, 9, 1, tzinfo=dt.UTC))
    assert result.entry.status == EntryStatus.SUBMITTED


@pytest.mark.django_db
def test_a_closed_category_takes_no_submission(edition, owner):
    entry = complete_draft(owner, edition)
    Category.objects.filter(pk=entry.category_id).update(is_active=False)
    entry.refresh_from_db()
    with pytest.raises(EntryBlocked) as caught:
        services.submit_entry(entry, owner, "k", now=NOW)
    assert "category_closed" in {v.code for v in caught.value.violations}


@pytest.mark.django_db
def test_only_the_owner_submits(edition, owner, people):
    entry = complete_draft(owner, edition)
    for actor in (new_participant(edition, "Người khác"), people["organiser"]):
        with pytest.raises(EntryPermissionDenied):
            services.submit_entry(entry, actor, "k", now=NOW)


@pytest.mark.django_db
def test_resubmitting_a_submitted_entry_is_refused(edition, owner):
    entry = complete_draft(owner, edition)
    services.submit_entry(entry, owner, "k1", now=NOW)
    with pytest.raises(EntryConflict) as caught:
        services.resubmit_entry(entry, owner, "k2", now=NOW)
    assert "already been submitted" in str(caught.value)
    draft = complete_draft(owner, edition)
    with pytest.raises(EntryConflict, match="Only an entry returned"):
        services.resubmit_entry(draft, owner, "k3", now=NOW)


# --- receipts ----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_each_category_counts_its_own_receipts(edition, owner):
    numbers = [services.submit_entry(complete_draft(owner, edition, code), owner, f"k{n}",
                                     now=NOW).receipt_number
               for n, code in enumerate(["bao-tap-chi-tieng-viet", "sach",
                                         "bao-tap-chi-tieng-viet"])]
    assert numbers == ["XII-bao-tap-chi-tieng-viet-0001", "XII-sach-0001",
                       "XII-bao-tap-chi-tieng-viet-0002"]


@pytest.mark.django_db
def test_numbers_are_taken_alike_where_update_returns_nothing(edition, owner, monkeypatch):
    # SQLite before 3.35 has no UPDATE … RETURNING: the number is read back after the update.
    monkeypatch.setattr(submission, "_update_returns_rows", lambda: False)
    numbers = [services.submit_entry(complete_draft(owner, edition, code), owner, f"k{n}",
                                     now=NOW).receipt_number
               for n, code in enumerate(["sach", "sach", "phat-thanh"])]
    assert numbers == ["XII-sach-0001", "XII-sach-0002", "XII-phat-thanh-0001"]
    assert ReceiptSequence.objects.get(category__code="sach").last_number == 2


@pytest.mark.django_db
def test_the_edition_file_sets_the_receipt_format(edition, owner):
    edition = reload_edition(edition, (
        'receipt_number_format = "{edition}-{category}-{sequence:04d}"',
        'receipt_number_format = "{year}/{edition}-{number:02d}-{sequence:05d}"'))
    entry = complete_draft(owner, edition, "sach")
    assert services.submit_entry(entry, owner, "k", now=NOW).receipt_number == "2026/XII-05-00001"


@pytest.mark.parametrize(("value", "words"), [
    ("{edition}-{category}", "must contain {sequence}"),
    ("{edition}-{author}-{sequence}", "not a valid format"),
    ("{sequence:04q}", "not a valid format"),
    ("{edition}-{sequence", "not a valid format"),
])
def test_a_bad_receipt_format_is_refused_when_the_edition_is_loaded(value, words):
    text = EDITION_FILE.read_text(encoding="utf-8").replace(
        'receipt_number_format = "{edition}-{category}-{sequence:04d}"',
        f'receipt_number_format = "{value}"')
    with pytest.raises(EditionFileInvalid) as caught:
        parse_edition(text)
    assert words in str(caught.value) and "receipt_number_format" in str(caught.value)


# --- return, resubmit, withdraw ----------------------------------------------------------------

@pytest.mark.django_db
def test_a_returned_entry_is_fixed_and_resubmitted_with_its_receipt(edition, owner, intake):
    entry = complete_draft(owner, edition)
    receipt = services.submit_entry(entry, owner, "k1", now=NOW).receipt_number
    services.return_for_fixes(entry, intake, reason="Thiếu bản chụp trang báo.",
                              deadline=dt.date(2026, 8, 10), now=LATER)
    entry.refresh_from_db()
    fixed = services.update_draft(entry, owner, entry.version, now=LATER,
                                  outlet="Báo Nhân Dân in")
    assert fixed.outlet == "Báo Nhân Dân in"
    result = services.submit_entry(entry, owner, "k2", now=LATER)  # submit resubmits it
    assert result.receipt_number == receipt and result.entry.status == EntryStatus.SUBMITTED
    assert result.entry.submitted_at == NOW and result.entry.resubmitted_at == LATER
    assert ReceiptSequence.objects.get().last_number == 1
    assert [e.action for e in EntryEvent.objects.filter(entry=entry)] == [
        "created", "submitted", "returned", "resubmitted"]


@pytest.mark.django_db
def test_fixes_are_refused_after_their_deadline(edition, owner, intake):
    entry = complete_draft(owner, edition)
    services.submit_entry(entry, owner, "k1", now=NOW)
    services.return_for_fixes(entry, intake, reason="Sửa tóm tắt.",
                              deadline=dt.date(2026, 7, 20), now=LATER)
    # Before the edition's deadline but after the one set for the fixes.
    with pytest.raises(DeadlinePassed, match="deadline for fixes"):
        services.resubmit_entry(entry, owner, "k2", now=dt.datetime(2026, 7, 21, tzinfo=dt.UTC))


@pytest.mark.django_db
def test_a_returned_entry_may_be_fixed_after_the_edition_deadline(edition, owner, intake):
    entry = complete_draft(owner, edition)
    services.submit_entry(entry, owner, "k1", now=NOW)
    services.return_for_fixes(entry, intake, reason="Bổ sung bản dịch.",
                              deadline=dt.date(2026, 8, 15), now=DEADLINE)
    after = dt.datetime(2026, 8, 5, tzinfo=dt.UTC)
    assert services.resubmit_entry(entry, owner, "k2", now=after).entry.status == "submitted"


@pytest.mark.django_db
def test_withdrawal_before_the_deadline_keeps_the_number_unused(edition, owner):
    entry = complete_draft(owner, edition)
    services.submit_entry(entry, owner, "k1", now=NOW)
    withdrawn = services.withdraw_entry(entry, owner, reason="Gửi nhầm hạng mục", now=LATER)
    assert withdrawn.status == EntryStatus.WITHDRAWN
    assert withdrawn.receipt_number == "XII-bao-tap-chi-tieng-viet-0001"
    assert services.withdraw_entry(entry, owner, now=LATER).status == "withdrawn"  # idempotent
    other = complete_draft(owner, edition)
    assert services.submit_entry(other, owner, "k2", now=LATER).receipt_number.endswith("0002")
    with pytest.raises(EntryConflict):
        services.submit_entry(entry, owner, "k3", now=LATER)


@pytest.mark.django_db
def test_no_withdrawal_after_the_deadline_or_once_judged(edition, owner):
    entry = complete_draft(owner, edition)
    services.submit_entry(entry, owner, "k1", now=NOW)
    with pytest.raises(DeadlinePassed):
        services.withdraw_entry(entry, owner, now=DEADLINE + dt.timedelta(seconds=1))
    Entry.objects.filter(pk=entry.pk).update(status=EntryStatus.IN_JUDGING)
    with pytest.raises(EntryConflict):
        services.withdraw_entry(entry, owner, now=NOW)


# --- the confirmation mail -----------------------------------------------------------------------

@pytest.mark.django_db
def test_the_confirmation_mail_leaves_after_commit_in_the_participants_language(
        edition, owner, mailbox, django_capture_on_commit_callbacks):
    entry = complete_draft(owner, edition)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.submit_entry(entry, owner, "k1", now=NOW)
    assert not mailbox.messages  # nothing before the commit
    for callback in callbacks:
        callback()
    [message] = mailbox.messages
    assert message["To"] == owner.email
    subject = message["Subject"].strip()  # decoded from its RFC 2047 encoding
    assert subject.startswith("XII-bao-tap-chi-tieng-viet-0001 · ")
    assert subject.endswith("Giải thưởng toàn quốc về thông tin đối ngoại")  # owner reads vi
    body = message.get_content()
    assert "Hà Nội – điểm hẹn của bạn bè quốc tế" in body
    assert "10:00:00 10/07/2026" in body
    assert "http://" in body


@pytest.mark.django_db
def test_a_replayed_submit_sends_no_second_mail(edition, owner, mailbox,
                                                django_capture_on_commit_callbacks):
    entry = complete_draft(owner, edition)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_entry(entry, owner, "k1", now=NOW)
        services.submit_entry(entry, owner, "k1", now=NOW)
    assert len(mailbox.messages) == 1


@pytest.mark.django_db
def test_a_mail_that_cannot_be_sent_does_not_undo_the_submit(edition, owner, settings,
                                                            django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    entry = complete_draft(owner, edition)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_entry(entry, owner, "k1", now=NOW)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED


# --- concurrency (a real SQLite file or PostgreSQL; threads with their own connections) ------

def _in_threads(jobs):
    errors = []

    def run(job):
        try:
            job()
        except Exception as exc:  # collected and asserted by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_threads_submitting_with_the_same_key_make_one_entry_and_one_receipt(edition):
    owner = new_participant(edition)
    entry = complete_draft(owner, edition)
    results = []

    def submit():
        results.append(services.submit_entry(Entry.objects.get(pk=entry.pk), owner, "same",
                                             now=NOW))

    assert _in_threads([submit, submit]) == []
    assert sorted(r.replayed for r in results) == [False, True]
    assert {r.receipt_number for r in results} == {"XII-bao-tap-chi-tieng-viet-0001"}
    assert Entry.objects.filter(status=EntryStatus.SUBMITTED).count() == 1
    assert ReceiptSequence.objects.get().last_number == 1
    assert SubmitKey.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_threads_with_different_keys_submit_once_and_the_other_is_told(edition):
    owner = new_participant(edition)
    entry = complete_draft(owner, edition)
    jobs = [lambda key=key: services.submit_entry(Entry.objects.get(pk=entry.pk), owner, key,
                                                  now=NOW) for key in ("a", "b")]
    errors = _in_threads(jobs)
    assert len(errors) == 1 and isinstance(errors[0], EntryConflict)
    assert ReceiptSequence.objects.get().last_number == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_submissions_in_a_category_get_numbers_1_to_20(edition):
    owners = [new_participant(edition, f"Tác giả {n}") for n in range(20)]
    drafts = [complete_draft(owner, edition) for owner in owners]

    def submit(owner, draft):
        return lambda: services.submit_entry(draft, owner, f"key-{draft.pk}", now=NOW)

    assert _in_threads([submit(o, d) for o, d in zip(owners, drafts, strict=True)]) == []
    sequences = sorted(Entry.objects.values_list("receipt_sequence", flat=True))
    assert sequences == list(range(1, 21))
    numbers = set(Entry.objects.values_list("receipt_number", flat=True))
    assert numbers == {f"XII-bao-tap-chi-tieng-viet-{n:04d}" for n in range(1, 21)}
    assert ReceiptSequence.objects.get().last_number == 20
