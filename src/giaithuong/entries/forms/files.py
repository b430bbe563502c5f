"""Forms around files and the entry's life: adding a file, withdrawing an entry."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from giaithuong.entries.models import FileRole


class FileForm(forms.Form):
    """A file sent with the page itself (without JavaScript), or an upload the page's
    resumable uploader finished (`upload_key`)."""

    role = forms.ChoiceField(label=_("This file is"), choices=FileRole.choices,
                             initial=FileRole.MAIN)
    # An empty file reaches the services, which say so in the same words as everywhere.
    file = forms.FileField(label=_("File"), required=False, allow_empty_file=True)
    upload_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("upload_key") and "file" not in self.errors:
            self.add_error("file", _("Choose a file to send."))
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why are you withdrawing it? (optional)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
