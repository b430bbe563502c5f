"""Background tasks of the entries app (`giaithuong db_worker` runs them).

Services enqueue them with `common.tasks.enqueue_after_commit` (or `enqueue_once` for the
batch that follows submits), so a submit answers as soon as the entry is safely numbered; the
participant's mail, duplicate detection and the inspection of large files follow within
seconds. Each task is idempotent.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django_tasks import task

from giaithuong.common.tasks import enqueue_once, retry_later
from giaithuong.entries import follow_up, mail

log = logging.getLogger(__name__)

MAIL_ATTEMPTS = 6  # over about an hour: 1, 2, 4, 8 and 16 minutes apart
HELD_RETRY = dt.timedelta(seconds=5)


@task()
def send_entry_mail(entry_id: int, kind: str, attempt: int = 1) -> bool:
    """Mail the participant about their entry; a refusing mail server is tried again later."""
    try:
        return mail.send_status_mail(entry_id, kind)
    except (smtplib.SMTPException, OSError):
        again = retry_later(send_entry_mail, attempt, entry_id, kind, attempts=MAIL_ATTEMPTS)
        log.warning("entry %s: the %s mail to its participant failed (attempt %s%s)", entry_id,
                    kind, attempt, ", will retry" if again else ", giving up", exc_info=True)
        if not again:
            raise
        return False


@task()
def follow_up_submits() -> int:
    """Duplicate detection and the receipt mail for every entry submitted or resubmitted since
    the last run, a batch at a time (`follow_up`); returns how many were followed up. Enqueued
    by submits with `enqueue_once`, so a rush runs a few of these, not one per submit; while
    the rush goes on, it waits (`follow_up.should_wait`)."""
    can_wait = follow_up_submits.get_backend().supports_defer  # not the immediate backend
    if can_wait and follow_up.should_wait():
        enqueue_once(follow_up_submits, delay=follow_up.RUSH_PAUSE)
        return 0
    done = 0
    while True:
        outcome = follow_up.follow_up_batch()
        done += outcome.done
        if outcome.held and not outcome.done:
            # Entries held by another transaction (an intake decision, say): soon again.
            if can_wait:
                enqueue_once(follow_up_submits, delay=HELD_RETRY)
            return done
        if outcome.done + outcome.held < follow_up.BATCH:
            # Caught up. Entries submitted since this run started have a run of their own
            # waiting: they found this one no longer waiting (`enqueue_once`).
            return done


@task()
def inspect_entry_file(file_id: int) -> None:
    """Inspect a file too large to inspect in the request (video, long audio, big scans)."""
    from giaithuong.entries import pipeline  # pipeline uses the services, which enqueue this

    pipeline.inspect_entry_file(file_id)
