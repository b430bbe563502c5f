"""What every entry service shares: locking, permission and deadline checks, history, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from giaithuong.common import audit, plain_sql
from giaithuong.editions.rules import time_zone
from giaithuong.entries import permissions
from giaithuong.entries.errors import (
    DeadlinePassed,
    EntryConflict,
    EntryError,
    EntryPermissionDenied,
    StaleVersion,
)
from giaithuong.entries.models import Entry, EntryEvent, EntryStatus


def moment(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def zone(edition) -> dt.tzinfo:
    return time_zone(edition.rules.timeline.timezone)


def deadline(edition) -> dt.datetime:
    """The entry deadline, extended when the edition extended it (Asia/Ho_Chi_Minh by default)."""
    return edition.rules.timeline.effective_deadline


def local_text(moment_: dt.datetime, edition) -> str:
    """A moment as people there read it: 23:59:59 31/07/2026."""
    return moment_.astimezone(zone(edition)).strftime("%H:%M:%S %d/%m/%Y")


def lock(entry: Entry | int, *, related: tuple[str, ...] = ("edition", "category", "owner"),
         defer: tuple[str, ...] = ()) -> Entry:
    """The entry, re-read and locked until the transaction ends (SQLite: the whole database is
    already locked, as our transactions begin IMMEDIATE)."""
    pk = entry.pk if isinstance(entry, Entry) else entry
    row = (Entry.objects.select_for_update(of=("self",))
           .select_related(*related).defer(*defer).filter(pk=pk).first())
    if row is None:
        raise EntryError(_("This entry does not exist."), code="not_found")
    return row


def require_active(actor) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise EntryPermissionDenied(_("Sign in to work on entries."))


def require_owner(entry: Entry, actor) -> None:
    require_active(actor)
    if entry.owner_id != actor.pk:
        raise EntryPermissionDenied(_("Only the participant who prepared this entry may change "
                                      "or submit it."))


def require_reviewer(entry: Entry, actor) -> None:
    require_active(actor)
    if not permissions.can_review(actor, entry.edition_id):
        raise EntryPermissionDenied(_("Only intake officers and organisers of this edition may "
                                      "decide on entries."))
    if entry.owner_id == actor.pk or entry.authors.filter(user_id=actor.pk).exists():
        raise EntryPermissionDenied(_("You cannot decide on an entry of your own."))


def require_version(entry: Entry, version: int | None) -> None:
    if version is not None and int(version) != entry.version:
        raise StaleVersion(
            _("This entry was changed in another window or by someone else after you opened "
              "it, so your changes were not saved. Reload the entry to see the other changes, "
              "then make yours again."), current=entry)


def editing_deadline(entry: Entry) -> dt.datetime:
    """Until when the participant may change (and withdraw) the entry."""
    if entry.status == EntryStatus.RETURNED and entry.return_deadline:
        return max(entry.return_deadline, deadline(entry.edition))
    return deadline(entry.edition)


def require_editable(entry: Entry, now: dt.datetime) -> None:
    if entry.status == EntryStatus.RETURNED:
        if entry.return_deadline and now > entry.return_deadline:
            raise DeadlinePassed(format_lazy(
                _("The deadline for fixes ({deadline}) has passed; the entry can no longer be "
                  "changed."), deadline=local_text(entry.return_deadline, entry.edition)))
        return
    if entry.status != EntryStatus.DRAFT:
        raise EntryConflict(format_lazy(
            _("This entry is {status} and can no longer be changed."),
            status=EntryStatus(entry.status).label.lower()), code="not_editable")
    if now > deadline(entry.edition):
        raise DeadlinePassed(format_lazy(
            _("The deadline for entries ({deadline}, Vietnam time) has passed. Your draft is "
              "kept, but it can no longer be changed or submitted."),
            deadline=local_text(deadline(entry.edition), entry.edition)))


def plain(value: Any) -> Any:
    """A value as the audit log and history store it (JSON)."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def record_event(entry: Entry, *, actor, action: str, from_status: str, at: dt.datetime,
                 note: str = "") -> EntryEvent:
    event = EntryEvent(
        entry=entry, at=at, actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action, from_status=from_status, to_status=entry.status, note=note)
    plain_sql.insert(event)  # every change of an entry writes one (see `common.plain_sql`)
    return event


def record_audit(action: str, *, actor, entry: Entry, before: Any = None,
                 after: Any = None) -> None:
    audit.record(action, actor=actor, target=entry, before=plain(before), after=plain(after))
