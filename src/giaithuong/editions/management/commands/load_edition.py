from django.core.management.base import BaseCommand, CommandError

from giaithuong.editions.rules import EditionFileInvalid
from giaithuong.editions.services import load_edition_file


class Command(BaseCommand):
    help = "Validate an edition file (TOML) and load it, creating or updating the edition."

    def add_arguments(self, parser):
        parser.add_argument("path", help="e.g. src/giaithuong/editions/data/ttdn-xii-2026.toml")
        parser.add_argument("--not-current", action="store_true",
                            help="load without making it the edition the public site shows")

    def handle(self, *args, path, not_current, **options):
        try:
            result = load_edition_file(path, make_current=not not_current)
        except FileNotFoundError as exc:
            raise CommandError(f"{path}: no such file") from exc
        except EditionFileInvalid as exc:
            lines = [f"{path}: {len(exc.problems)} problem(s); nothing was loaded."]
            lines += [f"  {path}:{p.line or '?'}: {p.field}: {p.message}" for p in exc.problems]
            raise CommandError("\n".join(lines)) from exc
        edition = result.edition
        state = "created" if result.created else ("updated" if result.changed else "unchanged")
        self.stdout.write(self.style.SUCCESS(
            f"{edition.title_vi} ({edition.year}): {state}, revision {edition.revision}, "
            f"{edition.categories.filter(is_active=True).count()} categories."
        ))
