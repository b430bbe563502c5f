"""Who may speak tus to us: a signed-in session (same origin only) or an API token.

tus clients send no CSRF token, so the views are CSRF-exempt; instead a session may only write
from a page of this site (the Origin header must be ours), and a Bearer token needs no origin.
Anonymous callers get 401, not a redirect to the sign-in page: they are programs, not people
reading pages. The decorator carries `access_policy` like `common.access.access`, so the
permission matrix checks these routes too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpResponse

from giaithuong.accounts.auth import TokenAuth
from giaithuong.common.access import Policy
from giaithuong.uploads.tus import VERSION

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def plain(status: int, message: str, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    response["Tus-Resumable"] = VERSION
    response["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _authenticate(request):
    """(user or None, whether a token was used). A bad token never falls back to the session."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer":
        token = token.strip()
        return (TokenAuth().authenticate(request, token) if token else None), True
    user = request.user
    return (user if user.is_authenticated else None), False


def _same_origin(request) -> bool:
    origin = request.headers.get("Origin")
    if not origin:
        return False
    allowed = {f"{request.scheme}://{request.get_host()}",
               *getattr(settings, "CSRF_TRUSTED_ORIGINS", [])}
    return origin in allowed


def tus_access(policy: Policy) -> Callable:
    """Declare and enforce who may use an upload endpoint (401 / 403 answers, never redirects).

    OPTIONS (protocol discovery) is open: it tells nothing about anyone's uploads.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if request.method == "OPTIONS" or policy.roles is None:
                return view(request, *args, **kwargs)
            user, by_token = _authenticate(request)
            if user is None:
                return plain(401, "Sign in or send an API token.",
                             {"WWW-Authenticate": 'Bearer realm="giaithuong"'})
            if not policy.allows(user):
                return plain(403, "You do not have a role that allows uploads.")
            if not by_token and request.method not in SAFE_METHODS and not _same_origin(request):
                return plain(403, "Uploads with a session must come from this site's pages.")
            return view(request, *args, **kwargs)

        guarded.access_policy = policy
        return guarded

    return decorate
