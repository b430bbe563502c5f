"""The roles a person can hold (vai trò). Plain choices, importable anywhere."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ORGANISER = "organiser", _("Organiser")
    INTAKE_OFFICER = "intake_officer", _("Intake officer")
    COUNCIL_CHAIR = "council_chair", _("Council chair")
    JUROR = "juror", _("Juror")
    UNIT_OFFICER = "unit_officer", _("Unit officer")
    PARTICIPANT = "participant", _("Participant")


# Which scope a grant of each role must name.
UNIT_SCOPED = frozenset({Role.UNIT_OFFICER})
COUNCIL_SCOPED = frozenset({Role.JUROR, Role.COUNCIL_CHAIR})
