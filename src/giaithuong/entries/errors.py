"""What the entry services raise. Messages are English msgids, shown in the page's language.

`EntryError` (bad input or a broken rule: 400/422) names the field it concerns; its subclasses
say more: `EntryConflict` (the entry is not in a state that allows this: 409), `StaleVersion`
(someone saved the entry since this form was opened: 409, with the current entry), `EntryBlocked`
(the eligibility engine found blocking violations: 422, with them), `DeadlinePassed`.
`EntryPermissionDenied` is a `PermissionError` (403).
"""

from __future__ import annotations

from typing import Any

ALL = "__all__"  # the key of errors that concern the whole entry, as in Django forms


class EntryError(ValueError):
    code = "invalid"

    def __init__(self, message: Any, *, field: str = "", code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    @property
    def errors(self) -> dict[str, list[str]]:
        """Field name -> messages, for a form or an API answer."""
        return {self.field or ALL: [str(self.message)]}

    def __str__(self) -> str:
        return str(self.message)


class EntryInvalid(EntryError):
    """Several fields at once were wrong; nothing was saved."""

    def __init__(self, errors: dict[str, list[Any]]):
        self._errors = {name: list(messages) for name, messages in errors.items() if messages}
        field, messages = next(iter(self._errors.items()))
        super().__init__(messages[0], field="" if field == ALL else field)

    @property
    def errors(self) -> dict[str, list[str]]:
        return {name: [str(m) for m in messages] for name, messages in self._errors.items()}


class EntryConflict(EntryError):
    code = "conflict"


class StaleVersion(EntryConflict):
    """The entry changed since `version` was read; `current` is the entry as it is now."""

    code = "stale_version"

    def __init__(self, message: Any, *, current):
        super().__init__(message)
        self.current = current


class EntryBlocked(EntryError):
    """Submission refused while blocking violations remain; `violations` lists them all."""

    code = "blocked"

    def __init__(self, message: Any, *, violations: list):
        super().__init__(message)
        self.violations = violations

    @property
    def errors(self) -> dict[str, list[str]]:
        """The blocking violations by field, in the active language (Vietnamese or English)."""
        from django.utils.translation import get_language

        english = (get_language() or "vi").startswith("en")
        found: dict[str, list[str]] = {}
        for violation in self.violations:
            if violation.blocking:
                message = violation.message_en if english else violation.message_vi
                found.setdefault(violation.field, []).append(message)
        return found or super().errors


class DeadlinePassed(EntryError):
    code = "deadline_passed"


class EntryPermissionDenied(PermissionError):
    pass
