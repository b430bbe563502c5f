from django.core.management.base import BaseCommand

from giaithuong.uploads.services import purge_expired


class Command(BaseCommand):
    help = ("Delete expired uploads (unfinished and idle, or finished and never taken) and "
            "upload files left without an upload row. Run it daily from cron or a timer.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Count what would go; delete nothing.")

    def handle(self, *args, dry_run, **options):
        report = purge_expired(dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(
            f"{verb} {report.uploads} expired upload(s), {report.upload_bytes} bytes; "
            f"{report.orphans} orphan file(s), {report.orphan_bytes} bytes; "
            f"{report.busy} busy upload(s) left for the next run")
