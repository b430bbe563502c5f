"""Checking, submitting, resubmitting and withdrawing entries.

A submit is one transaction: the entry row is locked, the idempotency key looked up, the
rules checked against the database as it is, and the category's receipt sequence locked and
advanced, so receipt numbers are gap-free and no entry is ever submitted twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from giaithuong.common import plain_sql
from giaithuong.common.tasks import enqueue_after_commit, enqueue_once
from giaithuong.entries import eligibility, follow_up, tasks
from giaithuong.entries import submit_queries as queries
from giaithuong.entries.cleaning import clean_text
from giaithuong.entries.entry_checks import check_form
from giaithuong.entries.errors import DeadlinePassed, EntryBlocked, EntryConflict, EntryError
from giaithuong.entries.facts import (
    category_rules,
    eligibility_context,
    entry_facts,
    entry_form,
    parts_read_once,
)
from giaithuong.entries.models import Entry, EntryStatus, ReceiptSequence, SubmitKey
from giaithuong.entries.services._base import (
    deadline,
    editing_deadline,
    local_text,
    lock,
    moment,
    record_audit,
    record_event,
    require_editable,
    require_owner,
)

MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class SubmitResult:
    """What a submit answers: the entry, its receipt number, and whether this was the answer
    to an earlier request with the same idempotency key (`replayed`)."""

    entry: Entry
    receipt_number: str
    replayed: bool
    response: dict[str, Any] = field(default_factory=dict)


# --- the rules ----------------------------------------------------------------------------------

def violations(entry: Entry, *, now: dt.datetime | None = None) -> list[eligibility.Violation]:
    """Every rule the entry breaks, blocking ones first: the eligibility engine's findings with
    the edition's context from the database, and the checks of the entry's own form. An entry
    not yet submitted is judged as if it were sent `now`."""
    with parts_read_once(entry):
        found = check_form(entry_form(entry))
        rules = category_rules(entry.edition, entry.category.code)
        if rules is not None:
            facts = entry_facts(entry, at=moment(now))
            found = eligibility.check(facts, rules, eligibility_context(entry)) + found
    found.sort(key=lambda v: not v.blocking)
    return found


def _refuse_if_blocked(entry: Entry, now: dt.datetime) -> None:
    found = violations(entry, now=now)
    blocking = [v for v in found if v.blocking]
    if blocking:
        raise EntryBlocked(format_lazy(
            _("The entry cannot be submitted yet: {count} item(s) must be fixed first."),
            count=len(blocking)), violations=found)


# --- idempotency --------------------------------------------------------------------------------

def _clean_key(key: Any) -> str:
    text = str(key or "").strip()
    if not text or len(text) > MAX_KEY_LENGTH or not text.isascii() or not text.isprintable():
        raise EntryError(_("The submit key is missing or malformed (1–200 printable ASCII "
                           "characters); reload the page and submit again."),
                         field="idempotency_key", code="bad_idempotency_key")
    return text


def _replay(actor, key: str, entry: Entry) -> SubmitResult | None:
    earlier = queries.submit_key(actor.pk, key)
    if earlier is None:
        return None
    if earlier.entry_id != entry.pk:
        raise EntryConflict(_("This submit key was already used for another entry; reload the "
                              "page and submit again."), code="idempotency_key_reused")
    return SubmitResult(entry=entry, receipt_number=earlier.response.get("receipt_number", ""),
                        replayed=True, response=earlier.response)


def _remember(actor, key: str, entry: Entry, response: dict[str, Any]) -> None:
    # The constraint decides between two racers; no savepoint, as the loser's whole submit
    # is rolled back anyway.
    try:
        plain_sql.insert(SubmitKey(owner=actor, key=key, entry=entry, response=response))
    except IntegrityError:
        raise EntryConflict(_("This submit key was already used for another entry; reload the "
                              "page and submit again."), code="idempotency_key_reused") from None


# --- numbering ----------------------------------------------------------------------------------

def _next_sequence(entry: Entry) -> int:
    """The category's next receipt number. One statement takes it and holds the category's
    row until the submit commits, so numbers are handed out in order without gaps."""
    lookup = {"edition_id": entry.edition_id, "category_id": entry.category_id}
    number = _take_number(**lookup)
    if number is None:  # the category's first submit
        try:
            with transaction.atomic():  # a savepoint: a lost race to create the row is harmless
                ReceiptSequence.objects.get_or_create(**lookup)
        except IntegrityError:
            pass
        number = _take_number(**lookup)
    return number


def _update_returns_rows() -> bool:
    """UPDATE … RETURNING: PostgreSQL, SQLite 3.35+ (which is also when INSERT learnt it)."""
    return connection.features.can_return_columns_from_insert


def _take_number(*, edition_id: int, category_id: int) -> int | None:
    if not _update_returns_rows():
        rows = ReceiptSequence.objects.filter(edition_id=edition_id, category_id=category_id)
        if not rows.update(last_number=F("last_number") + 1):
            return None
        return rows.values_list("last_number", flat=True).get()
    table = connection.ops.quote_name(ReceiptSequence._meta.db_table)
    with connection.cursor() as cursor:  # one statement
        cursor.execute(f"UPDATE {table} SET last_number = last_number + 1 "  # noqa: S608
                       "WHERE edition_id = %s AND category_id = %s RETURNING last_number",
                       [edition_id, category_id])
        row = cursor.fetchone()
    return row[0] if row else None


def receipt_number(entry: Entry, sequence: int) -> str:
    """The receipt number in the edition's format (`rules.receipt_number_format`)."""
    edition, category = entry.edition, entry.category
    return edition.rules.rules.receipt_number_format.format(
        edition=edition.roman, year=edition.year, category=category.code,
        number=category.number, sequence=sequence)


