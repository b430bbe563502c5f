"""The steps of the entry form (the work, summary, authors, files, declarations, check).

These forms only lay fields out and read them back: every value goes to the entry services
as typed, and their input cleaning (`entries.cleaning`) is the one judge of it, so the pages
and the API refuse the same things with the same words. Fields are therefore lenient text
fields here; the few conversions a page needs (running time as 1:05:30, links one per line,
author rows, prize rows) happen in `values()`.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from giaithuong.common.text import short_date
from giaithuong.entries.forms.plan import FormPlan
from giaithuong.entries.models import AuthorRole, Entry

STEPS: tuple[tuple[str, Any], ...] = (
    ("work", _("The work")),
    ("summary", _("Summary")),
    ("authors", _("Authors")),
    ("files", _("Files")),
    ("declarations", _("Declarations")),
    ("review", _("Check and submit")),
)
STEP_CODES = tuple(code for code, _label in STEPS)
_DURATION = re.compile(r"^(?:(\d{1,4})|(\d{1,4}):([0-5]?\d)|(\d{1,3}):([0-5]?\d):([0-5]?\d))$")


def parse_duration(text: str) -> int | None:
    """Seconds in "45" (minutes), "45:30" (minutes:seconds) or "1:05:30"; None when empty.
    Raises ValueError for anything else."""
    text = text.strip().replace(" ", "")
    if not text:
        return None
    match = _DURATION.match(text)
    if not match:
        raise ValueError(text)
    minutes, m2, s2, h3, m3, s3 = match.groups()
    if minutes is not None:
        return int(minutes) * 60
    if m2 is not None:
        return int(m2) * 60 + int(s2)
    return int(h3) * 3600 + int(m3) * 60 + int(s3)


def show_duration(seconds: int | None) -> str:
    if seconds is None:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}" if secs else str(minutes)


DURATION_HELP = _("Minutes (45), minutes:seconds (45:30) or hours:minutes:seconds (1:05:30).")
DURATION_ERROR = _("Enter the running time as minutes (45), minutes:seconds (45:30) or "
                   "hours:minutes:seconds (1:05:30).")


def _text(label, *, help_text="", max_length=None, rows=None, **attrs) -> forms.CharField:
    # The length is the browser's hint only: the services measure the cleaned text and say so.
    if max_length:
        attrs["maxlength"] = max_length
    widget = forms.Textarea(attrs={"rows": rows, **attrs}) if rows else forms.TextInput(attrs)
    return forms.CharField(label=label, help_text=help_text, required=False, strip=False,
                           widget=widget)


def _date(label, help_text="") -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text, required=False,
                           widget=forms.DateInput(attrs={"type": "date"}))


def _number(label, help_text="", minimum=0) -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text, required=False,
                           widget=forms.NumberInput(attrs={"min": minimum, "step": 1,
                                                           "inputmode": "numeric"}))


def _choice(label, choices, help_text="", blank=True) -> forms.ChoiceField:
    options = ([("", _("— choose —"))] if blank else []) + list(choices)
    return forms.ChoiceField(label=label, help_text=help_text, required=False, choices=options)


def _flag(label, help_text="") -> forms.BooleanField:
    return forms.BooleanField(label=label, help_text=help_text, required=False)


class StepForm(forms.Form):
    """A step of the entry: fields named as the entry's, shown as the category needs."""

    # form field -> the entry service's field, where they differ
    service_names: dict[str, str] = {}

    def __init__(self, *args, entry: Entry, plan: FormPlan, **kwargs):
        self.entry, self.plan = entry, plan
        kwargs.setdefault("initial", self.initial_from(entry))
        super().__init__(*args, **kwargs)

    # (legend, field names) of the fieldsets the step shows; one unnamed group by default
    groups_of: tuple[tuple[Any, tuple[str, ...]], ...] = ()

    def initial_from(self, entry: Entry) -> dict[str, Any]:
        return {}

    def describe(self) -> None:
        """Point every widget at its help, its input errors and the rule findings at it (the
        last two are filled in place as the participant types)."""
        for name, item in self.fields.items():
            ids = ([f"help-{name}"] if item.help_text else []) + [f"err-{name}", f"rule-{name}"]
            item.widget.attrs["aria-describedby"] = " ".join(ids)

    def mark_invalid(self, names) -> None:
        for name in names:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"

    def groups(self) -> list[tuple[Any, list]]:
        if not self.groups_of:
            return [("", [self[name] for name in self.fields])]
        return [(legend, [self[n] for n in names if n in self.fields])
                for legend, names in self.groups_of if any(n in self.fields for n in names)]

    def values(self) -> dict[str, Any]:
        """Service field -> value for the fields that read cleanly (the others carry errors)."""
        return {self.service_names.get(name, name): value
                for name, value in self.cleaned_data.items() if name not in self.errors}

    def service_field(self, name: str) -> str:
        return self.service_names.get(name, name)

    def form_field(self, service_name: str) -> str:
        for name, service in self.service_names.items():
            if service == service_name:
                return name
        return service_name


