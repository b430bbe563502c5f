"""Intake decisions (xét hợp lệ): an intake officer or organiser of the edition marks a submitted
entry valid, returns it for fixes with a reason and a deadline, or rejects it with a reason.
Each decision is recorded in the entry's history, audited, and mailed to the participant."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from giaithuong.common.tasks import enqueue_after_commit
from giaithuong.entries import tasks
from giaithuong.entries.cleaning import clean_text
from giaithuong.entries.errors import EntryConflict, EntryError
from giaithuong.entries.models import Entry, EntryStatus
from giaithuong.entries.services._base import (
    lock,
    moment,
    record_audit,
    record_event,
    require_reviewer,
    zone,
)

MAX_REASON = 5000
# decision -> the statuses it may follow (intake may change its mind until judging starts)
ALLOWED = {
    EntryStatus.VALID: frozenset({EntryStatus.SUBMITTED, EntryStatus.REJECTED}),
    EntryStatus.RETURNED: frozenset({EntryStatus.SUBMITTED, EntryStatus.VALID}),
    EntryStatus.REJECTED: frozenset({EntryStatus.SUBMITTED, EntryStatus.VALID,
                                     EntryStatus.RETURNED}),
}
ACTIONS = {EntryStatus.VALID: "marked_valid", EntryStatus.RETURNED: "returned",
           EntryStatus.REJECTED: "rejected"}


def _reason(value, *, required: bool) -> str:
    text = clean_text(str(value or ""), multiline=True)
    if required and not text:
        raise EntryError(_("Give the reason: the participant reads it."), field="reason",
                         code="reason_missing")
    if len(text) > MAX_REASON:
        raise EntryError(format_lazy(_("Keep this under {limit} characters (now {count})."),
                                     limit=MAX_REASON, count=len(text)), field="reason",
                         code="reason_too_long")
    return text


def _fix_deadline(value, entry: Entry, now: dt.datetime) -> dt.datetime:
    """An aware moment; a date means the end of that day where the award is run."""
    if isinstance(value, str) and value.strip():
        try:
            value = (dt.datetime.fromisoformat(value.strip()) if "T" in value
                     else dt.date.fromisoformat(value.strip()))
        except ValueError:
            value = None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(23, 59, 59), tzinfo=zone(entry.edition))
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=zone(entry.edition))
    if not isinstance(value, dt.datetime):
        raise EntryError(_("Give the date by which the fixes are due."), field="deadline",
                         code="deadline_missing")
    if value <= now:
        raise EntryError(_("The date for the fixes must be in the future."), field="deadline",
                         code="deadline_past")
    return value


def _decide(entry: Entry, actor, to: EntryStatus, *, note: str, now: dt.datetime,
            fields: dict) -> Entry:
    with transaction.atomic():
        row = lock(entry)
        require_reviewer(row, actor)
        if row.status == to and to == EntryStatus.VALID:
            return row  # marking valid twice is not an error
        if row.status not in ALLOWED[to]:
            raise EntryConflict(format_lazy(
                _("An entry that is {status} cannot be {decision}."),
                status=EntryStatus(row.status).label.lower(), decision=to.label.lower()),
                code="decision_not_allowed")
        before = {"status": row.status, **{name: getattr(row, name) for name in fields}}
        from_status = row.status
        row.status, row.decided_at = to, now
        for name, value in fields.items():
            setattr(row, name, value)
        row.version += 1
        row.save()
        record_event(row, actor=actor, action=ACTIONS[to], from_status=from_status, at=now,
                     note=note)
        record_audit(f"entry.{ACTIONS[to]}", actor=actor, entry=row, before=before,
                     after={"status": to, **fields})
        enqueue_after_commit(tasks.send_entry_mail, row.pk, ACTIONS[to])
    return row


def mark_valid(entry: Entry, actor, *, note: str = "", now: dt.datetime | None = None) -> Entry:
    """The entry meets the rules (hợp lệ)."""
    return _decide(entry, actor, EntryStatus.VALID, note=_reason(note, required=False),
                   now=moment(now), fields={"rejected_reason": "", "returned_reason": ""})


def return_for_fixes(entry: Entry, actor, *, reason: str, deadline: dt.datetime | dt.date | str,
                     now: dt.datetime | None = None) -> Entry:
    """Send the entry back to its participant, who may change and resubmit it until
    `deadline` (a date means the end of that day in the edition's time zone)."""
    now = moment(now)
    text = _reason(reason, required=True)
    due = _fix_deadline(deadline, entry, now)
    return _decide(entry, actor, EntryStatus.RETURNED, note=text, now=now,
                   fields={"returned_reason": text, "return_deadline": due})


def reject(entry: Entry, actor, *, reason: str, now: dt.datetime | None = None) -> Entry:
    """The entry does not meet the rules and leaves the award (không hợp lệ)."""
    text = _reason(reason, required=True)
    return _decide(entry, actor, EntryStatus.REJECTED, note=text, now=moment(now),
                   fields={"rejected_reason": text})

