"""The form of the receive page: an edXML file and the unit that received it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from giaithuong.accounts.roles import Role
from giaithuong.directives import exchange
from giaithuong.directives.models import OrganisationUnit
from giaithuong.directives.permissions import officer_units


class ReceiveForm(forms.Form):
    file = forms.FileField(
        label=_("edXML file"),
        help_text=_("A document package (.edxml) or a status message exchanged under QCVN "
                    "102:2016, at most 50 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".edxml,.xml,application/xml,text/xml"}))
    unit = forms.ModelChoiceField(
        queryset=OrganisationUnit.objects.none(), label=_("Received by"),
        help_text=_("The letter goes into this unit's inbox. Not needed for a status message."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_organiser = user.has_role(Role.ORGANISER)
        field = self.fields["unit"]
        # A person's own units only: an organiser acts for every unit, but a list of the whole
        # tree would be unusable, so an organiser may register a letter without a unit instead.
        field.queryset = OrganisationUnit.objects.filter(
            pk__in=officer_units(user), is_active=True).order_by("path")
        field.required = False
        field.empty_label = (_("— no unit: register the letter only —") if self.is_organiser
                             else _("— choose a unit —"))
        if not self.is_organiser and len(field.queryset) == 1:
            field.initial = field.queryset[0].pk
            field.empty_label = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > exchange.MAX_PACKAGE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB."),
                params={"limit": exchange.MAX_PACKAGE_BYTES // 2**20}, code="too_large")
        return upload
