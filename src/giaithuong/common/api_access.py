"""Access declarations for API operations: the same policies as pages, answered in JSON."""

from functools import wraps

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
        return guarded

    return decorate
