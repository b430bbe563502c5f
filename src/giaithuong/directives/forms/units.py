"""Forms of the unit pages: a unit's details, residential groups in bulk, an officer by e-mail,
a spreadsheet to import, and the search box. They check input at the field; the services in
directives/services.py check the rules of the tree and who may change it."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from giaithuong.directives.models import OrganisationUnit
from giaithuong.directives.services import DEFAULT_GROUP_PATTERN, EDITABLE, MAX_GROUPS
from giaithuong.directives.unit_io import MAX_BYTES


class UnitSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name or administrative code"), required=False,
                        max_length=100,
                        help_text=_("Diacritics are optional: “nam dong” finds “Nam Đồng”."))


class UnitForm(forms.Form):
    """The editable fields of a unit, with the model's labels and help texts."""

    def __init__(self, *args, seat_optional: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(OrganisationUnit, fields=EDITABLE))
        if seat_optional:
            self.fields["seat"].required = False
            self.fields["seat"].help_text = _("Leave empty to use the seat of the unit above.")

    @classmethod
    def initial_for(cls, unit: OrganisationUnit) -> dict:
        return {name: getattr(unit, name) for name in EDITABLE}


class GroupsForm(forms.Form):
    """Either a number of groups named from a pattern, or a list of names, one a line."""

    count = forms.IntegerField(label=_("How many groups"), required=False, min_value=1,
                               max_value=MAX_GROUPS)
    pattern = forms.CharField(
        label=_("Name pattern"), initial=DEFAULT_GROUP_PATTERN, max_length=250, required=False,
        help_text=_("{n} is replaced by the number: “Tổ dân phố số {n}”, “Thôn {n}”."))
    start = forms.IntegerField(label=_("First number"), initial=1, min_value=1,
                               max_value=100_000, required=False)
    names = forms.CharField(
        label=_("Or the names, one a line"), required=False, widget=forms.Textarea(
            attrs={"rows": 8}),
        help_text=_("Names already under this unit are kept; only the missing ones are "
                    "created."))

    def clean_names(self) -> list[str] | None:
        lines = [line.strip() for line in self.cleaned_data["names"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MAX_GROUPS:
            raise forms.ValidationError(
                _("At most %(limit)s names at a time."), params={"limit": MAX_GROUPS},
                code="too_many")
        return lines or None

    def clean(self):
        data = super().clean()
        if data.get("names") and data.get("count"):
            raise forms.ValidationError(_("Give either a number or a list of names, not both."),
                                        code="both")
        if not data.get("names") and not data.get("count") and not self.errors:
            self.add_error("count", _("Give a number of groups, or list their names below."))
        if data.get("count") and not data.get("pattern"):
            self.add_error("pattern", _("A pattern is needed to name the groups."))
        return data


class OfficerForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail of the account"),
        help_text=_("The person must already have an account; ask an organiser to create "
                    "one."))

    def clean_email(self):
        email = self.cleaned_data["email"]
        users = list(get_user_model().objects.filter(email__iexact=email, is_active=True)[:2])
        if not users:
            raise forms.ValidationError(_("No active account has this e-mail address."),
                                        code="unknown")
        if len(users) > 1:
            raise forms.ValidationError(
                _("Several accounts share this e-mail address; ask an organiser to grant the "
                  "role."), code="ambiguous")
        self.user = users[0]
        return email


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (xlsx or CSV)"),
        help_text=_("Columns: name, short_name, kind, code, parent, seat, admin_code, email, "
                    "phone, header_name, header_parent. At most 5 MB and 50,000 rows."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."), code="type")
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."), code="size")
        return upload
