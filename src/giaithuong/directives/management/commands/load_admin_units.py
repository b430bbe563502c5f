"""`giaithuong load_admin_units [--line state|front|both]`: the provinces and communes of the 2025
reorganisation as units of the State and Front lines of the tree. Safe to run again."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from giaithuong.directives.admin_units import Line
from giaithuong.directives.services import load_admin_units


class Command(BaseCommand):
    help = ("Load Vietnam's 34 provinces and 3,321 communes, wards and special zones (2025) into "
            "the State line (Chính phủ → Ủy ban nhân dân …) and the Front line (Ủy ban Trung "
            "ương MTTQ Việt Nam → Ủy ban MTTQ Việt Nam …). Units already there are kept.")

    def add_arguments(self, parser):
        parser.add_argument("--line", choices=["state", "front", "both"], default="both",
                            help="which line of the tree to load (default: both)")

    def handle(self, *args, line: str, **options):
        lines = [Line.STATE, Line.FRONT] if line == "both" else [Line(line)]
        for load in load_admin_units(lines=lines):
            self.stdout.write(
                f"{load.line}: {load.provinces} provinces, {load.wards} communes and wards; "
                f"{load.created} units created, {load.adopted} adopted, "
                f"{load.existing} already there.")
        self.stdout.write(self.style.SUCCESS("Administrative units are loaded."))
