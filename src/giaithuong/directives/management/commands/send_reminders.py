"""`giaithuong send_reminders [--dry-run] [--interval DAYS] [--today YYYY-MM-DD]`: mail every
unit about its letters past their due date (run it once a day, e.g. from cron or a timer)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from giaithuong.directives.reminders import (
    MIN_INTERVAL_DAYS,
    letter_code,
    send_overdue_reminders,
)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = ("Mail each unit one reminder listing its letters past their due date and not done "
            "or refused; a letter is mentioned at most once per --interval days.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="show what would be sent; send and record nothing")
        parser.add_argument("--interval", type=int, default=MIN_INTERVAL_DAYS, metavar="DAYS",
                            help=f"days between two reminders of one letter "
                                 f"(default {MIN_INTERVAL_DAYS})")
        parser.add_argument("--today", type=_date, default=None, metavar="YYYY-MM-DD",
                            help="run as if today were this date")

    def handle(self, *args, dry_run: bool, interval: int, today, **options):
        if interval < 1:
            raise CommandError("--interval must be at least 1 day.")
        run = send_overdue_reminders(today=today, min_interval_days=interval, dry_run=dry_run)
        verb = "would send" if dry_run else "sent"
        for reminder in run.reminders:
            codes = ", ".join(letter_code(d.letter) for d in reminder.deliveries)
            if reminder.error:
                self.stderr.write(f"FAILED {reminder.unit.name} "
                                  f"<{', '.join(reminder.recipients)}>: {reminder.error}")
                continue
            self.stdout.write(f"{verb}: {reminder.unit.name} <{', '.join(reminder.recipients)}>"
                              f" — {len(reminder.deliveries)} letter(s): {codes}")
        for unit in run.without_address:
            self.stdout.write(f"no address: {unit.name} (unit #{unit.pk}); add an e-mail to the "
                              f"unit or its officers")
        done = run.reminders if dry_run else run.sent
        self.stdout.write(f"{len(done)} reminder(s) {verb}, {len(run.failed)} failed, "
                          f"{len(run.without_address)} unit(s) without an address.")
        if run.failed:
            raise CommandError(f"{len(run.failed)} reminder(s) could not be sent.")
