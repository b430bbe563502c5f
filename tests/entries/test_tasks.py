"""The entries' background work through the real database queue and its worker
(`giaithuong db_worker`): a submit answers before its mail and duplicate detection run; the
task rows commit with the change or not at all; a refusing mail server is tried again later."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from giaithuong.entries import services, tasks
from giaithuong.entries.errors import EntryBlocked
from giaithuong.entries.models import DuplicateFlag, Entry, EntryStatus
from tests.entries.conftest import NOW, complete_draft, new_participant

pytestmark = pytest.mark.django_db

TITLE = "Hà Nội – điểm hẹn của bạn bè quốc tế"


def in_thread(work) -> threading.Thread:
    """`work` started on a thread of its own, with a database connection of its own (closed
    when it ends), as another process would hold one."""

    def run():
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


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
    # answered: numbered and committed, while the follow-up work waits in the queue: one run
    # for both submits
    assert task_queue.names() == ["follow_up_submits"]
    assert set(Entry.objects.values_list("follow_up", flat=True)) == {"submitted"}
    assert not mailbox.messages and not DuplicateFlag.objects.exists()

    task_queue.run()
    assert task_queue.pending() == 0
    assert set(Entry.objects.values_list("follow_up", flat=True)) == {""}
    assert sorted(m["To"] for m in mailbox.messages) == sorted([owner.email, other.email])
    assert len(mailbox.peers) == 1  # one connection to the mail server for the batch
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
    assert task_queue.names() == ["follow_up_submits"]


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


def test_the_run_waits_a_moment_so_that_a_rush_shares_it(edition, owner, task_queue,
                                                          monkeypatch):
    from giaithuong.entries import follow_up

    monkeypatch.setattr(follow_up, "DELAY", dt.timedelta(seconds=2))
    before = timezone.now()
    services.submit_entry(complete_draft(owner, edition), owner, "k1", now=NOW)
    [run] = DBTaskResult.objects.all()
    assert before + dt.timedelta(seconds=2) <= run.run_after <= timezone.now() + dt.timedelta(
        seconds=2)
    task_queue.run()
    assert DBTaskResult.objects.get().status == "READY"  # not yet


def test_a_run_taken_by_a_worker_is_not_counted_on_and_a_new_one_waits(
        edition, owner, mailbox, task_queue):
    first, second = complete_draft(owner, edition), complete_draft(owner, edition)
    services.submit_entry(first, owner, "k1", now=NOW)
    # A worker has taken the waiting run (it may have read the marks already).
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now())
    services.submit_entry(second, owner, "k2", now=NOW)
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    task_queue.run()
    assert sorted(m["Subject"].split()[0] for m in mailbox.messages) == [
        first.__class__.objects.get(pk=pk).receipt_number for pk in sorted([first.pk, second.pk])]


def test_a_rush_of_submits_is_followed_up_by_one_run_in_batches(
        edition, owner, mailbox, task_queue, monkeypatch):
    from giaithuong.entries import follow_up

    monkeypatch.setattr(follow_up, "BATCH", 3)
    people = [new_participant(edition, f"Người dự thi {n}") for n in range(7)]
    for n, person in enumerate(people):
        services.submit_entry(complete_draft(person, edition, title=f"Tác phẩm số {n}"),
                              person, f"k{n}", now=NOW)
    assert task_queue.names() == ["follow_up_submits"]
    task_queue.run()
    [run] = DBTaskResult.objects.all()
    assert run.status == "SUCCESSFUL" and run.return_value == 7  # three batches: 3, 3, 1
    assert sorted(m["To"] for m in mailbox.messages) == sorted(p.email for p in people)
    assert not Entry.objects.filter(follow_up__gt="").exists()


def test_a_resubmit_is_followed_up_with_its_own_mail(edition, owner, intake, mailbox,
                                                     task_queue):
    draft = complete_draft(owner, edition)
    services.submit_entry(draft, owner, "k1", now=NOW)
    task_queue.run()
    services.return_for_fixes(draft, intake, reason="Thiếu bản dịch.",
                              deadline=dt.date(2026, 8, 5), now=NOW + dt.timedelta(hours=1))
    task_queue.run()
    services.submit_entry(draft, owner, "k2", now=NOW + dt.timedelta(hours=2))
    assert Entry.objects.get(pk=draft.pk).follow_up == "resubmitted"
    before = len(mailbox.messages)
    task_queue.run()
    [mail] = mailbox.messages[before:]
    assert mail["To"] == owner.email and Entry.objects.get(pk=draft.pk).follow_up == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL lane")
@pytest.mark.django_db(transaction=True)
def test_a_worker_cannot_take_the_waiting_run_while_a_submit_counting_on_it_is_open(
        edition, owner, task_queue):
    """The race `enqueue_once` closes: had a worker started the waiting run between the
    submit's look at it and its commit, the run would have missed the submit's entry."""
    from django.db import transaction

    first, second = complete_draft(owner, edition), complete_draft(owner, edition)
    services.submit_entry(first, owner, "k1", now=NOW)  # a run is waiting
    counted, release, taken = threading.Event(), threading.Event(), []

    def submit_and_hold():
        with transaction.atomic():
            services.submit_entry(second, owner, "k2", now=NOW)
            counted.set()
            release.wait(10)

    def worker_claims():
        with transaction.atomic():
            taken.append(DBTaskResult.objects.ready().get_locked())

    holder = in_thread(submit_and_hold)
    assert counted.wait(10)
    in_thread(worker_claims).join()
    assert taken == [None]  # passed over while the submit is open
    release.set()
    holder.join()
    assert DBTaskResult.objects.count() == 1  # the submit counted on the waiting run
    in_thread(worker_claims).join()
    assert taken[1] is not None


def test_while_submits_pour_in_the_follow_up_waits_for_the_rush_to_pass(
        edition, owner, mailbox, task_queue, monkeypatch):
    from giaithuong.entries import follow_up

    monkeypatch.setattr(follow_up, "RUSH_SUBMITS", 2)
    first, second = complete_draft(owner, edition), complete_draft(owner, edition)
    services.submit_entry(first, owner, "k1", now=NOW)
    services.submit_entry(second, owner, "k2", now=NOW)
    Entry.objects.update(submitted_at=timezone.now())  # two submits this very moment: a rush
    before = timezone.now()
    task_queue.run()
    assert not mailbox.messages
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.run_after >= before + follow_up.RUSH_PAUSE
    assert Entry.objects.filter(follow_up="submitted").count() == 2

    # The rush is over: the waiting run does the work.
    Entry.objects.update(submitted_at=timezone.now() - follow_up.RUSH_WINDOW)
    DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=timezone.now())
    task_queue.run()
    assert len(mailbox.messages) == 2 and task_queue.pending() == 0


def test_a_long_rush_holds_the_follow_up_back_no_longer_than_max_wait(edition, owner):
    from giaithuong.entries import follow_up

    services.submit_entry(complete_draft(owner, edition), owner, "k1", now=NOW)
    now = timezone.now()
    Entry.objects.update(submitted_at=now)
    assert not follow_up.should_wait(now)  # one submit is no rush
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(follow_up, "RUSH_SUBMITS", 1)
        assert follow_up.should_wait(now)
        # still pouring in, but this submit has waited long enough
        Entry.objects.update(updated_at=now - follow_up.MAX_WAIT)
        assert not follow_up.should_wait(now)


def test_an_entry_withdrawn_before_its_receipt_mail_gets_only_the_withdrawal_mail(
        edition, owner, mailbox, task_queue):
    draft = complete_draft(owner, edition)
    services.submit_entry(draft, owner, "k1", now=NOW)
    services.withdraw_entry(draft, owner, reason="Gửi nhầm", now=NOW)
    task_queue.run()
    [mail] = mailbox.messages
    assert mail["To"] == owner.email and not Entry.objects.filter(follow_up__gt="").exists()
    assert "XII-bao-tap-chi-tieng-viet-0001" in mail["Subject"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL lane")
@pytest.mark.django_db(transaction=True)
def test_a_submit_never_waits_for_a_worker_taking_the_waiting_run(edition, owner, task_queue):
    """The worker runs at idle CPU priority: a submit queued behind its lock would wait for
    it to get the CPU back, and every submit after it too. It passes the run over instead and
    enqueues a new one."""
    from django.db import transaction

    first, second = complete_draft(owner, edition), complete_draft(owner, edition)
    services.submit_entry(first, owner, "k1", now=NOW)  # a run is waiting
    taken, release, finished = threading.Event(), threading.Event(), threading.Event()

    def worker_takes_and_stalls():
        with transaction.atomic():
            assert DBTaskResult.objects.ready().get_locked() is not None
            taken.set()
            release.wait(10)

    def submit():
        services.submit_entry(second, owner, "k2", now=NOW)
        finished.set()

    stalled = in_thread(worker_takes_and_stalls)
    assert taken.wait(10)
    submitting = in_thread(submit)
    assert finished.wait(5)  # did not wait for the worker
    release.set()
    stalled.join()
    submitting.join()
    assert DBTaskResult.objects.filter(status="READY").count() == 2  # one more for the submit
