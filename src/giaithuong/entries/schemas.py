"""What the entries API reads and answers (django-ninja schemas), and entries as answers.

Inputs are lenient on purpose: every value is checked by `cleaning` inside the services, which
names each wrong field in the caller's language (400 with `errors`), as the pages do. Unknown
fields are passed on too, so a misspelt one is reported rather than silently dropped.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.utils.translation import get_language
from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict

from giaithuong.editions.models import localized
from giaithuong.entries.models import EDITABLE, DuplicateFlag, Entry, EntryFile, EntryStatus

Text = str | None
Number = int | str | None
Flag = bool | str | None


class EntryFields(BaseModel):
    """The fields a participant fills in; send only those that change. (A plain pydantic model:
    ninja's Schema would drop the unknown fields this passes on.)"""

    model_config = ConfigDict(extra="allow")

    entrant_kind: Text = Field(None, description="individual | group | organisation")
    organisation_name: Text = None
    entrant_country: Text = Field(None, description="ISO 3166 code of the entrant, e.g. VN")
    entrant_residence: Text = Field(None, description="vietnam | abroad")
    title: Text = None
    genre: Text = None
    subtype: Text = None
    language: Text = Field(None, description="A language tag: vi, en, zh…")
    outlet: Text = None
    published_first: Text = Field(None, description="ISO date, e.g. 2026-03-15")
    published_last: Text = Field(None, description="ISO date; the last part of a series")
    parts_total: Number = None
    parts_in_window: Number = None
    seconds_outside_window: Number = None
    duration_seconds: Number = None
    pages: Number = None
    photo_count: Number = None
    publication_urls: list[str] | None = None
    summary_vi: Text = None
    translation_title: Text = None
    translation_summary: Text = None
    translation_present: Flag = None
    copyright_accepted: Flag = None
    prior_awards: list[dict[str, Any]] | None = Field(
        None, description="Each: contest, organiser, level, date (2025, 2025-11 or 2025-11-20)")
    prior_awards_none: Flag = None


class EntryCreate(EntryFields):
    category: str = Field(description="The category's code in the current edition")


class EntryPatch(EntryFields):
    version: int = Field(description="The entry's version as read; a newer one answers 409")
    category: str | None = Field(None, description="Another category (drafts only)")


class AuthorIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    full_name: Text = None
    pen_name: Text = None
    role: Text = Field(None, description="author | co_author")
    job_title: Text = None
    workplace: Text = None
    share_percent: float | str | None = None
    consent_given: Flag = None
    email: Text = None
    me: bool = Field(False, description="This author is you (links your account)")


class AuthorsIn(Schema):
    version: int | None = Field(None, description="The entry's version as read (recommended)")
    authors: list[AuthorIn]


class FileIn(Schema):
    upload: str = Field(description="The key of a finished upload of yours (from /uploads/)")
    role: str = Field("main", description="main | translation | evidence | cover")


class WithdrawIn(Schema):
    reason: str = ""


class DecisionIn(Schema):
    decision: Literal["valid", "return", "reject"]
    reason: str = Field("", description="Required to return or reject; the participant reads it")
    deadline: str | None = Field(None, description="Return: fixes due by (ISO date or moment)")
    note: str = Field("", description="Valid: an optional note for the history")


class DuplicateDecisionIn(Schema):
    decision: Literal["dismissed", "confirmed"]
    note: str = ""


# --- answers -----------------------------------------------------------------------------------

class Detail(Schema):
    detail: str
    code: str = ""


class ErrorOut(Schema):
    detail: str
    code: str
    errors: dict[str, list[str]] = {}


class ViolationOut(Schema):
    code: str
    field: str
    severity: str
    blocking: bool
    message: str
    message_vi: str
    message_en: str


class CategoryOut(Schema):
    code: str
    number: int
    name: str


class AuthorOut(Schema):
    position: int
    full_name: str
    pen_name: str
    role: str
    job_title: str
    workplace: str
    share_percent: str
    consent_given: bool
    email: str
    is_me: bool


class ProblemOut(Schema):
    code: str
    field: str
    severity: str
    message_vi: str
    message_en: str


class FileOut(Schema):
    id: int
    role: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    duration_seconds: int | None
    page_count: int | None
    inspected: bool
    blind_copy: bool
    problems: list[ProblemOut]
    created_at: dt.datetime


class EntryOut(Schema):
    id: int
    edition: str
    category: CategoryOut
    status: str
    status_label: str
    editable: bool
    version: int
    receipt_number: str
    submitted_at: dt.datetime | None
    resubmitted_at: dt.datetime | None
    returned_reason: str
    return_deadline: dt.datetime | None
    rejected_reason: str
    decided_at: dt.datetime | None
    entrant_kind: str
    organisation_name: str
    entrant_country: str
    entrant_residence: str
    title: str
    genre: str
    subtype: str
    language: str
    outlet: str
    published_first: dt.date | None
    published_last: dt.date | None
    parts_total: int
    parts_in_window: int
    seconds_outside_window: int
    duration_seconds: int | None
    pages: int | None
    photo_count: int | None
    publication_urls: list[str]
    summary_vi: str
    translation_title: str
    translation_summary: str
    translation_present: bool
    copyright_accepted: bool
    prior_awards: list[dict[str, Any]]
    prior_awards_none: bool
    authors: list[AuthorOut]
    files: list[FileOut]
    created_at: dt.datetime
    updated_at: dt.datetime


class EntrySummaryOut(Schema):
    id: int
    category: CategoryOut
    status: str
    status_label: str
    title: str
    receipt_number: str
    submitted_at: dt.datetime | None
    version: int
    updated_at: dt.datetime


class ConflictOut(ErrorOut):
    current: EntryOut | None = None


class BlockedOut(ErrorOut):
    violations: list[ViolationOut]


class SubmitOut(Schema):
    """The answer of the first request with this key, given again to every retry."""

    entry_id: int
    status: str
    receipt_number: str
    submitted_at: dt.datetime | None


class EventOut(Schema):
    at: dt.datetime
    action: str
    from_status: str
    to_status: str
    note: str
    by_self: bool


class OwnerOut(Schema):
    id: int
    full_name: str
    email: str


class IntakeEntryOut(EntrySummaryOut):
    owner: OwnerOut
    language: str
    entrant_country: str
    entrant_residence: str
    open_duplicates: int = 0


class DuplicateOut(Schema):
    id: int
    entry_a: int
    entry_b: int
    score: float
    reason: str
    files: list[str]
    status: str
    note: str
    decided_at: dt.datetime | None
    created_at: dt.datetime


class IntakeEntryDetailOut(EntryOut):
    owner: OwnerOut
    violations: list[ViolationOut]
    duplicates: list[DuplicateOut]
    history: list[EventOut]


# --- entries as answers ------------------------------------------------------------------------

def violation_out(violation) -> dict[str, Any]:
    english = (get_language() or "vi").startswith("en")
    return {**violation.as_dict(), "blocking": violation.blocking,
            "message": violation.message_en if english else violation.message_vi}


def category_out(category) -> dict[str, Any]:
    return {"code": category.code, "number": category.number,
            "name": localized(category, "name")}


def file_out(item: EntryFile) -> dict[str, Any]:
    return {"id": item.pk, "role": item.role, "original_name": item.original_name,
            "content_type": item.content_type, "size": item.size, "sha256": item.sha256,
            "duration_seconds": item.duration_seconds, "page_count": item.page_count,
            "inspected": item.inspected_at is not None, "blind_copy": bool(item.blind_file),
            "problems": list((item.inspection or {}).get("problems", [])),
            "created_at": item.created_at}


_PLAIN = ("entrant_kind", "organisation_name", "entrant_country", "entrant_residence", "title",
          "genre", "subtype", "language", "outlet", "published_first", "published_last",
          "parts_total", "parts_in_window", "seconds_outside_window", "duration_seconds",
          "pages", "photo_count", "publication_urls", "summary_vi", "translation_title",
          "translation_summary", "translation_present", "copyright_accepted", "prior_awards",
          "prior_awards_none", "receipt_number", "submitted_at", "resubmitted_at",
          "returned_reason", "return_deadline", "rejected_reason", "decided_at", "version",
          "status", "created_at", "updated_at")


def summary_out(entry: Entry) -> dict[str, Any]:
    return {"id": entry.pk, "category": category_out(entry.category), "status": entry.status,
            "status_label": str(EntryStatus(entry.status).label), "title": entry.title,
            "receipt_number": entry.receipt_number, "submitted_at": entry.submitted_at,
            "version": entry.version, "updated_at": entry.updated_at}


def entry_out(entry: Entry, viewer=None) -> dict[str, Any]:
    """The entry with its authors and files (prefetched by `selectors.entry_for`)."""
    return {**{name: getattr(entry, name) for name in _PLAIN}, "id": entry.pk,
            "edition": entry.edition.roman, "category": category_out(entry.category),
            "status_label": str(EntryStatus(entry.status).label),
            "editable": entry.status in EDITABLE,
            "authors": [{"position": a.position, "full_name": a.full_name,
                         "pen_name": a.pen_name, "role": a.role, "job_title": a.job_title,
                         "workplace": a.workplace, "share_percent": str(a.share_percent),
                         "consent_given": a.consent_given, "email": a.email,
                         "is_me": viewer is not None and a.user_id == viewer.pk}
                        for a in entry.authors.all()],
            "files": [file_out(f) for f in entry.files.all()]}


def owner_out(user) -> dict[str, Any]:
    return {"id": user.pk, "full_name": user.full_name or user.get_username(),
            "email": user.email}


def duplicate_out(flag: DuplicateFlag) -> dict[str, Any]:
    return {"id": flag.pk, "entry_a": flag.entry_a_id, "entry_b": flag.entry_b_id,
            "score": flag.score, "reason": flag.reason, "files": list(flag.files),
            "status": flag.status, "note": flag.note, "decided_at": flag.decided_at,
            "created_at": flag.created_at}


def event_out(event, viewer) -> dict[str, Any]:
    return {"at": event.at, "action": event.action, "from_status": event.from_status,
            "to_status": event.to_status, "note": event.note,
            "by_self": event.actor_id is not None and event.actor_id == viewer.pk}
