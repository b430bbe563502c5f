"""The filter of the coverage table: a status and a level of the subtree."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from giaithuong.directives.selectors import ProgressStatus


def level_name(relative: int) -> str:
    """A depth below the unit being looked at, as people say it."""
    if relative == 0:
        return gettext("This unit")
    if relative == 1:
        return gettext("Level 1 (directly below)")
    return gettext("Level %(level)d") % {"level": relative}


class CoverageFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All statuses")), *ProgressStatus.choices])
    level = forms.TypedChoiceField(label=_("Level"), required=False, coerce=int,
                                   empty_value=None)

    def __init__(self, *args, levels: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", gettext("All levels")),
                                        *((n, level_name(n)) for n in range(levels + 1))]

    def filters(self) -> dict:
        """The filters that are valid; a wrong one is reported at its field and left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"status": data.get("status") or "", "level": data.get("level")}
