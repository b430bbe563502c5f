"""Who may change the organisation tree.

Organisers may change everything. A unit officer manages the subtree of each unit they are an
officer of: they edit those units and create or edit any unit below them (residential groups,
member organisations). Granting the unit-officer role is one step stricter: only for units
strictly below their own, so nobody appoints colleagues at their own level. Everyone else may
change nothing. (Seeing the tree is `selectors.visible_units`: for an officer it is the same
subtree, so whatever they may see they may also manage.)
"""

from __future__ import annotations

from giaithuong.accounts.roles import Role
from giaithuong.directives.models import OrganisationUnit
from giaithuong.directives.permissions import officer_units


def _is_organiser(user) -> bool:
    return user is not None and user.is_authenticated and user.has_role(Role.ORGANISER)


def officer_paths(user) -> list[str]:
    """Materialised paths of the units this person is an officer of (read once per request)."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_officer_paths", None)
    if cached is None:
        cached = list(OrganisationUnit.objects.filter(pk__in=officer_units(user))
                      .values_list("path", flat=True))
        user._officer_paths = cached
    return cached


def can_manage_unit(user, unit: OrganisationUnit) -> bool:
    """May this person edit `unit` and create or edit units below it?"""
    if _is_organiser(user):
        return True
    return any(unit.path.startswith(path) for path in officer_paths(user) if path)


def can_grant_officers(user, unit: OrganisationUnit) -> bool:
    """May this person grant or revoke the unit-officer role for `unit`?"""
    if _is_organiser(user):
        return True
    return any(unit.path.startswith(path) and unit.path != path
               for path in officer_paths(user) if path)


def can_add_top_level(user) -> bool:
    """Only organisers start a new line of the tree."""
    return _is_organiser(user)


def forget(user) -> None:
    """Drop what was read about this person's units (after a grant or a revocation)."""
    for name in ("_officer_paths", "_officer_units", "_role_names"):
        user.__dict__.pop(name, None)