def _lock_people(entry: Entry) -> None:
    """Hold the owner's and linked authors' accounts, so two entries of one person submitted
    at once cannot both slip under the per-author limit (PostgreSQL; SQLite is serial). Called
    with the entry's authors read (`parts_read_once`)."""
    queries.lock_accounts({entry.owner_id, *(a.user_id for a in entry.authors.all()
                                             if a.user_id)})


def _response(entry: Entry) -> dict[str, Any]:
    return {"entry_id": entry.pk, "status": entry.status, "receipt_number": entry.receipt_number,
            "submitted_at": entry.submitted_at.isoformat() if entry.submitted_at else None}


# --- submit ---------------------------------------------------------------------------------------

# What a submit changes; `updated_at` (auto_now) moves with it.
SUBMIT_FIELDS = ["receipt_sequence", "receipt_number", "status", "submitted_at", "follow_up",
                 "version", "updated_at"]
RESUBMIT_FIELDS = ["status", "resubmitted_at", "follow_up", "version", "updated_at"]


def _lock_own(entry: Entry | int, actor) -> Entry:
    """The actor's entry, locked (`submit_queries.locked_entry`); the owner is the actor, so
    their account is not read again."""
    row = queries.locked_entry(entry.pk if isinstance(entry, Entry) else entry)
    if row is None:
        raise EntryError(_("This entry does not exist."), code="not_found")
    require_owner(row, actor)
    row.owner = actor
    return row


def submit_entry(entry: Entry, actor, idempotency_key: str, *,
                 now: dt.datetime | None = None) -> SubmitResult:
    """Submit a draft, or resubmit an entry returned for fixes (it keeps its receipt number).

    The same `idempotency_key` again answers as the first time did; another key on an entry
    already submitted is refused. Refused while a blocking violation remains and after the
    deadline (the edition's, Asia/Ho_Chi_Minh, or the one intake set for fixes)."""
    key = _clean_key(idempotency_key)
    now = moment(now)
    with transaction.atomic():
        row = _lock_own(entry, actor)
        replayed = _replay(actor, key, row)
        if replayed is not None:
            return replayed
        if row.status == EntryStatus.RETURNED:
            return _resubmit(row, actor, key, now)
        if row.status != EntryStatus.DRAFT:
            raise EntryConflict(_already(row), code="already_submitted")
        require_editable(row, now)
        with parts_read_once(row):  # authors and files read once, for the locks and the rules
            _lock_people(row)
            _refuse_if_blocked(row, now)
        row.receipt_sequence = _next_sequence(row)
        row.receipt_number = receipt_number(row, row.receipt_sequence)
        row.status, row.submitted_at = EntryStatus.SUBMITTED, now
        row.follow_up = "submitted"
        row.version += 1
        plain_sql.update(row, SUBMIT_FIELDS)
        response = _response(row)
        _remember(actor, key, row, response)
        record_event(row, actor=actor, action="submitted", from_status=EntryStatus.DRAFT, at=now)
        record_audit("entry.submitted", actor=actor, entry=row,
                     before={"status": EntryStatus.DRAFT}, after=response)
        _follow_up()
    return SubmitResult(entry=row, receipt_number=row.receipt_number, replayed=False,
                        response=response)


