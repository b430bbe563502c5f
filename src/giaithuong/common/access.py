"""Access policies: declared on every view, enforced by the same object, tested as a matrix.

A view decorated with `@access(policy)` carries `view.access_policy`; the permission-matrix test
walks the URL configuration and fails for any route without one, then checks every route against
every role. Object-level checks (this unit, this council, this entry) live in services and
selectors and are tested beside them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from giaithuong.accounts.roles import Role

OK, LOGIN, FORBIDDEN = "ok", "login", "forbidden"


@dataclass(frozen=True)
class Policy:
    """Who may open a route: everyone (`roles is None`), anyone signed in (empty), or roles."""

    name: str
    roles: frozenset[str] | None

    def allows(self, user) -> bool:
        if self.roles is None:
            return True
        if not user.is_authenticated:
            return False
        return not self.roles or bool(self.roles & user.role_names())

    def expected(self, role: str | None) -> str:
        """The outcome for an anonymous visitor (role None) or a holder of exactly `role`."""
        if self.roles is None:
            return OK
        if role is None:
            return LOGIN
        return OK if not self.roles or role in self.roles else FORBIDDEN


PUBLIC = Policy("public", None)
SIGNED_IN = Policy("signed-in", frozenset())


def roles(*names: Iterable[str] | str) -> Policy:
    chosen = frozenset(str(Role(name)) for name in names)
    return Policy("roles:" + ",".join(sorted(chosen)), chosen)


def access(policy: Policy) -> Callable:
    """Declare and enforce who may open a page view."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if policy.roles is not None:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if not policy.allows(request.user):
                    raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded.access_policy = policy
        return guarded

    return decorate
