"""Forms of the intake pages: the queue's filters, the three decisions on an entry, and the
decision on a possible duplicate. Each decision must be confirmed with a tick (the participant is
mailed at once); the services check the rules and their errors come back at the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from giaithuong.editions.models import localized
from giaithuong.entries.models import RECEIPTED, DuplicateStatus, EntryStatus, Residence

PAGE_STATUSES = [s for s in EntryStatus if s in RECEIPTED or s == EntryStatus.WITHDRAWN]


class QueueFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Any status")), *((s.value, s.label) for s in PAGE_STATUSES)])
    submitted_from = forms.DateField(label=_("Submitted from"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    submitted_to = forms.DateField(label=_("Submitted until"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    language = forms.CharField(label=_("Language"), required=False, max_length=35,
                               help_text=_("A code such as vi, en or zh."))
    country = forms.CharField(label=_("Country"), required=False, max_length=2,
                              help_text=_("Two letters, e.g. VN or LA."))
    residence = forms.ChoiceField(label=_("Residence"), required=False, choices=[
        ("", _("Anywhere")), *Residence.choices])

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories")),
                                           *((c.code, f"{c.number}. {localized(c, 'name')}")
                                             for c in categories)]

    def clean(self):
        data = super().clean()
        start, end = data.get("submitted_from"), data.get("submitted_to")
        if start and end and start > end:
            self.add_error("submitted_to", _("This date is before the first one."))
        return data

    def filters(self) -> dict:
        """The keyword arguments of `selectors.intake_queue` (nothing when invalid)."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {name: data[name] for name in ("category", "status", "submitted_from",
                                              "submitted_to", "language", "country",
                                              "residence") if data.get(name)}


class _Confirmed(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the entry; the participant is told by e-mail at once."),
        error_messages={"required": _("Tick the box to confirm this decision.")})


class ValidForm(_Confirmed):
    decision = "valid"
    note = forms.CharField(label=_("Note for the history (optional)"), required=False,
                           max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(_Confirmed):
    decision = "return"
    reason = forms.CharField(label=_("What must be fixed"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("The participant reads this."))
    deadline = forms.DateField(label=_("Fixes due by"),
                               widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=_("The end of that day, Vietnam time."))


class RejectForm(_Confirmed):
    decision = "reject"
    reason = forms.CharField(label=_("Reason for rejection"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("The participant reads this."))


DECISION_FORMS = {form.decision: form for form in (ValidForm, ReturnForm, RejectForm)}


class DuplicateDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Are these the same work?"), widget=forms.RadioSelect,
        choices=[(DuplicateStatus.CONFIRMED.value, _("Yes: the same work entered twice")),
                 (DuplicateStatus.DISMISSED.value, _("No: different works"))])
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(label=_("I have compared the two entries."),
                                 error_messages={"required": _("Tick the box to confirm this "
                                                               "decision.")})
