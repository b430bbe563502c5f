"""Intake pages (tiếp nhận, xét hợp lệ): the queue of submitted entries, one entry with its files,
findings, authors, history and possible duplicates, the decisions on it, and a possible duplicate
shown side by side.

For intake officers and organisers; object level, an entry or a flag exists for a person only in
the editions their grant covers (else 404). Files are read through these views, which check
that, never from a public media path. Thin: forms parse, `services` decide, `selectors` read.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giaithuong.accounts.roles import Role
from giaithuong.common.access import access, roles
from giaithuong.editions.selectors import current_edition
from giaithuong.entries import selectors, services
from giaithuong.entries.errors import EntryError, EntryPermissionDenied
from giaithuong.entries.intake_forms import (
    DECISION_FORMS,
    DuplicateDecisionForm,
    QueueFilterForm,
)
from giaithuong.entries.models import RECEIPTED, DuplicateStatus, Entry, EntryStatus
from giaithuong.entries.services.intake import ALLOWED

INTAKE = roles(Role.INTAKE_OFFICER, Role.ORGANISER)
PAGE_SIZE = 50
DUPLICATES_PAGE_SIZE = 50
# decision -> the status it leads to (to offer only the decisions the entry's status allows)
LEADS_TO = {"valid": EntryStatus.VALID, "return": EntryStatus.RETURNED,
            "reject": EntryStatus.REJECTED}


def _entry(request, entry_id: int) -> Entry:
    """A submitted entry of an edition this person reviews, with its authors and files."""
    if not selectors.intake_queue(request.user).filter(pk=entry_id).exists():
        raise Http404
    entry = selectors.entry_for(request.user, entry_id)
    if entry is None:
        raise Http404
    return entry


# --- the queue -----------------------------------------------------------------------------------

@access(INTAKE)
def queue(request):
    edition = current_edition()
    categories = list(edition.categories.order_by("number")) if edition else []
    form = QueueFilterForm(request.GET or None, categories=categories)
    filters = form.filters()
    entries = (selectors.intake_queue(request.user, edition=edition, **filters)
               if edition else Entry.objects.none())
    others = {k: v for k, v in filters.items() if k != "status"}
    everything = (selectors.intake_queue(request.user, edition=edition, **others)
                  if edition else Entry.objects.none())
    counts = selectors.status_counts(everything)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    open_flags = selectors.open_duplicate_counts(request.user)
    for entry in page.object_list:
        entry.open_duplicates = open_flags.get(entry.pk, 0)
    status_counts = [(s, counts[str(s)]) for s in EntryStatus if s in RECEIPTED
                     or s == EntryStatus.WITHDRAWN]
    return render(request, "entries/intake/queue.html", {
        "form": form, "page": page, "status_counts": status_counts,
        "chosen_status": filters.get("status", ""),
        "open_duplicates": selectors.duplicate_flags(request.user,
                                                     status=DuplicateStatus.OPEN).count(),
    }, status=400 if form.is_bound and form.errors else 200)


# --- one entry -----------------------------------------------------------------------------------

def _decision_forms(entry: Entry, data=None, chosen: str = "") -> dict:
    """The decisions open to the entry now, each as a form (bound for the one just sent)."""
    forms = {}
    for decision, form_class in DECISION_FORMS.items():
        if entry.status in ALLOWED[LEADS_TO[decision]]:
            bound = data if decision == chosen else None
            forms[decision] = form_class(bound, prefix=decision)
    return forms


def _decide(request, entry: Entry, form) -> bool:
    data = form.cleaned_data
    try:
        if form.decision == "valid":
            services.mark_valid(entry, request.user, note=data["note"])
        elif form.decision == "return":
            services.return_for_fixes(entry, request.user, reason=data["reason"],
                                      deadline=data["deadline"])
        else:
            services.reject(entry, request.user, reason=data["reason"])
    except EntryPermissionDenied as error:
        form.add_error(None, str(error))
        return False
    except EntryError as error:
        field = error.field if error.field in form.fields else None
        for message in error.errors.get(error.field or "__all__", [str(error)]):
            form.add_error(field, message)
        return False
    return True


DONE = {"valid": gettext_lazy("The entry is marked valid; its participant has been told."),
        "return": gettext_lazy("The entry is returned for fixes; its participant has been told."),
        "reject": gettext_lazy("The entry is rejected; its participant has been told.")}


@access(INTAKE)
def entry_page(request, entry_id: int):
    entry = _entry(request, entry_id)
    chosen = request.POST.get("decision", "") if request.method == "POST" else ""
    forms = _decision_forms(entry, request.POST or None, chosen)
    if request.method == "POST":
        form = forms.get(chosen)
        if form is None:
            messages.error(request, _("This decision is not open for the entry in its present "
                                      "status. Nothing was changed."))
            return redirect("intake:entry", entry_id=entry.pk)
        if form.is_valid() and _decide(request, entry, form):
            messages.success(request, str(DONE[chosen]))
            return redirect("intake:entry", entry_id=entry.pk)
    files = list(entry.files.all())
    return render(request, "entries/intake/entry.html", {
        "entry": entry, "files": files, "forms": forms, "chosen": chosen,
        "violations": services.violations(entry),
        "flags": list(selectors.duplicate_flags(request.user, entry=entry)),
        "history": list(selectors.entry_history(entry)),
    }, status=400 if chosen and any(f.errors for f in forms.values()) else 200)


def _download(request, entry_id: int, file_id: int, *, blind: bool):
    entry = _entry(request, entry_id)
    item = next((f for f in entry.files.all() if f.pk == file_id), None)
    stored = (item.blind_file if blind else item.file) if item is not None else None
    if not stored:
        raise Http404
    extension = stored.name.rsplit(".", 1)[-1]
    # A blind copy's name must not name anyone: the original's name often does.
    name = (f"{entry.receipt_number or entry.pk}-{item.pk}-blind.{extension}" if blind
            else item.original_name)
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=name,
                            content_type=item.content_type or "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    return response


@access(INTAKE)
def file_original(request, entry_id: int, file_id: int):
    return _download(request, entry_id, file_id, blind=False)


@access(INTAKE)
def file_blind(request, entry_id: int, file_id: int):
    return _download(request, entry_id, file_id, blind=True)


# --- possible duplicates ---------------------------------------------------------------------

@access(INTAKE)
def duplicates(request):
    status = request.GET.get("status", DuplicateStatus.OPEN)
    if status not in DuplicateStatus.values and status != "all":
        status = DuplicateStatus.OPEN
    flags = selectors.duplicate_flags(request.user, status=None if status == "all" else status)
    page = Paginator(flags, DUPLICATES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "entries/intake/duplicates.html", {
        "page": page, "status": status,
        "statuses": [*((s.value, s.label) for s in DuplicateStatus), ("all", _("All"))]})


@access(INTAKE)
def duplicate(request, flag_id: int):
    flag = selectors.duplicate_flag_for(request.user, flag_id)
    if flag is None:
        raise Http404
    form = DuplicateDecisionForm(request.POST or None,
                                 initial={"decision": flag.status, "note": flag.note})
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_duplicate(flag, request.user, form.cleaned_data["decision"],
                                      note=form.cleaned_data["note"])
        except EntryPermissionDenied as error:
            form.add_error(None, str(error))
        except EntryError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("Your decision on the two entries is recorded."))
            return redirect("intake:duplicate", flag_id=flag.pk)
    sides = [selectors.entry_for(request.user, pk) for pk in (flag.entry_a_id, flag.entry_b_id)]
    shared = set(flag.files)
    return render(request, "entries/intake/duplicate.html", {
        "flag": flag, "form": form, "sides": [s for s in sides if s is not None],
        "shared": shared,
    }, status=400 if form.is_bound and form.errors else 200)