def resubmit_entry(entry: Entry, actor, idempotency_key: str, *,
                   now: dt.datetime | None = None) -> SubmitResult:
    """Send an entry returned for fixes back to intake, keeping its receipt number."""
    key = _clean_key(idempotency_key)
    now = moment(now)
    with transaction.atomic():
        row = _lock_own(entry, actor)
        replayed = _replay(actor, key, row)
        if replayed is not None:
            return replayed
        if row.status != EntryStatus.RETURNED:
            raise EntryConflict(_already(row) if row.status != EntryStatus.DRAFT else
                                _("Only an entry returned for fixes can be resubmitted."),
                                code="not_returned")
        return _resubmit(row, actor, key, now)


def _resubmit(row: Entry, actor, key: str, now: dt.datetime) -> SubmitResult:
    require_editable(row, now)
    with parts_read_once(row):
        _lock_people(row)
        _refuse_if_blocked(row, now)
    row.status, row.resubmitted_at = EntryStatus.SUBMITTED, now
    row.follow_up = "resubmitted"
    row.version += 1
    plain_sql.update(row, RESUBMIT_FIELDS)
    response = _response(row)
    _remember(actor, key, row, response)
    record_event(row, actor=actor, action="resubmitted", from_status=EntryStatus.RETURNED, at=now)
    record_audit("entry.resubmitted", actor=actor, entry=row,
                 before={"status": EntryStatus.RETURNED}, after=response)
    _follow_up()
    return SubmitResult(entry=row, receipt_number=row.receipt_number, replayed=False,
                        response=response)


def _follow_up() -> None:
    """Duplicate detection and the participant's mail follow in the background, in batches:
    the entry is marked (`follow_up`) and a run of the batch is waiting once this commits."""
    enqueue_once(tasks.follow_up_submits, delay=follow_up.DELAY)


def _already(row: Entry):
    if row.receipt_number:
        return format_lazy(_("This entry has already been submitted (receipt {number}); it is "
                             "{status}."), number=row.receipt_number,
                           status=EntryStatus(row.status).label.lower())
    return format_lazy(_("This entry is {status} and cannot be submitted."),
                       status=EntryStatus(row.status).label.lower())


# --- withdraw -----------------------------------------------------------------------------------

WITHDRAWABLE = frozenset({EntryStatus.DRAFT, EntryStatus.SUBMITTED, EntryStatus.RETURNED,
                          EntryStatus.VALID})


def withdraw_entry(entry: Entry, actor, *, reason: str = "",
                   now: dt.datetime | None = None) -> Entry:
    """The participant takes the entry out of the award, before the deadline. A submitted
    entry keeps its receipt number (numbers are never reused)."""
    now = moment(now)
    with transaction.atomic():
        row = lock(entry)
        require_owner(row, actor)
        if row.status == EntryStatus.WITHDRAWN:
            return row  # withdrawing twice is not an error
        if row.status not in WITHDRAWABLE:
            raise EntryConflict(format_lazy(_("An entry that is {status} cannot be withdrawn."),
                                            status=EntryStatus(row.status).label.lower()),
                                code="not_withdrawable")
        if now > editing_deadline(row):
            raise DeadlinePassed(format_lazy(
                _("Entries can be withdrawn until the deadline ({deadline}, Vietnam time), "
                  "which has passed."), deadline=local_text(deadline(row.edition), row.edition)))
        before = row.status
        row.status = EntryStatus.WITHDRAWN
        row.follow_up = ""  # a receipt mail not yet sent would come after this one's
        row.version += 1
        row.save()
        note = clean_text(str(reason or ""), multiline=True)[:2000]
        record_event(row, actor=actor, action="withdrawn", from_status=before, at=now, note=note)
        record_audit("entry.withdrawn", actor=actor, entry=row, before={"status": before},
                     after={"status": row.status, "reason": note})
        if before != EntryStatus.DRAFT:
            enqueue_after_commit(tasks.send_entry_mail, row.pk, "withdrawn")
    return row
