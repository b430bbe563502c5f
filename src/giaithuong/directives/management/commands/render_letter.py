"""`giaithuong render_letter seed-000 --pdf out.pdf --docx out.docx`: render a seed letter."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from giaithuong.directives.samples import SEEDS


class Command(BaseCommand):
    help = "Render one of the seed letters (công văn) to PDF and/or DOCX in the official format."

    def add_arguments(self, parser):
        parser.add_argument("letter", choices=sorted(SEEDS), help="which seed letter")
        parser.add_argument("--pdf", type=Path, help="write the PDF here")
        parser.add_argument("--docx", type=Path, help="write the DOCX here")
        parser.add_argument("--qr", metavar="URL",
                            help="attach a QR code of URL to the letter's first attachment")

    def handle(self, *args, letter, pdf, docx, qr, **options):
        if pdf is None and docx is None:
            raise CommandError("Say where to write: --pdf FILE and/or --docx FILE.")
        doc = SEEDS[letter]
        attachments = None
        if qr and doc.attachments:
            from giaithuong.documents.qr import qr_png

            attachments = {0: qr_png(qr)}
        if pdf is not None:
            from giaithuong.documents.pdf import LetterFontMissing, render_letter_pdf

            try:
                pdf.write_bytes(render_letter_pdf(doc, attachments_png=attachments))
            except LetterFontMissing as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"PDF: {pdf}")
        if docx is not None:
            from giaithuong.documents.docx import render_letter_docx

            docx.write_bytes(render_letter_docx(doc, attachments_png=attachments))
            self.stdout.write(f"DOCX: {docx}")
