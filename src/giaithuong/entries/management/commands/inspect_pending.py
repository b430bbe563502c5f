"""`giaithuong inspect_pending`: inspect the entry files the upload requests left for later."""

import time

from django.core.management.base import BaseCommand, CommandError

from giaithuong.entries import pipeline
from giaithuong.entries.models import EntryFile


class Command(BaseCommand):
    help = ("Inspect entry files not inspected yet (running time, pages, problems) and make "
            "their copies for blind judging. Files above GIAITHUONG_INSPECT_INLINE_BYTES "
            "(32 MiB) are always left to this command; run it every minute from a timer, or "
            "once as a service with --watch. Safe to run in several processes at once.")

    def add_arguments(self, parser):
        parser.add_argument("--watch", type=float, metavar="SECONDS", default=None,
                            help="Keep running: look for new files every SECONDS.")
        parser.add_argument("--limit", type=int, default=None,
                            help="Inspect at most this many files per pass.")
        parser.add_argument("--file", type=int, action="append", dest="files", default=[],
                            metavar="ID", help="Inspect this entry file (again, if it was).")

    def handle(self, *args, watch, limit, files, **options):
        if files:
            for file_id in files:
                if not EntryFile.objects.filter(pk=file_id).exists():
                    raise CommandError(f"no entry file {file_id}")
                self._one(file_id, again=True)
            return
        while True:
            done, failed = self._pass(limit)
            if watch is None:
                self.stdout.write(f"inspected {done} file(s); {failed} failed and will be "
                                  "tried again")
                if failed:
                    raise CommandError(f"{failed} file(s) could not be inspected; see the log")
                return
            time.sleep(watch)

    def _pass(self, limit):
        ids = list(pipeline.pending_files().values_list("pk", flat=True)[:limit])
        done = failed = 0
        for file_id in ids:
            ok = self._one(file_id, again=False)
            done += ok is True
            failed += ok is False
        return done, failed

    def _one(self, file_id, *, again):
        """True when inspected, None when another process had it, False on failure."""
        try:
            item = pipeline.inspect_entry_file(file_id, again=again)
        except Exception as error:  # one bad file must not stop the rest
            self.stderr.write(f"entry file {file_id}: {type(error).__name__}: {error}")
            return False
        if item is None:
            return None
        problems = len(item.inspection.get("problems", []))
        blind = "blind copy made" if item.blind_file else "no blind copy"
        self.stdout.write(f"entry file {file_id}: {problems} problem(s), {blind}")
        return True
