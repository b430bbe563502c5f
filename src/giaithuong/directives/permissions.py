"""Who may act for an organisation unit: its own officers (an officer of a unit above acts only
for that unit, not for the units below it), and organisers everywhere."""

from giaithuong.accounts.models import RoleGrant
from giaithuong.accounts.roles import Role


def officer_units(user) -> set[int]:
    """Primary keys of the units this person is an officer of."""
    cached = getattr(user, "_officer_units", None)
    if cached is None:
        cached = set(RoleGrant.objects.filter(user=user, role=Role.UNIT_OFFICER)
                     .values_list("unit_id", flat=True))
        user._officer_units = cached
    return cached


def can_act_for(user, unit) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.has_role(Role.ORGANISER) or unit.pk in officer_units(user)