class WorkForm(StepForm):
    """The work: what it is, where and when it was published, how long or large it is."""

    service_names = {"duration": "duration_seconds"}
    groups_of = (
        (_("About the work"), ("title", "genre", "subtype", "language")),
        (_("Publication"), ("outlet", "publication_urls", "published_first", "published_last",
                            "parts_total", "parts_in_window")),
        (_("Length and size"), ("duration", "seconds_outside_window", "pages", "photo_count")),
    )

    def __init__(self, *args, entry: Entry, plan: FormPlan, **kwargs):
        super().__init__(*args, entry=entry, plan=plan, **kwargs)
        start, end = plan.window
        window = {"start": short_date(start), "end": short_date(end)}
        fields: dict[str, forms.Field] = {
            "title": _text(_("Title of the work"), max_length=500,
                           help_text=_("As it was published or broadcast.")),
            "genre": _text(_("Genre"), max_length=200, help_text=_(
                "For example: report, feature, commentary, documentary, photo story.")),
        }
        if plan.subtypes:
            fields["subtype"] = _choice(_("Kind of work"), plan.subtypes)
        current = entry.language
        languages = list(plan.languages)
        if current and current not in dict(languages):
            languages.append((current, current))  # kept, so the rule about it can be read
        fields["language"] = _choice(_("Language of the work"), languages,
                                     help_text=plan.language_note)
        fields["outlet"] = _text(_("Published or broadcast by"), max_length=300, help_text=_(
            "The newspaper, magazine, station, publisher or website that carried the work."))
        fields["publication_urls"] = _text(
            _("Links to the published work"), rows=3,
            help_text=_("One web address per line, starting with http:// or https://."))
        fields["published_first"] = _date(_("First published"), format_lazy(
            _("The day the work (or the first part of a series) came out. Works published "
              "from {start} to {end} may enter."), **window))
        fields["published_last"] = _date(_("Last published"), _(
            "For a series or a work published over time: the day of the last part. Leave "
            "empty for a single publication."))
        if plan.series:
            fields["parts_total"] = _number(_("Parts in all"), format_lazy(
                _("1 for a single work. A series counts every part, also those outside the "
                  "window; at most {limit} parts."), limit=plan.max_series_parts), minimum=1)
            fields["parts_in_window"] = _number(_("Parts published inside the window"),
                                                format_lazy(_("Published from {start} to "
                                                              "{end}."), **window))
        if plan.duration:
            limit = (format_lazy(_(" At most {minutes} minutes."),
                                 minutes=plan.max_duration_minutes)
                     if plan.max_duration_minutes else "")
            fields["duration"] = _text(_("Running time"), help_text=format_lazy(
                "{help}{limit}", help=DURATION_HELP, limit=limit), inputmode="numeric")
            fields["seconds_outside_window"] = _text(
                _("Running time broadcast outside the window"),
                help_text=_("Only for a work broadcast partly before or after the window; "
                            "leave empty otherwise."), inputmode="numeric")
        if plan.pages:
            fields["pages"] = _number(_("Pages"), _("For books and print works."), minimum=1)
        if plan.photos:
            fields["photo_count"] = _number(_("Number of photos"),
                                            _("1 for a single photo."), minimum=1)
        self.fields.update(fields)

    def initial_from(self, entry: Entry) -> dict[str, Any]:
        return {
            "title": entry.title, "genre": entry.genre, "subtype": entry.subtype,
            "language": entry.language, "outlet": entry.outlet,
            "publication_urls": "\n".join(entry.publication_urls or []),
            "published_first": entry.published_first.isoformat() if entry.published_first
            else "",
            "published_last": entry.published_last.isoformat() if entry.published_last else "",
            "parts_total": entry.parts_total, "parts_in_window": entry.parts_in_window,
            "duration": show_duration(entry.duration_seconds),
            "seconds_outside_window": show_duration(entry.seconds_outside_window or None),
            "pages": entry.pages or "", "photo_count": entry.photo_count or "",
        }

    def _duration(self, name: str) -> int | None:
        try:
            return parse_duration(self.cleaned_data.get(name) or "")
        except ValueError:
            raise forms.ValidationError(DURATION_ERROR, code="duration") from None

    def clean_duration(self):
        return self._duration("duration")

    def clean_seconds_outside_window(self):
        return self._duration("seconds_outside_window") or 0

    def clean_publication_urls(self):
        return (self.cleaned_data.get("publication_urls") or "").split()


