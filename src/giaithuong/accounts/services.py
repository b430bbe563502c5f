"""State changes of accounts: people, their roles and API tokens."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from giaithuong.accounts.models import ApiToken, RoleGrant, User
from giaithuong.accounts.roles import Role
from giaithuong.common import audit
from giaithuong.common.text import nfc


def create_user(*, username: str, password: str, full_name: str = "", email: str = "",
                actor=None) -> User:
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password,
                                        full_name=nfc(full_name), email=email)
        audit.record("user.created", actor=actor, target=user,
                     after={"username": username, "email": email})
    return user


def grant_role(user: User, role: str, *, edition=None, unit=None, council=None,
               actor=None) -> RoleGrant:
    """Give `user` a role in a scope; idempotent. Organisers also get the admin site."""
    role = Role(role)
    with transaction.atomic():
        grant, created = RoleGrant.objects.get_or_create(
            user=user, role=role, edition=edition, unit=unit, council=council)
        if role == Role.ORGANISER and not user.is_staff:
            User.objects.filter(pk=user.pk).update(is_staff=True)
            user.is_staff = True
        if created:
            audit.record("role.granted", actor=actor, target=grant,
                         after={"role": role, "user": user.pk,
                                "edition": getattr(edition, "pk", None),
                                "unit": getattr(unit, "pk", None),
                                "council": getattr(council, "pk", None)})
        user.__dict__.pop("_role_names", None)  # the next role check reads afresh
    return grant


def revoke_role(user: User, role: str, *, edition=None, unit=None, council=None,
                actor=None) -> bool:
    """Take a role in a scope away from `user`; idempotent. True when a grant was removed."""
    role = Role(role)
    with transaction.atomic():
        grant = RoleGrant.objects.filter(user=user, role=role, edition=edition, unit=unit,
                                         council=council).first()
        if grant is None:
            return False
        audit.record("role.revoked", actor=actor, target=grant,
                     before={"role": role, "user": user.pk,
                             "edition": getattr(edition, "pk", None),
                             "unit": getattr(unit, "pk", None),
                             "council": getattr(council, "pk", None)})
        grant.delete()
        for cached in ("_role_names", "_officer_units"):
            user.__dict__.pop(cached, None)  # the next role check reads afresh
    return True


def create_api_token(user: User, name: str, *, actor=None) -> tuple[ApiToken, str]:
    """A new token; the raw value is returned once and only its hash is stored."""
    raw = ApiToken.new_raw()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, prefix=raw[:10],
                                        digest=ApiToken.digest_of(raw))
        audit.record("api_token.created", actor=actor or user, target=token,
                     after={"name": name, "prefix": token.prefix})
    return token, raw


def revoke_api_token(token: ApiToken, *, actor=None) -> None:
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now())
        audit.record("api_token.revoked", actor=actor, target=token)
