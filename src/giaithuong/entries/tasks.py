"""Background tasks of the entries app (`giaithuong db_worker` runs them).

Services enqueue them with `common.tasks.enqueue_after_commit`, so a submit answers as soon as
the entry is safely numbered; the participant's mail, duplicate detection and the inspection of
large files follow within seconds. Each task is idempotent.
"""

from __future__ import annotations

import logging
import smtplib

from django_tasks import task

from giaithuong.common.tasks import retry_later
from giaithuong.entries import mail
from giaithuong.entries.models import Entry
from giaithuong.entries.signals import entry_submitted

log = logging.getLogger(__name__)

MAIL_ATTEMPTS = 6  # over about an hour: 1, 2, 4, 8 and 16 minutes apart


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
def announce_submitted(entry_id: int) -> None:
    """Tell the receivers of `signals.entry_submitted` (duplicate detection) about a submit or
    resubmit that has committed. A failing receiver is logged and never touches the entry."""
    entry = Entry.objects.filter(pk=entry_id).first()
    if entry is None:  # erased meanwhile
        return
    for receiver, outcome in entry_submitted.send_robust(sender=Entry, entry_id=entry_id,
                                                         entry=entry):
        if isinstance(outcome, Exception):
            log.error("entry %s: %r failed after the submit", entry_id, receiver,
                      exc_info=outcome)


@task()
def follow_up_submit(entry_id: int, kind: str) -> None:
    """After a submit or resubmit: duplicate detection, then the participant's mail (one task
    row per submit keeps the submit's own transaction short)."""
    announce_submitted.call(entry_id)
    send_entry_mail.call(entry_id, kind)


@task()
def inspect_entry_file(file_id: int) -> None:
    """Inspect a file too large to inspect in the request (video, long audio, big scans)."""
    from giaithuong.entries import pipeline  # pipeline uses the services, which enqueue this

    pipeline.inspect_entry_file(file_id)
