"""What the participant's entry pages share: who may open them, the entry lookup with its
object check, the clock, and the deadline an entry is held to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone

from giaithuong.accounts.roles import Role
from giaithuong.common.access import roles
from giaithuong.entries import selectors
from giaithuong.entries.errors import EntryError
from giaithuong.entries.models import Entry, EntryStatus
from giaithuong.entries.services._base import editing_deadline, require_editable

PARTICIPANTS = roles(Role.PARTICIPANT)


# The clock the pages read; tests set it (monkeypatch `clock`) instead of waiting for dates.
clock = timezone.now


def now() -> dt.datetime:
    """The moment a page acts at: every service call of a request gets it, so a request never
    straddles the deadline."""
    return clock()


def own_entry(request, entry_id) -> Entry:
    """The person's own entry; anyone else's does not exist for them (404), even for an
    intake officer who also takes part: these are the participant's pages."""
    entry = selectors.entry_for(request.user, entry_id)
    if entry is None or entry.owner_id != request.user.pk:
        raise Http404
    return entry


@dataclass(frozen=True)
class Timing:
    """Until when an entry may change, and whether it still may."""

    deadline: dt.datetime
    days_left: int
    open: bool
    refusal: str  # why it may not change, in the page's language

    @property
    def last_day(self) -> bool:
        return self.open and self.days_left == 0


def timing(entry: Entry, at: dt.datetime) -> Timing:
    deadline = editing_deadline(entry)
    if entry.status == EntryStatus.RETURNED and entry.return_deadline:
        deadline = entry.return_deadline
    try:
        require_editable(entry, at)
    except EntryError as error:
        refusal = str(error)
    else:
        refusal = ""
    left = deadline - at
    return Timing(deadline=deadline, days_left=max(left.days, 0),
                  open=not refusal, refusal=refusal)
