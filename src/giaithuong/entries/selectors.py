"""Reads of entries for pages and the API. Object-level: a participant sees only their own
entries; intake officers and organisers see the entries of the editions they work on (never
drafts); everyone else sees none. A missing entry and a forbidden one look the same (None)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Case, Count, Prefetch, Q, QuerySet, When

from giaithuong.entries.models import (
    DuplicateFlag,
    DuplicateStatus,
    Entry,
    EntryAuthor,
    EntryEvent,
    EntryFile,
    EntryStatus,
)
from giaithuong.entries.permissions import reviewed_editions


def _with_parts(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    return entries.select_related("edition", "category", "owner").prefetch_related(
        Prefetch("authors", queryset=EntryAuthor.objects.select_related("user")),
        Prefetch("files", queryset=EntryFile.objects.order_by("created_at", "pk")))


def entries_of(user, *, edition=None, include_withdrawn: bool = True) -> QuerySet[Entry]:
    """The person's own entries, newest change first."""
    if not getattr(user, "is_authenticated", False):
        return Entry.objects.none()
    entries = Entry.objects.filter(owner=user)
    if edition is not None:
        entries = entries.filter(edition=edition)
    if not include_withdrawn:
        entries = entries.exclude(status=EntryStatus.WITHDRAWN)
    return entries.select_related("edition", "category").order_by("-updated_at", "-pk")


def _visible(user) -> Q | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    review = reviewed_editions(user) & ~Q(status=EntryStatus.DRAFT) & Q(
        receipt_sequence__isnull=False)
    return Q(owner=user) | review


def entry_for(user, entry_id) -> Entry | None:
    """The entry with its authors and files, if `user` may see it: its owner, or an intake
    officer or organiser of its edition once it has been submitted."""
    visible = _visible(user)
    try:
        pk = int(entry_id)
    except (TypeError, ValueError):
        return None
    if visible is None:
        return None
    return _with_parts(Entry.objects.filter(visible, pk=pk)).first()


def file_for(user, entry_id, file_id) -> EntryFile | None:
    """A file of an entry `user` may see."""
    entry = entry_for(user, entry_id)
    if entry is None:
        return None
    try:
        pk = int(file_id)
    except (TypeError, ValueError):
        return None
    return next((f for f in entry.files.all() if f.pk == pk), None)


def _as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def intake_queue(user, *, edition=None, category=None, status: str | Iterable[str] | None = None,
                 submitted_from: dt.date | None = None, submitted_to: dt.date | None = None,
                 language: str | None = None, country: str | None = None,
                 residence: str | None = None) -> QuerySet[Entry]:
    """Submitted entries of the editions `user` reviews, oldest submission first.

    Filters: `category` (a row or its code), `status` (one or several), submission dates from
    and to (inclusive, days in Vietnam time), `language` (the primary tag: "en" also finds
    "en-GB"), the entrant's `country` (ISO code) and `residence` (vietnam | abroad)."""
    scope = reviewed_editions(user) if getattr(user, "is_authenticated", False) else None
    if scope is None:
        return Entry.objects.none()
    entries = Entry.objects.filter(scope, receipt_sequence__isnull=False)
    if edition is not None:
        entries = entries.filter(edition=edition)
    if category:
        entries = entries.filter(category__code=category) if isinstance(category, str) else (
            entries.filter(category=category))
    statuses = _as_list(status)
    if statuses:
        entries = entries.filter(status__in=statuses)
    if submitted_from:
        entries = entries.filter(submitted_at__date__gte=submitted_from)
    if submitted_to:
        entries = entries.filter(submitted_at__date__lte=submitted_to)
    if language:
        tag = language.strip().lower()
        entries = entries.filter(Q(language=tag) | Q(language__startswith=f"{tag}-"))
    if country:
        entries = entries.filter(entrant_country=country.strip().upper())
    if residence:
        entries = entries.filter(entrant_residence=residence)
    return (entries.select_related("edition", "category", "owner")
            .order_by("submitted_at", "pk"))


def entry_history(entry: Entry) -> QuerySet[EntryEvent]:
    """The entry's history as its participant sees it, oldest first."""
    return EntryEvent.objects.filter(entry=entry).select_related("actor").order_by("at", "pk")


def submitted_count(edition, category=None) -> int:
    """Entries with a receipt in the edition (or one category): for the organisers' figures."""
    entries = Entry.objects.filter(edition=edition, receipt_sequence__isnull=False).exclude(
        status=EntryStatus.WITHDRAWN)
    if category is not None:
        entries = entries.filter(category=category)
    return entries.count()


def status_counts(entries: QuerySet[Entry]) -> dict[str, int]:
    """How many of `entries` are in each status (every status listed, zeros too)."""
    found = dict(entries.order_by().values_list("status").annotate(n=Count("pk")))
    return {str(status): found.get(str(status), 0) for status in EntryStatus}


# --- possible duplicates (intake only) -----------------------------------------------------------

def duplicate_flags(user, *, status: str | None = None,
                    entry: Entry | None = None) -> QuerySet[DuplicateFlag]:
    """Possible duplicates in the editions `user` reviews, open ones first, newest first;
    those of one `entry` when given; of one `status` when given."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return DuplicateFlag.objects.none()
    flags = DuplicateFlag.objects.filter(reviewed_editions(user))
    if status:
        flags = flags.filter(status=status)
    if entry is not None:
        flags = flags.filter(Q(entry_a=entry) | Q(entry_b=entry))
    return (flags.select_related("entry_a__category", "entry_b__category", "decided_by")
            .order_by(Case(When(status=DuplicateStatus.OPEN, then=0), default=1),
                      "-created_at", "-pk"))


def duplicate_flag_for(user, flag_id) -> DuplicateFlag | None:
    try:
        pk = int(flag_id)
    except (TypeError, ValueError):
        return None
    return duplicate_flags(user).filter(pk=pk).first()


def open_duplicate_counts(user) -> dict[int, int]:
    """Entry id -> its open possible duplicates, in the editions `user` reviews."""
    counts: dict[int, int] = {}
    for a, b in duplicate_flags(user, status=DuplicateStatus.OPEN).values_list("entry_a_id",
                                                                               "entry_b_id"):
        counts[a] = counts.get(a, 0) + 1
        counts[b] = counts.get(b, 0) + 1
    return counts
