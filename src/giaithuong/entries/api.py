"""The entries API: participants' drafts, files and submits at /api/v1/entries, intake's queue
and decisions at /api/v1/intake. The same services and selectors as the pages.

Who sees what: a participant only their own entries (anything else is 404, exactly like an
entry that does not exist); intake officers and organisers the submitted entries of the
editions they work on; nobody else any.

Errors, each `{"detail", "code", "errors"?}` in the caller's language (Accept-Language):
400 bad input (`errors`: field -> messages), 403 not allowed for this person, 404 not found
or not yours, 409 the entry's state forbids it (`stale_version` carries `current`, the entry as
it is now; `deadline_passed` too: a deadline is the entry's state, not who you are, so 403
always means "not for you" and retrying later never turns it into a success), 422 submission
refused while blocking rules remain (`violations`).
"""


import datetime as dt
import functools

from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from giaithuong.accounts.roles import Role
from giaithuong.common.access import roles
from giaithuong.common.api_access import api_access
from giaithuong.entries import selectors, services
from giaithuong.entries.errors import (
    DeadlinePassed,
    EntryBlocked,
    EntryConflict,
    EntryError,
    EntryPermissionDenied,
    StaleVersion,
)
from giaithuong.entries.models import Entry, EntryStatus
from giaithuong.entries.schemas import (
    AuthorsIn,
    BlockedOut,
    ConflictOut,
    DecisionIn,
    Detail,
    DuplicateDecisionIn,
    DuplicateOut,
    EntryCreate,
    EntryOut,
    EntryPatch,
    EntrySummaryOut,
    ErrorOut,
    EventOut,
    FileIn,
    FileOut,
    IntakeEntryDetailOut,
    IntakeEntryOut,
    SubmitOut,
    ViolationOut,
    WithdrawIn,
    duplicate_out,
    entry_out,
    event_out,
    file_out,
    owner_out,
    summary_out,
    violation_out,
)

router = Router(tags=["entries"])
intake_router = Router(tags=["intake"])

PARTICIPANTS = roles(Role.PARTICIPANT)
REVIEWERS = roles(Role.INTAKE_OFFICER, Role.ORGANISER)
ERRORS = {400: ErrorOut, 403: Detail, 404: Detail, 409: ConflictOut}
STATUS_FILTER = Query(None, description="One or more statuses (repeat the parameter)")


def _answer(status: int, detail, code: str, **extra) -> JsonResponse:
    return JsonResponse({"detail": str(detail), "code": code, **extra}, status=status)


def _not_found() -> JsonResponse:
    return _answer(404, _("There is no such entry, or it is not yours to see."), "not_found")


