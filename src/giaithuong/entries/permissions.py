"""Who may do what with entries, per edition. Object-level: a role alone is not enough, the
grant must cover the entry's edition (a grant without an edition covers every edition)."""

from __future__ import annotations

from django.db.models import Q

from giaithuong.accounts.models import RoleGrant
from giaithuong.accounts.roles import Role

REVIEWERS = (Role.INTAKE_OFFICER, Role.ORGANISER)


def _grants(user, roles, edition_id: int | None = None):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return RoleGrant.objects.none()
    grants = RoleGrant.objects.filter(user=user, role__in=[str(r) for r in roles])
    if edition_id is not None:
        grants = grants.filter(Q(edition_id=edition_id) | Q(edition__isnull=True))
    return grants


def reviewed_editions(user) -> Q:
    """A filter on entries (or anything with an `edition`) to those `user` reviews."""
    rows = list(_grants(user, REVIEWERS).values_list("edition_id", flat=True))
    if not rows:
        return Q(pk__in=[])
    if None in rows:
        return Q()
    return Q(edition_id__in=set(rows))


def can_review(user, edition_id: int) -> bool:
    """An intake officer or organiser of the edition."""
    return _grants(user, REVIEWERS, edition_id).exists()


def is_participant_of(user, edition_id: int) -> bool:
    return _grants(user, (Role.PARTICIPANT,), edition_id).exists()
