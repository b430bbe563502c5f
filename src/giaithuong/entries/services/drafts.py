"""Drafts: create one, save it as the participant types (optimistic locking), set its authors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from giaithuong.editions.models import Category, Edition
from giaithuong.editions.selectors import current_edition
from giaithuong.entries import permissions
from giaithuong.entries.cleaning import clean_authors, clean_fields
from giaithuong.entries.errors import EntryError, EntryPermissionDenied
from giaithuong.entries.models import EntrantKind, Entry, EntryAuthor, EntryStatus
from giaithuong.entries.services._base import (
    lock,
    moment,
    plain,
    record_audit,
    record_event,
    require_active,
    require_editable,
    require_owner,
    require_version,
    zone,
)


def find_category(category: Category | str, edition: Edition | None = None) -> Category:
    """A category open for entries, given as a row or by its code in `edition` (the current
    edition by default)."""
    if isinstance(category, Category):
        found = category
    else:
        edition = edition or current_edition()
        code = str(category or "").strip()
        found = (Category.objects.select_related("edition")
                 .filter(edition=edition, code=code).first() if edition and code else None)
        if found is None:
            raise EntryError(_("There is no such category in this edition; choose one from the "
                               "list."), field="category", code="unknown_category")
    if not found.is_active:
        raise EntryError(_("This category no longer takes entries; choose another category."),
                         field="category", code="category_closed")
    return found


def _profile_defaults(owner) -> dict[str, str]:
    """Nationality and residence from the participant's profile, when they keep one."""
    profile = getattr(owner, "participant_profile", None)
    if profile is None:
        return {}
    country = str(getattr(profile, "nationality", "") or "")[:2].upper()
    residence = str(getattr(profile, "residence", "") or "")
    return {"entrant_country": country,
            "entrant_residence": residence if residence in {"vietnam", "abroad"} else ""}


def create_draft(owner, category: Category | str, *, edition: Edition | None = None,
                 now: dt.datetime | None = None, **fields: Any) -> Entry:
    """A new draft entry of `owner` in `category` (a row, or a code in `edition`).

    An individual's draft starts with the owner as its sole author."""
    now = moment(now)
    require_active(owner)
    category = find_category(category, edition)
    edition = category.edition
    if not permissions.is_participant_of(owner, edition.pk):
        raise EntryPermissionDenied(_("Register as a participant of this edition to enter works."))
    cleaned = clean_fields(fields, today=now.astimezone(zone(edition)).date())
    probe = Entry(edition=edition, category=category, owner=owner)
    require_editable(probe, now)  # a new draft after the deadline would be lost work
    with transaction.atomic():
        entry = Entry(edition=edition, category=category, owner=owner,
                      **{**_profile_defaults(owner), **cleaned})
        if entry.copyright_accepted:
            entry.copyright_accepted_at = now
        entry.save()
        if entry.entrant_kind == EntrantKind.INDIVIDUAL:
            EntryAuthor.objects.create(
                entry=entry, position=1, full_name=owner.full_name or owner.get_username(),
                user=owner, email=(owner.email or "").lower(), consent_given=True,
                consent_at=now, share_percent=100)
        record_event(entry, actor=owner, action="created", from_status="", at=now)
        record_audit("entry.created", actor=owner, entry=entry,
                     after={"category": category.code, "edition": edition.pk, **cleaned})
    return entry


def update_draft(entry: Entry, actor, version: int, *, now: dt.datetime | None = None,
                 **fields: Any) -> Entry:
    """Save changed fields of a draft (or a returned entry) — the autosave.

    `version` is the one the form was opened with: if the entry has been saved since, nothing
    is written and `StaleVersion` carries the entry as it is now. Saving unchanged values
    changes nothing and keeps the version."""
    now = moment(now)
    category = fields.pop("category", None)
    with transaction.atomic():
        row = lock(entry)
        require_owner(row, actor)
        require_editable(row, now)
        require_version(row, version)
        cleaned = clean_fields(fields, today=now.astimezone(zone(row.edition)).date())
        if category is not None:
            chosen = find_category(category, row.edition)
            if chosen.edition_id != row.edition_id:
                raise EntryError(_("There is no such category in this edition; choose one from "
                                   "the list."), field="category", code="unknown_category")
            if chosen.pk != row.category_id and row.status != EntryStatus.DRAFT:
                raise EntryError(_("A submitted entry keeps its category."), field="category",
                                 code="category_fixed")
            cleaned["category"] = chosen
        changes = {name: value for name, value in cleaned.items()
                   if getattr(row, name) != value}
        if not changes:
            return row
        before = {name: getattr(row, name) for name in changes}
        for name, value in changes.items():
            setattr(row, name, value)
        if "copyright_accepted" in changes:
            row.copyright_accepted_at = now if row.copyright_accepted else None
        row.version += 1
        row.save()
        record_audit("entry.updated", actor=actor, entry=row, before=before,
                     after={name: plain(value) for name, value in changes.items()})
    return row


def set_authors(entry: Entry, actor, authors: list[dict[str, Any]], *,
                version: int | None = None, now: dt.datetime | None = None) -> Entry:
    """Replace the entry's authors with `authors`, in order. Each item: full_name (required),
    pen_name, role (author | co_author), job_title, workplace, share_percent, consent_given,
    email, user (only the owner themself). Two or more authors' shares must total 100."""
    now = moment(now)
    with transaction.atomic():
        row = lock(entry)
        require_owner(row, actor)
        require_editable(row, now)
        require_version(row, version)
        cleaned = clean_authors(authors, owner=row.owner)
        previous = list(row.authors.all())
        consented = {(a.full_name, a.email): a.consent_at for a in previous if a.consent_given}
        row.authors.all().delete()
        EntryAuthor.objects.bulk_create([
            EntryAuthor(entry=row, position=index, **author,
                        consent_at=(consented.get((author["full_name"], author["email"])) or now)
                        if author["consent_given"] else None)
            for index, author in enumerate(cleaned, start=1)])
        row.version += 1
        row.save(update_fields=["version", "updated_at"])
        record_audit("entry.authors_set", actor=actor, entry=row,
                     before=[_author_record(a.__dict__) for a in previous],
                     after=[_author_record(a) for a in cleaned])
    return row


def _author_record(author: dict[str, Any]) -> dict[str, Any]:
    return {"full_name": author.get("full_name"), "role": author.get("role"),
            "share_percent": plain(author.get("share_percent")),
            "consent_given": author.get("consent_given"), "email": author.get("email")}


__all__ = ["create_draft", "find_category", "set_authors", "update_draft"]
