"""One signed-in person per role, with the scope each role needs, for matrix-style tests."""

from giaithuong.accounts.roles import Role

PASSWORD = "Mật-khẩu-thử-2026"


def make_people(edition):
    from giaithuong.accounts.services import create_user, grant_role
    from giaithuong.directives.models import UnitKind
    from giaithuong.directives.services import ensure_unit
    from giaithuong.judging.models import Council

    unit = ensure_unit(name="Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam Đồng",
                       kind=UnitKind.FRONT, code="MTTQ-BTT", seat="Nam Đồng")
    council, _ = Council.objects.get_or_create(edition=edition, name="Tiểu ban thử",
                                               round_code="so-khao")
    scopes = {
        Role.ORGANISER: {"edition": edition},
        Role.INTAKE_OFFICER: {"edition": edition},
        Role.COUNCIL_CHAIR: {"council": council},
        Role.JUROR: {"council": council},
        Role.UNIT_OFFICER: {"unit": unit},
        Role.PARTICIPANT: {"edition": edition},
    }
    people = {}
    for role, scope in scopes.items():
        user = create_user(username=f"u-{role}", password=PASSWORD,
                           email=f"{role}@example.vn", full_name=f"Người {role}")
        grant_role(user, role, **scope)
        people[str(role)] = user
    return people
