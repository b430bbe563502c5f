"""The entry form, step by step: the page itself (which also takes plain form posts, so it
works without JavaScript), the autosave that htmx posts as the participant types, and the
panel of rule findings that refreshes after every save."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giaithuong.common.access import access
from giaithuong.entries import services
from giaithuong.entries.forms import findings as placing
from giaithuong.entries.forms.files import FileForm
from giaithuong.entries.forms.plan import plan_for
from giaithuong.entries.forms.steps import STEP_CODES, STEPS
from giaithuong.entries.models import EntryStatus
from giaithuong.entries.views import saving
from giaithuong.entries.views.common import PARTICIPANTS, now, own_entry, timing

SAVED_EVENT = "entrySaved"  # htmx event: the entry changed, findings are to be read again


def _step(value) -> str:
    return value if value in STEP_CODES else STEP_CODES[0]


def _version(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def step_url(entry, step: str, anchor: str = "") -> str:
    url = f"{reverse('entries:edit', args=[entry.pk])}?step={step}"
    return f"{url}#{anchor}" if anchor else url


def shown_fields(step: str, forms: saving.StepForms) -> set[str]:
    """The fields `step` shows, each with its place for rule findings."""
    names = set(forms.form.fields) if forms.form is not None else set()
    if step == "files":
        names.add("files")
    if forms.authors is not None:
        names.add("authors")
    if forms.awards is not None:
        names.add("prior_awards")
    return names


def findings_context(entry, step: str, shown: set[str], at) -> dict:
    found = placing.place(services.violations(entry, now=at))
    states = placing.checklist(found)
    for state in states:
        state.url = step_url(entry, state.code)
    return {
        "findings": found,
        "blocking": [f for f in found if f.blocking],
        "warnings": [f for f in found if not f.blocking],
        "steps": states,
        "at_field": placing.by_field(found, step, shown),
        "step": step,
        "step_url": {code: step_url(entry, code) for code in STEP_CODES},
    }


def render_edit(request, entry, step: str, forms: saving.StepForms, at, *, version=None,
            outcome: saving.Outcome | None = None, file_form=None, status: int = 200,
            blocked=None):
    plan = plan_for(entry)
    shown = shown_fields(step, forms)
    if outcome is not None and forms.form is not None:
        forms.form.mark_invalid(outcome.errors)
    context = findings_context(entry, step, shown, at)
    context.update({
        "entry": entry, "plan": plan, "forms": forms, "form": forms.form,
        "has_form": forms.form is not None,
        "authors": forms.authors, "awards": forms.awards,
        "version": entry.version if version is None else version,
        "timing": timing(entry, at),
        "step_labels": STEPS,
        "errors": outcome.errors if outcome else {},
        "outcome": outcome,
        "file_form": file_form or FileForm(),
        "idempotency_key": uuid.uuid4(),
        "resubmit": entry.status == EntryStatus.RETURNED,
        "blocked": blocked,
        "checking": any(f.inspected_at is None for f in entry.files.all()),
    })
    return render(request, "entries/edit.html", context, status=status)


@access(PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def edit(request, entry_id):
    entry = own_entry(request, entry_id)
    at = now()
    state = timing(entry, at)
    if not state.open:
        messages.error(request, state.refusal)
        return redirect("entries:detail", entry_id=entry.pk)
    plan = plan_for(entry)
    if request.method == "GET":
        step = _step(request.GET.get("step"))
        forms = saving.bind(step, entry, plan)
        if request.GET.get("add") == "author" and forms.authors is not None:
            forms.authors.extra = 1
        if request.GET.get("add") == "prize" and forms.awards is not None:
            forms.awards.extra = 1
        return render_edit(request, entry, step, forms, at)
    step = _step(request.POST.get("step"))
    version = _version(request.POST.get("version"))
    if version is None:
        raise BadRequest("the form carries no version")
    forms = saving.bind(step, entry, plan, request.POST)
    outcome = saving.save(entry, request.user, step, forms, version, at)
    adding = request.POST.get("add")
    if outcome.ok:
        if outcome.saved:
            messages.success(request, _("Saved."))
        target = _step(request.POST.get("go") or step)
        url = step_url(outcome.entry, target)
        if adding in {"author", "prize"}:
            url += f"&add={adding}"
        return redirect(url)
    if adding == "author" and forms.authors is not None:
        forms = _with_extra_row(step, outcome.entry, plan, request.POST, "authors")
    if adding == "prize" and forms.awards is not None:
        forms = _with_extra_row(step, outcome.entry, plan, request.POST, "awards")
    return render_edit(request, outcome.entry, step, forms, at,
                   version=version if outcome.stale else outcome.entry.version,
                   outcome=outcome, status=409 if outcome.stale else 400)


def _with_extra_row(step, entry, plan, data, prefix) -> saving.StepForms:
    data = data.copy()
    total = f"{prefix}-TOTAL_FORMS"
    data[total] = str(int(data.get(total) or 0) + 1)
    forms = saving.bind(step, entry, plan, data)
    # Errors are shown again for the rows that had them; the new row starts clean.
    return forms


@access(PARTICIPANTS)
@require_POST
def autosave(request, entry_id):
    """What htmx posts as the participant types: the step's fields with the version the page
    holds. Always answers 200 (htmx swaps only those): the message says what happened."""
    entry = own_entry(request, entry_id)
    at = now()
    step = _step(request.POST.get("step"))
    version = _version(request.POST.get("version"))
    plan = plan_for(entry)
    forms = saving.bind(step, entry, plan, request.POST)
    if version is None:
        outcome = saving.Outcome(entry=entry, message=_("Reload the page: it is missing the "
                                                        "entry's version."))
    else:
        outcome = saving.save(entry, request.user, step, forms, version, at)
    response = render(request, "entries/_autosave.html", {
        "entry": outcome.entry, "outcome": outcome, "at": at, "step": step,
        "fields": sorted(shown_fields(step, forms) - {"files"}),
        "errors": outcome.errors,
        "version": version if outcome.stale or version is None else outcome.entry.version,
    })
    if outcome.saved:
        response["HX-Trigger"] = SAVED_EVENT
    return response


@access(PARTICIPANTS)
@require_GET
def violations(request, entry_id):
    """The panel of findings (and, out of band, the steps' checklist and the findings at the
    fields of `step`), read again after each save."""
    entry = own_entry(request, entry_id)
    at = now()
    step = _step(request.GET.get("step"))
    forms = saving.bind(step, entry, plan_for(entry))
    context = findings_context(entry, step, shown_fields(step, forms), at)
    context.update({"entry": entry, "oob": True})
    response = render(request, "entries/_violations.html", context)
    response["Cache-Control"] = "no-store"
    return response
