"""API authentication: `Authorization: Bearer gt_…` tokens, or the browser's session."""

from functools import cache

from django.db import connection, transaction
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from giaithuong.accounts.models import ApiToken, RoleGrant, User
from giaithuong.common.plain_sql import Loader, column, load_row, rows, table


@cache
def _token_sql(vendor: str) -> tuple[str, list[Loader]]:
    # Every API call reads its token: written out once, as the ORM's query of it took four
    # times the database's time to build (decision 0014).
    # The account's roles come along, one row each, for the role check that follows.
    loaders = [Loader(ApiToken, "t"), Loader(User, "u")]
    return (f"SELECT {', '.join(c for load in loaders for c in load.columns)}, "  # noqa: S608
            f"g.{column(RoleGrant, 'role')} FROM {table(ApiToken)} t "
            f"JOIN {table(User)} u ON u.{column(User, 'id')} = t.{column(ApiToken, 'user')} "
            f"LEFT JOIN {table(RoleGrant)} g "
            f"ON g.{column(RoleGrant, 'user')} = u.{column(User, 'id')} "
            f"WHERE t.{column(ApiToken, 'digest')} = %s "
            f"AND t.{column(ApiToken, 'revoked_at')} IS NULL"), loaders


def token_and_user(token: str) -> tuple[ApiToken, User] | None:
    """The live token with this raw value and its account (with `role_names()` read), or
    None."""
    sql, loaders = _token_sql(connection.vendor)
    found = rows(sql, [ApiToken.digest_of(token)])
    if not found:
        return None
    (row, user), _ = load_row(found[0], loaders)
    row.user = user
    user._role_names = frozenset(values[-1] for values in found if values[-1] is not None)
    return row, user


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        found = token_and_user(token)
        if found is None or not found[1].is_active:
            return None
        row, user = found
        now = timezone.now()
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 300:
            _note_use(row, now)
        request.user = user
        return user


def _note_use(row: ApiToken, now) -> None:
    """Record when the token was last used (at most every 5 minutes). Bookkeeping: on
    PostgreSQL its commit does not wait for the disk, as a crash could only lose this
    moment, and a first call of many clients at once would otherwise queue behind the flushes
    (measured in `submit_burst`: p99 414–455 ms against 367–392 ms)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)


API_AUTH = [TokenAuth(), SessionAuth()]
