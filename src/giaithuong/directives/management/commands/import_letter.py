"""`giaithuong import_letter FILE [FILE …] [--issuer-unit ID]`: read existing letters (text, DOCX,
PDF with a text layer) into the cascade, one line per file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from giaithuong.directives.grammar import format_code
from giaithuong.directives.import_files import ReadError, check_file, read_letter_file
from giaithuong.directives.importing import LetterImportError, Outcome, import_parsed
from giaithuong.directives.letter import Style
from giaithuong.directives.models import Letter, OrganisationUnit
from giaithuong.editions.selectors import current_edition

SAID = {Outcome.CREATED: "created", Outcome.FILLED: "created (filled in the letter known until "
                                                    "now from a citation)",
        Outcome.PRESENT: "already present"}


def describe(letter: Letter) -> str:
    code = format_code(letter.number, letter.symbol, party=letter.style == Style.PARTY)
    return f"{code} of {letter.date or 'no date'}, {letter.issuer_name} (letter {letter.pk})"


class Command(BaseCommand):
    help = ("Read existing letters into the cascade: each is saved with its references resolved "
            "(or kept as placeholders), and a letter already present is left as it is.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--issuer-unit", type=int, metavar="ID", dest="issuer_unit",
                            help="the unit that issued the letters (else matched from the "
                                 "header)")

    def handle(self, *args, files, issuer_unit, **options):
        unit = None
        if issuer_unit is not None:
            unit = OrganisationUnit.objects.filter(pk=issuer_unit, is_active=True).first()
            if unit is None:
                raise CommandError(f"No active unit with id {issuer_unit}.")
        edition = current_edition()
        failed = 0
        for name in files:
            try:
                read = read_letter_file(name, self._bytes(name))
                # Each file in its own transaction: one refusal leaves the others saved.
                letter = import_parsed(read.parsed, actor=None, issuer_unit=unit,
                                       source_file=read.source, edition=edition)
            except (ReadError, LetterImportError, OSError) as error:
                failed += 1
                self.stderr.write(f"{name}: error: {error}")
                continue
            self.stdout.write(f"{name}: {SAID[letter.import_outcome]}: {describe(letter)}")
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) could not be imported.",
                               returncode=1)

    @staticmethod
    def _bytes(name: str) -> bytes:
        path = Path(name)
        if path.is_dir():
            raise OSError(f"{name} is a folder, not a letter file")
        try:
            check_file(path.name, path.stat().st_size)  # before a huge file is read
            return path.read_bytes()
        except FileNotFoundError as error:
            raise OSError("no such file") from error
        except OSError as error:
            raise OSError(error.strerror or str(error)) from error
