"""The rule checker's findings placed on the form: each at its step and field, and the
checklist of what is still missing per step.

The engine names its own fields (`copyright_attested`, `authors[2]`, `files[0]`); the form's
fields are the entry's. A finding whose field the step does not show goes to the top of the
step, so nothing it says is ever hidden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from giaithuong.entries.forms.plan import english
from giaithuong.entries.forms.steps import STEPS

# engine field -> form field
ENGINE_FIELDS = {
    "parts_outside_window": "parts_total",
    "duration_seconds": "duration",
    "link_count": "publication_urls",
    "entrant_form": "entrant_kind",
    "copyright_attested": "copyright_accepted",
    "prior_awards_declared": "prior_awards_none",
}
FIELD_STEPS = {
    **dict.fromkeys(("title", "genre", "subtype", "language", "outlet", "publication_urls",
                     "published_first", "published_last", "parts_total", "parts_in_window",
                     "duration", "seconds_outside_window", "pages", "photo_count"), "work"),
    **dict.fromkeys(("summary_vi", "translation_title", "translation_summary",
                     "translation_present"), "summary"),
    **dict.fromkeys(("entrant_kind", "organisation_name", "authors"), "authors"),
    "files": "files",
    **dict.fromkeys(("copyright_accepted", "prior_awards_none", "prior_awards"),
                    "declarations"),
}
FIELD_LABELS = {
    "title": _("title"), "genre": _("genre"), "subtype": _("kind of work"),
    "language": _("language"), "outlet": _("outlet"), "publication_urls": _("links"),
    "published_first": _("first publication date"),
    "published_last": _("last publication date"), "parts_total": _("parts"),
    "parts_in_window": _("parts inside the window"), "duration": _("running time"),
    "seconds_outside_window": _("running time outside the window"), "pages": _("pages"),
    "photo_count": _("photos"), "summary_vi": _("summary in Vietnamese"),
    "translation_present": _("translation"), "entrant_kind": _("who enters"),
    "organisation_name": _("organisation"), "authors": _("authors"), "files": _("files"),
    "copyright_accepted": _("copyright declaration"),
    "prior_awards_none": _("prior prizes"), "prior_awards": _("prior prizes"),
}
_INDEX = re.compile(r"\[\d+\]$")


@dataclass(frozen=True)
class Finding:
    """One violation as the page shows it."""

    code: str
    step: str
    field: str  # the form field, "" for the entry as a whole
    blocking: bool
    message: str

    @property
    def anchor(self) -> str:
        # Every step has a place for the findings of no field it shows: "rule-step".
        return f"field-{self.field}" if self.field else "rule-step"


@dataclass
class StepState:
    code: str
    label: Any
    blocking: int = 0
    warnings: int = 0
    missing: list[Any] = field(default_factory=list)
    anchor: str = ""  # the first finding of the step, to jump to
    url: str = ""

    @property
    def done(self) -> bool:
        return not self.blocking and not self.warnings


def form_field(engine_field: str) -> str:
    base = _INDEX.sub("", engine_field or "")
    return ENGINE_FIELDS.get(base, base)


def place(violations) -> list[Finding]:
    """Each violation with its step and form field, in the page's language."""
    in_english = english()
    out = []
    for violation in violations:
        name = form_field(violation.field)
        step = FIELD_STEPS.get(name, "review")
        out.append(Finding(violation.code, step, name if name in FIELD_STEPS else "",
                           violation.blocking,
                           violation.message_en if in_english else violation.message_vi))
    return out


def checklist(findings: list[Finding]) -> list[StepState]:
    """Per step: how many findings block or warn, and the fields they concern."""
    states = {code: StepState(code, label) for code, label in STEPS}
    for finding in findings:
        state = states[finding.step]
        if finding.blocking:
            state.blocking += 1
        else:
            state.warnings += 1
        state.anchor = state.anchor or finding.anchor
        label = FIELD_LABELS.get(finding.field)
        if label is not None and label not in state.missing:
            state.missing.append(label)
    return list(states.values())


def by_field(findings: list[Finding], step: str, shown: set[str]) -> dict[str, list[Finding]]:
    """The findings of `step` by the form field they show at; "" collects those whose field
    the step does not show."""
    out: dict[str, list[Finding]] = {name: [] for name in shown}
    out[""] = []
    for finding in findings:
        if finding.step != step:
            continue
        out[finding.field if finding.field in shown else ""].append(finding)
    return out
