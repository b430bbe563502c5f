"""The entries' background work through the real database queue and its worker
(`giaithuong db_worker`): a submit answers before its mail and duplicate detection run; the
task rows commit with the change or not at all; a refusing mail server is tried again later."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from giaithuong.entries import services, tasks
from giaithuong.entries.errors import EntryBlocked
from giaithuong.entries.models import DuplicateFlag, EntryStatus
from tests.entries.conftest import NOW, complete_draft, new_participant

pytestmark = pytest.mark.django_db

TITLE = "Hà Nội – điểm hẹn của bạn bè quốc tế"


@pytest.fixture
def owner(edition):
    return new_participant(edition)


def test_a_submit_leaves_its_mail_and_duplicate_check_to_the_worker(
        edition, owner, mailbox, task_queue, django_capture_on_commit_callbacks):
    other = new_participant(edition, "Phạm Văn Bình")
    first = complete_draft(other, edition, title=TITLE)
    second = complete_draft(owner, edition, title=TITLE)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_entry(first, other, "k1", now=NOW)
        result = services.submit_entry(second, owner, "k2", now=NOW)
    assert result.receipt_number == "XII-bao-tap-chi-tieng-viet-0002"
    # answered: numbered and committed, while the follow-up work waits in the queue
    assert task_queue.names() == ["follow_up_submit"] * 2
    assert not mailbox.messages and not DuplicateFlag.objects.exists()

    task_queue.run()
    assert task_queue.pending() == 0
    assert sorted(m["To"] for m in mailbox.messages) == sorted([owner.email, other.email])
    assert "XII-bao-tap-chi-tieng-viet-0002" in next(
        m["Subject"] for m in mailbox.messages if m["To"] == owner.email)
    [flag] = DuplicateFlag.objects.all()
    assert {flag.entry_a_id, flag.entry_b_id} == {first.pk, second.pk}
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_a_refused_submit_leaves_no_task(edition, owner, task_queue):
    draft = complete_draft(owner, edition, summary_vi="")
    with pytest.raises(EntryBlocked):
        services.submit_entry(draft, owner, "k1", now=NOW)
    assert task_queue.pending() == 0


def test_a_replayed_submit_enqueues_nothing_more(edition, owner, task_queue):
    draft = complete_draft(owner, edition)
    services.submit_entry(draft, owner, "k1", now=NOW)
    services.submit_entry(draft, owner, "k1", now=NOW)
    assert task_queue.names() == ["follow_up_submit"]


def test_a_refusing_mail_server_is_tried_again_later_then_given_up(
        edition, owner, settings, task_queue):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    draft = complete_draft(owner, edition)
    services.submit_entry(draft, owner, "k1", now=NOW)
    before = timezone.now()
    task_queue.run()
    draft.refresh_from_db()
    assert draft.status == EntryStatus.SUBMITTED  # the mail never undoes the submit
    [retry] = DBTaskResult.objects.filter(status="READY")
    assert retry.task_path.endswith("send_entry_mail")
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    assert retry.run_after >= before + dt.timedelta(minutes=1)
    # The last attempt fails for good and stays in the queue's record as failed.
    DBTaskResult.objects.filter(pk=retry.pk).update(
        run_after=timezone.now(), args_kwargs={"args": [draft.pk, "submitted"],
                                               "kwargs": {"attempt": tasks.MAIL_ATTEMPTS}})
    task_queue.run()
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1


def test_a_rolled_back_change_takes_its_tasks_with_it(edition, owner, task_queue):
    from django.db import transaction

    draft = complete_draft(owner, edition)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.submit_entry(draft, owner, "k1", now=NOW)
        raise RuntimeError("the request fails after the submit")
    draft.refresh_from_db()
    assert draft.status == EntryStatus.DRAFT and task_queue.pending() == 0


def test_an_erased_entry_is_skipped_by_the_worker(edition, owner, task_queue):
    draft = complete_draft(owner, edition)
    services.submit_entry(draft, owner, "k1", now=NOW)
    draft.delete()
    task_queue.run()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_a_task_whose_worker_died_is_put_back_and_run_once_more(
        edition, owner, mailbox, task_queue):
    import datetime as dt
    import io

    from django.core.management import call_command

    draft = complete_draft(owner, edition)
    services.submit_entry(draft, owner, "k1", now=NOW)
    # A worker claimed it and was killed: the row stays RUNNING, nobody finishes it.
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now() - dt.timedelta(
        minutes=30), worker_ids=["gone"])
    out = io.StringIO()
    call_command("requeue_stalled_tasks", stdout=out)  # not yet: it may still be working
    assert out.getvalue().strip() == "requeued 0 stalled task(s)"
    call_command("requeue_stalled_tasks", "--after-minutes", "20", stdout=out)
    assert "requeued 1 stalled task(s)" in out.getvalue()
    task_queue.run()
    [row] = DBTaskResult.objects.all()
    assert row.status == "SUCCESSFUL" and row.worker_ids[0] == "gone"
    [message] = mailbox.messages
    assert message["To"] == owner.email
