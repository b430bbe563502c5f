"""Compile the .po catalogues to .mo with Babel, so no GNU gettext is needed to run the site."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


def compile_catalogues(locale_dir: Path) -> list[Path]:
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalogue = read_po(handle, locale=po_path.parts[-3])
        with mo_path.open("wb") as handle:
            write_mo(handle, catalogue, use_fuzzy=False)
        written.append(mo_path)
    return written


class Command(BaseCommand):
    help = "Compile translation catalogues (.po → .mo)."

    def handle(self, *args, **options):
        for locale_dir in settings.LOCALE_PATHS:
            for path in compile_catalogues(Path(locale_dir)):
                self.stdout.write(f"compiled {path}")
