"""Intake's word on a possible duplicate: not a duplicate (dismissed) or the same work entered
twice (confirmed). The entries themselves are decided separately (valid, returned, rejected)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from giaithuong.common import audit
from giaithuong.entries import permissions
from giaithuong.entries.cleaning import clean_text
from giaithuong.entries.errors import EntryError, EntryPermissionDenied
from giaithuong.entries.models import DuplicateFlag, DuplicateStatus, EntryAuthor
from giaithuong.entries.services._base import moment, require_active

DECISIONS = frozenset({DuplicateStatus.DISMISSED, DuplicateStatus.CONFIRMED})
MAX_NOTE = 5000


def decide_duplicate(flag: DuplicateFlag, actor, decision: str, *, note: str = "",
                     now: dt.datetime | None = None) -> DuplicateFlag:
    """Record intake's decision on `flag`. Deciding the same again changes nothing; intake may
    change its mind (dismissed <-> confirmed), which is audited like the first decision."""
    now = moment(now)
    require_active(actor)
    if decision not in DECISIONS:
        raise EntryError(_("Choose whether the two entries are the same work."),
                         field="decision", code="bad_decision")
    text = clean_text(str(note or ""), multiline=True)
    if len(text) > MAX_NOTE:
        raise EntryError(format_lazy(_("Keep this under {limit} characters (now {count})."),
                                     limit=MAX_NOTE, count=len(text)), field="note",
                         code="note_too_long")
    with transaction.atomic():
        row = DuplicateFlag.objects.select_for_update().filter(pk=flag.pk).first()
        if row is None:
            raise EntryError(_("This possible duplicate no longer exists."), code="not_found")
        if not permissions.can_review(actor, row.edition_id):
            raise EntryPermissionDenied(_("Only intake officers and organisers of this edition "
                                          "may decide on possible duplicates."))
        if (EntryAuthor.objects.filter(entry_id__in=(row.entry_a_id, row.entry_b_id),
                                       user_id=actor.pk).exists()
                or row.entry_a.owner_id == actor.pk or row.entry_b.owner_id == actor.pk):
            raise EntryPermissionDenied(_("You cannot decide on an entry of your own."))
        if row.status == decision and row.note == text:
            return row
        before = {"status": row.status, "note": row.note}
        row.status, row.note = decision, text
        row.decided_by, row.decided_at = actor, now
        row.save(update_fields=["status", "note", "decided_by", "decided_at"])
        audit.record(f"entry.duplicate_{decision}", actor=actor, target=row, before=before,
                     after={"status": decision, "note": text,
                            "entry_a": row.entry_a_id, "entry_b": row.entry_b_id})
    return row


__all__ = ["decide_duplicate"]
