"""`giaithuong parse_letter FILE [FILE …] [--json]`: read existing letters (text, DOCX, PDF)."""

from __future__ import annotations

import json
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from giaithuong.directives.extract import LetterFileError, extract_text
from giaithuong.directives.parser import JSON_KEYS, ParsedLetter, parse_letter_text

LABELS = {
    "number": "Number", "symbol": "Symbol", "issuer": "Issuer", "issuer_parent": "Parent body",
    "place": "Place", "date": "Date", "subject": "Subject (V/v)", "addressees": "Kính gửi",
    "references": "References", "tasks_count": "Tasks", "recipients": "Nơi nhận",
    "signature_authority": "Authority", "signer_title": "Signer's title",
    "signer_name": "Signer",
}


class Command(BaseCommand):
    help = ("Read existing letters (plain text, DOCX, PDF with a text layer) and print their "
            "fields: one JSON object per line with --json, else a readable summary.")
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--json", action="store_true", dest="as_json",
                            help="one JSON object per file, one per line")

    def handle(self, *args, files, as_json, **options):
        failed = 0
        for name in files:
            try:
                letter = parse_letter_text(extract_text(name))
            except LetterFileError as error:
                failed += 1
                self.stderr.write(f"{name}: {error}")
                continue
            if as_json:
                line = json.dumps(letter.to_json(), ensure_ascii=False)
                self.stdout.write(unicodedata.normalize("NFC", line))
            else:
                self.stdout.write(self.summary(name, letter))
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) could not be read.")

    @staticmethod
    def summary(name: str, letter: ParsedLetter) -> str:
        data = letter.to_json()
        confidence = letter.confidences()
        lines = [f"== {name}"]
        for key in JSON_KEYS:
            value = data[key]
            label = f"{LABELS[key]:<15}"
            shown = f"[{confidence[key]:.2f}]"
            if value is None:
                lines.append(f"  {label} {shown} —")
            elif key == "references":
                lines.append(f"  {label} {shown} {len(value)}")
                for ref in value:
                    code = ref["number"] if ref["number"] is not None else ""
                    if ref["symbol"]:
                        code = f"{code}{'-' if '/' in ref['symbol'] else '/'}{ref['symbol']}"
                    lines.append(f"      {ref['kind']} số {code}, {ref['date'] or '?'}, "
                                 f"{ref['issuer'] or '?'}")
            elif isinstance(value, list):
                lines.append(f"  {label} {shown} {len(value)}")
                lines.extend(f"      - {item}" for item in value)
            else:
                lines.append(f"  {label} {shown} {value}")
        return "\n".join(lines)
