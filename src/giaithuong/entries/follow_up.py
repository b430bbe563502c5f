"""What follows a submit, in batches: duplicate detection and the participant's receipt mail.

A submit marks its entry (`Entry.follow_up`, in the same UPDATE that numbers it) and makes sure
a run of `tasks.follow_up_submits` is waiting (`common.tasks.enqueue_once`), starting `DELAY`
later. That run takes the marked entries a batch at a time: duplicate detection for the whole
batch in a few statements, then every mail over one connection to the mail server, and the
marks cleared in the same transaction that held the rows while their mails went out, so two
workers never send the same mail. In a rush this is one task and a handful of statements per
batch, where a task per submit cost three commits and a connection each (decision 0014).

While submits pour in, the follow-up waits (`should_wait`): the submits come first. On a
machine where the web and the worker share the CPUs, any work beside the web slowed the submits
by a third, even at the kernel's idle CPU priority (decision 0014). It waits at most `MAX_WAIT`
after the oldest submit still to follow up, so mails keep flowing in a long rush.

A mail the server refuses is handed to `tasks.send_entry_mail`, which tries again later.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from giaithuong.common.tasks import retry_later
from giaithuong.entries import mail
from giaithuong.entries.models import Entry
from giaithuong.entries.signals import entries_submitted

log = logging.getLogger(__name__)

BATCH = 250
# A run starts this long after the submit that enqueued it, so that every submit meanwhile is
# followed up by the same run: in a rush, a few large batches rather than many small ones.
DELAY = dt.timedelta(seconds=2)


# A rush: at least RUSH_SUBMITS submits in the last RUSH_WINDOW (two a second).
RUSH_WINDOW = dt.timedelta(seconds=10)
RUSH_SUBMITS = 20
RUSH_PAUSE = dt.timedelta(seconds=15)
MAX_WAIT = dt.timedelta(minutes=5)


def should_wait(now: dt.datetime | None = None) -> bool:
    """Whether the follow-up should wait for a rush of submits to pass: only while one goes
    on, and never more than `MAX_WAIT` after the oldest submit still to follow up."""
    now = now or timezone.now()
    oldest = (Entry.objects.filter(follow_up__gt="")
              .aggregate(oldest=Min("updated_at"))["oldest"])
    if oldest is None or now - oldest >= MAX_WAIT:
        return False
    recent = Entry.objects.filter(submitted_at__gte=now - RUSH_WINDOW).order_by()
    return recent[:RUSH_SUBMITS].count() >= RUSH_SUBMITS


@dataclass(frozen=True)
class Outcome:
    done: int  # entries followed up
    held: int  # marked entries another transaction held; left for a later run


def pending(limit: int = BATCH) -> list[int]:
    """Entries whose follow-up is still to do, first marked first (by id: close enough)."""
    return list(Entry.objects.filter(follow_up__gt="").order_by("pk")
                .values_list("pk", flat=True)[:limit])


def follow_up_batch(limit: int = BATCH) -> Outcome:
    """Follow up on up to `limit` marked entries."""
    ids = pending(limit)
    if not ids:
        return Outcome(0, 0)
    for receiver, outcome in entries_submitted.send_robust(sender=Entry, entry_ids=ids):
        if isinstance(outcome, Exception):
            log.error("entries %s: %r failed after their submit", ids, receiver,
                      exc_info=outcome)
    with transaction.atomic():
        rows = list(mail.with_mail_context(
            Entry.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=ids, follow_up__gt="")).order_by("pk"))
        failed = mail.send_status_mails([(row, row.follow_up) for row in rows])
        Entry.objects.filter(pk__in=[row.pk for row in rows]).update(follow_up="")
    for row, kind in failed:
        _mail_later(row, kind)
    return Outcome(len(rows), len(ids) - len(rows))


def _mail_later(entry: Entry, kind: str) -> None:
    from giaithuong.entries.tasks import MAIL_ATTEMPTS, send_entry_mail

    again = retry_later(send_entry_mail, 1, entry.pk, kind, attempts=MAIL_ATTEMPTS)
    log.warning("entry %s: the %s mail to its participant failed%s", entry.pk, kind,
                ", will retry" if again else "")
