"""API authentication: `Authorization: Bearer gt_…` tokens, or the browser's session."""

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from giaithuong.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        row = (ApiToken.objects.select_related("user")
               .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True).first())
        if row is None or not row.user.is_active:
            return None
        now = timezone.now()
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


API_AUTH = [TokenAuth(), SessionAuth()]