class SummaryForm(StepForm):
    """The Vietnamese summary, and the translation of a work in another language."""

    def __init__(self, *args, entry: Entry, plan: FormPlan, **kwargs):
        super().__init__(*args, entry=entry, plan=plan, **kwargs)
        self.fields["summary_vi"] = _text(
            _("Summary in Vietnamese"), rows=10, lang="vi", help_text=_(
                "In Vietnamese: the category, the genre, the main content, the context in "
                "which the work came out, and how the audience received it."))
        if self.needs_translation:
            self.fields["translation_title"] = _text(_("Title in Vietnamese translation"),
                                                     max_length=500, lang="vi")
            self.fields["translation_summary"] = _text(
                _("About the translation"), rows=4,
                help_text=_("Who translated the work, and anything intake should know."))
            self.fields["translation_present"] = _flag(
                _("The full translation comes separately, by post or e-mail"),
                _("Tick this only if you do not upload the translation as a file."))

    @property
    def needs_translation(self) -> bool:
        return bool(self.entry.language) and self.entry.language.split("-")[0] != "vi"

    def initial_from(self, entry: Entry) -> dict[str, Any]:
        return {"summary_vi": entry.summary_vi, "translation_title": entry.translation_title,
                "translation_summary": entry.translation_summary,
                "translation_present": entry.translation_present}


class EntrantForm(StepForm):
    """Who enters: a person, a group of authors or an agency."""

    def __init__(self, *args, entry: Entry, plan: FormPlan, **kwargs):
        super().__init__(*args, entry=entry, plan=plan, **kwargs)
        self.fields["entrant_kind"] = forms.ChoiceField(
            label=_("Who enters the work"), choices=plan.entrant_kinds, required=False,
            widget=forms.RadioSelect)
        self.fields["organisation_name"] = _text(
            _("Name of the agency or organisation"), max_length=300,
            help_text=_("Only when an agency or organisation enters the work."))

    def initial_from(self, entry: Entry) -> dict[str, Any]:
        return {"entrant_kind": entry.entrant_kind,
                "organisation_name": entry.organisation_name}

    def values(self) -> dict[str, Any]:
        found = super().values()
        if found.get("entrant_kind") == "":
            found.pop("entrant_kind")  # nothing chosen: keep what the entry says
        return found


