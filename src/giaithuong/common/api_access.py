"""Access declarations for API operations: the same policies as pages, answered in JSON."""

from functools import wraps

from django.http import JsonResponse
from ninja.decorators import decorate_view
from ninja.errors import HttpError

from giaithuong.common.access import Policy


def api_access(policy: Policy):
    """Declare and enforce who may call an API operation. Authentication itself is ninja's
    `auth=` (401 without credentials); this adds the role check (403)."""

    def decorate(func):
        @wraps(func)
        def guarded(request, *args, **kwargs):
            if policy.roles and not policy.allows(request.user):
                raise HttpError(403, "You do not have a role that allows this.")
            return func(request, *args, **kwargs)

        guarded.access_policy = policy
        return decorate_view(_refused_before_validation(policy))(guarded)

    return decorate


def _refused_before_validation(policy: Policy):
    """ninja validates the input before it calls the operation: without this, a person without
    the role who sends a bad body would be told the body's rules (422), not refused (403)."""

    def decorate(run):
        @wraps(run)
        def checked(request, *args, **kwargs):
            response = run(request, *args, **kwargs)
            if response.status_code == 422 and policy.roles and not policy.allows(request.user):
                return JsonResponse({"detail": "You do not have a role that allows this."},
                                    status=403)
            return response

        return checked

    return decorate