def entry_errors(view):
    """The services' exceptions as answers (see the module's docstring)."""

    @functools.wraps(view)
    def answer(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except EntryPermissionDenied as error:
            return _answer(403, error, "permission_denied")
        except StaleVersion as error:
            current = selectors.entry_for(request.user, error.current.pk)
            return _answer(409, error.message, error.code, errors=error.errors,
                           current=_json(EntryOut, entry_out(current, request.user)))
        except EntryBlocked as error:
            return _answer(422, error.message, error.code, errors=error.errors,
                           violations=[violation_out(v) for v in error.violations])
        except (EntryConflict, DeadlinePassed) as error:
            return _answer(409, error.message, error.code, errors=error.errors)
        except EntryError as error:
            if error.code == "not_found":
                return _not_found()
            return _answer(400, error.message, error.code, errors=error.errors)

    return answer


def _json(schema, data) -> dict:
    return schema.model_validate(data).model_dump(mode="json")


def _own(request, entry_id: int) -> Entry | None:
    """The participant's own entry with its authors and files, or None."""
    entry = selectors.entry_for(request.user, entry_id)
    return entry if entry is not None and entry.owner_id == request.user.pk else None


def _fields(payload, *exclude: str) -> dict:
    """The fields sent, unknown ones too (the services name them as errors)."""
    sent = payload.model_dump(exclude_unset=True, exclude=set(exclude))
    return {**sent, **(payload.model_extra or {})}


class _Answers:
    """Rows that come out as answers one page at a time: pagination counts the queryset and
    converts only the rows of the page it slices."""

    def __init__(self, rows, convert):
        self.rows, self.convert = rows, convert

    def all(self):
        return self

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        return [self.convert(row) for row in self.rows[index]]


# --- participants --------------------------------------------------------------------------------

@router.get("", response=list[EntrySummaryOut], summary="Your entries")
@paginate(PageNumberPagination, page_size=50, max_page_size=200)
@api_access(PARTICIPANTS)
def list_entries(request, status: EntryStatus | None = None):
    entries = selectors.entries_of(request.user)
    if status is not None:
        entries = entries.filter(status=status)
    return _Answers(entries, summary_out)


@router.post("", response={201: EntryOut, **ERRORS}, summary="Start a draft entry")
@api_access(PARTICIPANTS)
@entry_errors
def create_entry(request, payload: EntryCreate):
    fields = _fields(payload, "category")
    entry = services.create_draft(request.user, payload.category, **fields)
    return Status(201, entry_out(_own(request, entry.pk), request.user))


@router.get("/{entry_id}", response={200: EntryOut, 404: Detail}, summary="One of your entries")
@api_access(PARTICIPANTS)
def get_entry(request, entry_id: int):
    entry = _own(request, entry_id)
    return _not_found() if entry is None else entry_out(entry, request.user)


@router.patch("/{entry_id}", response={200: EntryOut, **ERRORS},
              summary="Save changed fields of a draft (send the version you read)")
@api_access(PARTICIPANTS)
@entry_errors
def patch_entry(request, entry_id: int, payload: EntryPatch):
    entry = _own(request, entry_id)
    if entry is None:
        return _not_found()
    fields = _fields(payload, "version")
    services.update_draft(entry, request.user, payload.version, **fields)
    return entry_out(_own(request, entry_id), request.user)


@router.put("/{entry_id}/authors", response={200: EntryOut, **ERRORS},
            summary="Replace the entry's authors, in order")
@api_access(PARTICIPANTS)
@entry_errors
def put_authors(request, entry_id: int, payload: AuthorsIn):
    entry = _own(request, entry_id)
    if entry is None:
        return _not_found()
    authors = []
    for author in payload.authors:
        row = _fields(author, "me")
        if author.me:
            row["user"] = request.user.pk
        authors.append(row)
    services.set_authors(entry, request.user, authors, version=payload.version)
    return entry_out(_own(request, entry_id), request.user)


@router.post("/{entry_id}/files", response={201: FileOut, **ERRORS},
             summary="Attach a finished upload to the entry")
@api_access(PARTICIPANTS)
@entry_errors
def attach_file(request, entry_id: int, payload: FileIn):
    """Small files are inspected before the answer (`inspected`, `problems`); large ones a
    little later: read the entry again to see the findings."""
    entry = _own(request, entry_id)
    if entry is None:
        return _not_found()
    item = services.attach_file(entry, request.user, payload.upload, payload.role)
    item.refresh_from_db()
    return Status(201, file_out(item))


@router.delete("/{entry_id}/files/{file_id}", response={204: None, **ERRORS},
               summary="Remove a file from a draft")
@api_access(PARTICIPANTS)
@entry_errors
def remove_file(request, entry_id: int, file_id: int):
    entry = _own(request, entry_id)
    item = selectors.file_for(request.user, entry_id, file_id) if entry is not None else None
    if item is None:
        return _answer(404, _("There is no such file in your entry."), "not_found")
    services.remove_file(item, request.user)
    return Status(204, None)


@router.get("/{entry_id}/violations", response={200: list[ViolationOut], 404: Detail},
            summary="Every rule the entry breaks now, blocking ones first")
@api_access(PARTICIPANTS)
def list_violations(request, entry_id: int):
    entry = _own(request, entry_id)
    if entry is None:
        return _not_found()
    return [violation_out(v) for v in services.violations(entry)]


@router.post("/{entry_id}/submit",
             response={200: SubmitOut, 422: BlockedOut, **ERRORS},
             summary="Submit the entry (Idempotency-Key header required)")
@api_access(PARTICIPANTS)
@entry_errors
def submit_entry(request, entry_id: int,
                 idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    """Send a new key per submit the person means (a UUID, say) and the same key with every
    retry of it: a retry gets the first answer again, with the same status code, and
    `Idempotent-Replayed: true`. An entry returned for fixes is resubmitted the same way."""
    if not (idempotency_key or "").strip():
        return _answer(400, _("Send an Idempotency-Key header with a new key for this submit "
                              "(and the same key if you retry it)."),
                       "idempotency_key_missing", errors={"idempotency_key": [
                           _("This header is required.")]})
    # The service locks the entry and checks it is this person's: no read before it (this is
    # the route of the last-day rush). Someone else's entry is "not found", as everywhere here.
    try:
        result = services.submit_entry(entry_id, request.user, idempotency_key)
    except EntryPermissionDenied:
        return _not_found()
    response = result.response
    # Always in this order: the stored answer comes back from a JSON column in any key order.
    answer = JsonResponse({name: response.get(name) for name in SubmitOut.model_fields},
                          status=200)
    answer["Idempotent-Replayed"] = "true" if result.replayed else "false"
    return answer


@router.post("/{entry_id}/withdraw", response={200: EntryOut, **ERRORS},
             summary="Withdraw the entry from the award (before the deadline)")
@api_access(PARTICIPANTS)
@entry_errors
def withdraw_entry(request, entry_id: int, payload: WithdrawIn | None = None):
    entry = _own(request, entry_id)
    if entry is None:
        return _not_found()
    services.withdraw_entry(entry, request.user, reason=payload.reason if payload else "")
    return entry_out(_own(request, entry_id), request.user)


@router.get("/{entry_id}/history", response={200: list[EventOut], 404: Detail},
            summary="What happened to the entry, oldest first")
@api_access(PARTICIPANTS)
def entry_history(request, entry_id: int):
    entry = _own(request, entry_id)
    if entry is None:
        return _not_found()
    return [event_out(e, request.user) for e in selectors.entry_history(entry)]


# --- intake ------------------------------------------------------------------------------------

def _reviewed(request, entry_id: int) -> Entry | None:
    if selectors.intake_queue(request.user).filter(pk=entry_id).exists():
        return selectors.entry_for(request.user, entry_id)
    return None


@intake_router.get("/entries", response=list[IntakeEntryOut],
                   summary="Submitted entries of the editions you review, oldest first")
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
@api_access(REVIEWERS)
def intake_entries(request, category: str | None = None,
                   status: list[EntryStatus] = STATUS_FILTER,
                   submitted_from: str | None = Query(None, description="ISO date, inclusive"),
                   submitted_to: str | None = Query(None, description="ISO date, inclusive"),
                   language: str | None = None, country: str | None = None,
                   residence: str | None = None):
    entries = selectors.intake_queue(
        request.user, category=category, status=status or None,
        submitted_from=_date(submitted_from), submitted_to=_date(submitted_to),
        language=language, country=country, residence=residence)
    open_flags = selectors.open_duplicate_counts(request.user)
    return _Answers(entries, lambda e: {
        **summary_out(e), "owner": owner_out(e.owner), "language": e.language,
        "entrant_country": e.entrant_country, "entrant_residence": e.entrant_residence,
        "open_duplicates": open_flags.get(e.pk, 0)})


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()) if value and value.strip() else None
    except ValueError:
        return None


@intake_router.get("/entries/{entry_id}", response={200: IntakeEntryDetailOut, 404: Detail},
                   summary="A submitted entry with its findings, duplicates and history")
@api_access(REVIEWERS)
def intake_entry(request, entry_id: int):
    entry = _reviewed(request, entry_id)
    if entry is None:
        return _not_found()
    return {**entry_out(entry), "owner": owner_out(entry.owner),
            "violations": [violation_out(v) for v in services.violations(entry)],
            "duplicates": [duplicate_out(f)
                           for f in selectors.duplicate_flags(request.user, entry=entry)],
            "history": [event_out(e, request.user) for e in selectors.entry_history(entry)]}


@intake_router.post("/entries/{entry_id}/decision", response={200: EntryOut, **ERRORS},
                    summary="Mark valid, return for fixes, or reject")
@api_access(REVIEWERS)
@entry_errors
def intake_decision(request, entry_id: int, payload: DecisionIn):
    entry = _reviewed(request, entry_id)
    if entry is None:
        return _not_found()
    if payload.decision == "valid":
        services.mark_valid(entry, request.user, note=payload.note)
    elif payload.decision == "return":
        services.return_for_fixes(entry, request.user, reason=payload.reason,
                                  deadline=payload.deadline or "")
    else:
        services.reject(entry, request.user, reason=payload.reason)
    return entry_out(selectors.entry_for(request.user, entry_id))


@intake_router.get("/duplicates", response=list[DuplicateOut],
                   summary="Possible duplicates in the editions you review")
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
@api_access(REVIEWERS)
def intake_duplicates(request, status: str | None = Query(
        "open", description="open | dismissed | confirmed; empty for all")):
    return _Answers(selectors.duplicate_flags(request.user, status=status), duplicate_out)


@intake_router.post("/duplicates/{flag_id}/decision", response={200: DuplicateOut, **ERRORS},
                    summary="Dismiss or confirm a possible duplicate")
@api_access(REVIEWERS)
@entry_errors
def intake_duplicate_decision(request, flag_id: int, payload: DuplicateDecisionIn):
    flag = selectors.duplicate_flag_for(request.user, flag_id)
    if flag is None:
        return _answer(404, _("There is no such possible duplicate."), "not_found")
    flag = services.decide_duplicate(flag, request.user, payload.decision, note=payload.note)
    return duplicate_out(flag)
