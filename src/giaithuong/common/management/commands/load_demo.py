"""Demo data for `make run`: organisation units from the seed letters and one account per role.

Idempotent: existing units and accounts are kept; a password is printed only when its account is
created, so run it again safely.
"""

import secrets

from django.core.management.base import BaseCommand
from django.db import transaction

from giaithuong.accounts.models import User
from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_user, grant_role
from giaithuong.directives.models import UnitKind
from giaithuong.directives.services import ensure_unit
from giaithuong.editions.models import Edition
from giaithuong.judging.models import Council


class Command(BaseCommand):
    help = "Load demo organisation units and one account per role (passwords printed once)."

    def handle(self, *args, **options):
        edition = Edition.objects.filter(is_current=True).first()
        if edition is None:
            self.stderr.write("Load an edition first: giaithuong load_edition PATH")
            return
        with transaction.atomic():
            units = self._units()
            council = self._council(edition)
            accounts = self._accounts(edition, units, council)
            city_letter = self._cascade(edition, units)
            entries = self._entries(edition)
        self.stdout.write(self.style.SUCCESS("Demo accounts (sign in at /account/login/):"))
        for username, role, password in accounts:
            shown = password or "(already existed; password unchanged)"
            self.stdout.write(f"  {username:<14} {role:<16} {shown}")
        if entries:
            self.stdout.write(f"Demo entries: {entries} (drafts, submitted, valid, returned).")
        if city_letter is not None:
            self.stdout.write(f"Demo cascade: letter {city_letter} issued to the Hải Phòng wards.")

    def _entries(self, edition):
        from giaithuong.entries.demo import build_demo_entries

        return build_demo_entries(edition=edition,
                                  intake=User.objects.get(username="intake"))

    def _cascade(self, edition, units):
        from giaithuong.directives.demo import build_demo_cascade

        people = {user.username: user for user in User.objects.filter(
            username__in=["organiser", "haiphong", "namdong"])}
        return build_demo_cascade(
            haiphong=units["haiphong"], namdong=units["namdong"],
            city_officer=people["haiphong"], ward_officer=people["namdong"],
            organiser=people["organiser"], edition=edition)

    def _units(self):
        btgdv = ensure_unit(name="Ban Tuyên giáo và Dân vận Trung ương", kind=UnitKind.PARTY,
                            code="BTGDVTW", short_name="BTGDVTW", seat="Hà Nội")
        front = ensure_unit(name="Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam",
                            kind=UnitKind.FRONT, code="MTTW-BTT", seat="Hà Nội")
        haiphong = ensure_unit(
            name="Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng",
            kind=UnitKind.FRONT, parent=front, code="MTTQ-BTT", seat="Hải Phòng")
        namdong = ensure_unit(name="Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam Đồng",
                              kind=UnitKind.FRONT, parent=haiphong, code="MTTQ-BTT",
                              seat="Nam Đồng")
        for number in range(1, 6):
            ensure_unit(name=f"Ban Công tác Mặt trận Tổ dân phố số {number}",
                        kind=UnitKind.RESIDENTIAL, parent=namdong, seat="Nam Đồng")
        return {"btgdv": btgdv, "front": front, "haiphong": haiphong, "namdong": namdong}

    def _council(self, edition):
        council, _ = Council.objects.get_or_create(
            edition=edition, name="Tiểu ban sơ khảo Báo chí", defaults={"round_code": "so-khao"})
        council.categories.set(edition.categories.filter(number__in=[1, 2]))
        return council

    def _accounts(self, edition, units, council):
        plan = [
            ("organiser", "Nguyễn Văn An", Role.ORGANISER, {"edition": edition}),
            ("intake", "Trần Thị Bình", Role.INTAKE_OFFICER, {"edition": edition}),
            ("chair", "Lê Văn Cường", Role.COUNCIL_CHAIR, {"council": council}),
            ("juror", "Phạm Thị Dung", Role.JUROR, {"council": council}),
            ("haiphong", "Vũ Văn Hải", Role.UNIT_OFFICER, {"unit": units["haiphong"]}),
            ("namdong", "Đoàn Thị Thu", Role.UNIT_OFFICER, {"unit": units["namdong"]}),
            ("participant", "Hoàng Minh Giang", Role.PARTICIPANT, {"edition": edition}),
        ]
        out = []
        for username, full_name, role, scope in plan:
            user = User.objects.filter(username=username).first()
            password = None
            if user is None:
                password = secrets.token_urlsafe(9)
                user = create_user(username=username, password=password, full_name=full_name,
                                   email=f"{username}@example.vn")
            grant_role(user, role, **scope)
            out.append((username, str(role), password))
        return out
