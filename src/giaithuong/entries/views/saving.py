"""Saving one step of the entry form, for the autosave and for a plain form post alike.

Every field that reads cleanly is saved even when another is wrong (an impossible date must
not cost the participant the paragraph they just typed): the services refuse a change as a
whole, so the fields they name are set aside and the rest is saved again. The version the
form was opened with guards every write; a stale version saves nothing, unless the entry
already holds exactly what the form says (the autosave got there first), which is no conflict.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from giaithuong.entries import services
from giaithuong.entries.cleaning import clean_authors, clean_fields
from giaithuong.entries.errors import ALL, EntryError, EntryInvalid, StaleVersion
from giaithuong.entries.forms import steps
from giaithuong.entries.forms.plan import FormPlan
from giaithuong.entries.models import Entry
from giaithuong.entries.services._base import zone

_INDEXED = ("authors[", "prior_awards[")


@dataclass
class StepForms:
    """The bound forms of one step."""

    form: steps.StepForm | None = None
    authors: Any = None
    awards: Any = None

    def is_bound(self) -> bool:
        return bool(self.form is not None and self.form.is_bound)


@dataclass
class Outcome:
    entry: Entry
    saved: bool = False  # something changed
    stale: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)  # form field -> messages
    message: str = ""  # a refusal of the whole step (deadline, status)

    @property
    def ok(self) -> bool:
        return not (self.stale or self.errors or self.message)

    def add(self, name: str, messages) -> None:
        self.errors.setdefault(name or ALL, []).extend(str(m) for m in messages)


def bind(step: str, entry: Entry, plan: FormPlan, data=None, files=None) -> StepForms:
    """The forms of `step`, bound to `data` when given, else filled from the entry."""
    made = StepForms()
    form_class = steps.FORMS.get(step)
    if form_class is not None:
        made.form = form_class(data, entry=entry, plan=plan, prefix=None)
        made.form.describe()
    if step == "authors":
        made.authors = steps.AuthorFormSet(data, prefix="authors",
                                           initial=None if data else steps.author_rows(entry))
    if step == "declarations":
        made.awards = steps.PriorAwardFormSet(data, prefix="awards",
                                              initial=None if data else steps.award_rows(entry))
    return made


def _today(entry: Entry, at: dt.datetime) -> dt.date:
    return at.astimezone(zone(entry.edition)).date()


def _same_fields(current: Entry, values: dict[str, Any], at: dt.datetime) -> bool:
    """Whether the entry already holds every value that reads cleanly (a value the services
    refuse was never saved by anyone, so it decides nothing)."""
    for name, value in values.items():
        try:
            cleaned = clean_fields({name: value}, today=_today(current, at))
        except EntryError:
            continue
        if any(getattr(current, key) != found for key, found in cleaned.items()):
            return False
    return True


def _author_key(author: dict[str, Any]) -> tuple:
    user = author.get("user")
    return (author["full_name"], author["pen_name"], author["role"], author["job_title"],
            author["workplace"], author["email"], Decimal(author["share_percent"] or 0),
            bool(author["consent_given"]), getattr(user, "pk", user))


def _same_authors(entry: Entry, authors: list[dict[str, Any]]) -> bool:
    try:
        cleaned = clean_authors(authors, owner=entry.owner)
    except EntryError:
        return False
    current = [{"full_name": a.full_name, "pen_name": a.pen_name, "role": a.role,
                "job_title": a.job_title, "workplace": a.workplace, "email": a.email,
                "share_percent": a.share_percent, "consent_given": a.consent_given,
                "user": a.user_id} for a in entry.authors.all()]
    return [_author_key(a) for a in cleaned] == [_author_key(a) for a in current]


def _row(name: str, rows: list[int]) -> int | None:
    """The row number the participant sees for "authors[2]" (blank rows are not sent)."""
    index = name.partition("[")[2].rstrip("]")
    if not index.isdigit() or int(index) >= len(rows):
        return None
    return rows[int(index)] + 1


ROW_LABELS = {"authors": _("Author {number}: {message}"),
              "prior_awards": _("Prize {number}: {message}")}


def _messages(outcome: Outcome, form, errors: dict[str, list[str]], rows: dict[str, list[int]]):
    for name, messages in errors.items():
        base = name.split("[", 1)[0]
        if base in ROW_LABELS:
            number = _row(name, rows.get(base, []))
            if number is not None:
                messages = [str(ROW_LABELS[base]).format(number=number, message=m)
                            for m in messages]
            outcome.add(base, messages)
        else:
            outcome.add(form.form_field(name) if form is not None else name, messages)


def _update(outcome: Outcome, forms: StepForms, values: dict[str, Any], version: int,
            actor, at: dt.datetime, rows: dict[str, list[int]]) -> None:
    """update_draft with every cleanly read field; those the services refuse are set aside
    (`values` loses them, their messages go to `outcome`) and the rest is saved again."""
    for _attempt in range(2):
        if not values:
            return
        try:
            before = outcome.entry.version
            outcome.entry = services.update_draft(outcome.entry, actor, version, now=at,
                                                  **values)
            outcome.saved = outcome.saved or outcome.entry.version != before
            return
        except EntryInvalid as invalid:
            _messages(outcome, forms.form, invalid.errors, rows)
            for name in invalid.errors:
                values.pop(name.split("[", 1)[0], None)
            if ALL in invalid.errors:
                return


def _kept_rows(formset, blank) -> list[int]:
    return [index for index, form in enumerate(formset.forms)
            if form.is_valid() and not form.cleaned_data.get("DELETE") and not blank(form)]


def save(entry: Entry, actor, step: str, forms: StepForms, version: int,
         at: dt.datetime) -> Outcome:
    """Save what the bound forms of `step` hold; never raises for the participant's input."""
    outcome = Outcome(entry=entry)
    values: dict[str, Any] = {}
    rows: dict[str, list[int]] = {}
    if forms.form is not None:
        forms.form.is_valid()
        values.update(forms.form.values())
        for name, messages in forms.form.errors.items():
            outcome.add(name, messages)
    if forms.awards is not None and forms.awards.management_form.is_valid():
        forms.awards.is_valid()
        values["prior_awards"] = steps.awards_from(forms.awards)
        rows["prior_awards"] = _kept_rows(forms.awards, lambda f: f.is_blank())
    authors = None
    if forms.authors is not None and forms.authors.management_form.is_valid():
        forms.authors.is_valid()
        authors = steps.authors_from(forms.authors, entry.owner)
        rows["authors"] = _kept_rows(forms.authors, lambda f: f.is_blank())
    pending = dict(values)
    try:
        _update(outcome, forms, pending, version, actor, at, rows)
        if authors is not None and not _same_authors(outcome.entry, authors):
            before = outcome.entry.version
            outcome.entry = services.set_authors(
                outcome.entry, actor, authors, now=at,
                version=outcome.entry.version if outcome.saved else version)
            outcome.saved = outcome.saved or outcome.entry.version != before
    except StaleVersion as stale:
        outcome.entry = stale.current
        if not (_same_fields(stale.current, pending, at)
                and (authors is None or _same_authors(stale.current, authors))):
            outcome.stale = True
            outcome.message = str(stale)
    except EntryInvalid as invalid:  # the authors, which are saved as one list
        _messages(outcome, None, invalid.errors, rows)
    except EntryError as error:  # the deadline passed, or the entry is no longer a draft
        outcome.message = str(error)
    return outcome


STALE_HINT = _("Reload the entry to see the other changes; what you typed here is still on "
               "this page until you do.")