class AuthorForm(forms.Form):
    """One author of the entry."""

    full_name = _text(_("Full name"), max_length=200, autocomplete="name")
    pen_name = _text(_("Pen name"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=AuthorRole.choices, required=False)
    job_title = _text(_("Position held"), max_length=200)
    workplace = _text(_("Workplace"), max_length=300)
    email = _text(_("E-mail"), max_length=254, type="email", autocomplete="off")
    share_percent = _text(_("Share of the work (%)"), inputmode="decimal",
                          help_text=_("The shares of all authors total 100."))
    consent_given = _flag(_("This author has agreed to be entered"),
                          _("You confirm that they agreed; intake may ask them."))
    me = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any((data.get(name) or "").strip() for name in (
            "full_name", "pen_name", "job_title", "workplace", "email", "share_percent"))

    def is_me(self) -> bool:
        """The row of the participant's own account (their consent is on record)."""
        value = self["me"].value()
        return value is True or str(value).strip().lower() in {"true", "1", "on"}


class Rows(forms.BaseFormSet):
    """Rows of a list the participant edits in place; a ticked box removes a row."""

    delete_label: Any = _("Remove")

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = self.delete_label


class AuthorRows(Rows):
    delete_label = _("Remove this author")


AuthorFormSet = forms.formset_factory(AuthorForm, formset=AuthorRows, extra=0, can_delete=True,
                                      max_num=50, absolute_max=60)


def author_rows(entry: Entry) -> list[dict[str, Any]]:
    return [{"full_name": a.full_name, "pen_name": a.pen_name, "role": a.role,
             "job_title": a.job_title, "workplace": a.workplace, "email": a.email,
             "share_percent": f"{a.share_percent.normalize():f}",
             "consent_given": a.consent_given, "me": a.user_id == entry.owner_id}
            for a in entry.authors.all()]


def authors_from(formset, owner) -> list[dict[str, Any]]:
    """The author list for `set_authors`: kept rows, in order, blank rows left out."""
    authors = []
    for form in formset.forms:
        if not form.is_valid() or form.cleaned_data.get("DELETE") or form.is_blank():
            continue
        data = form.cleaned_data
        author = {name: data.get(name) or "" for name in (
            "full_name", "pen_name", "role", "job_title", "workplace", "email",
            "share_percent")}
        author["consent_given"] = bool(data.get("consent_given"))
        if data.get("me"):
            author["user"] = owner
        authors.append(author)
    return authors


class DeclarationsForm(StepForm):
    """Copyright and prizes the work has already won."""

    def __init__(self, *args, entry: Entry, plan: FormPlan, **kwargs):
        super().__init__(*args, entry=entry, plan=plan, **kwargs)
        self.fields["copyright_accepted"] = _flag(
            _("I declare that no one has disputed the authorship or copyright of this work "
              "since it was published, and that I have the right to enter it."),
            _("Required by the award's rules. It is recorded with the date you ticked it."))
        self.fields["prior_awards_none"] = _flag(
            _("The work has won no prize in any other contest or award."),
            _("Otherwise list each prize below."))

    def initial_from(self, entry: Entry) -> dict[str, Any]:
        return {"copyright_accepted": entry.copyright_accepted,
                "prior_awards_none": entry.prior_awards_none}


class PriorAwardForm(forms.Form):
    """A prize the work has already won."""

    contest = _text(_("Contest or award"), max_length=300)
    organiser = _text(_("Organised by"), max_length=300)
    level = _text(_("Prize"), max_length=300, help_text=_("For example: first prize."))
    date = _text(_("When"), max_length=10, inputmode="numeric",
                 help_text=_("A year (2025), a month (2025-11) or a day (2025-11-20)."))

    def is_blank(self) -> bool:
        return not any((self.cleaned_data.get(n) or "").strip()
                       for n in ("contest", "organiser", "level", "date"))


class PriorAwardRows(Rows):
    delete_label = _("Remove this prize")


PriorAwardFormSet = forms.formset_factory(PriorAwardForm, formset=PriorAwardRows, extra=0,
                                          can_delete=True, max_num=30, absolute_max=40)


def award_rows(entry: Entry) -> list[dict[str, str]]:
    return [{k: str(award.get(k) or "") for k in ("contest", "organiser", "level", "date")}
            for award in entry.prior_awards or [] if isinstance(award, dict)]


def awards_from(formset) -> list[dict[str, str]]:
    awards = []
    for form in formset.forms:
        if not form.is_valid() or form.cleaned_data.get("DELETE") or form.is_blank():
            continue
        awards.append({k: form.cleaned_data.get(k) or "" for k in ("contest", "organiser",
                                                                    "level", "date")})
    return awards


FORMS = {"work": WorkForm, "summary": SummaryForm, "authors": EntrantForm,
         "declarations": DeclarationsForm}
