from ninja import Router, Schema

from giaithuong.common.access import SIGNED_IN
from giaithuong.common.api_access import api_access

router = Router(tags=["accounts"])


class GrantOut(Schema):
    role: str
    edition: int | None
    unit: int | None
    council: int | None


class MeOut(Schema):
    username: str
    full_name: str
    email: str
    roles: list[GrantOut]


@router.get("/me", response=MeOut, summary="Who the token or session belongs to")
@api_access(SIGNED_IN)
def me(request):
    user = request.user
    return {
        "username": user.username, "full_name": user.full_name, "email": user.email,
        "roles": [{"role": g.role, "edition": g.edition_id, "unit": g.unit_id,
                   "council": g.council_id} for g in user.role_grants.all()],
    }
