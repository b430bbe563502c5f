"""Put back in the queue the background tasks a worker took and never finished."""

import datetime as dt

from django.core.management.base import BaseCommand

from giaithuong.common.tasks import STALLED_AFTER, requeue_stalled


class Command(BaseCommand):
    help = ("Put back in the queue the background tasks still running long after they started "
            "(their worker was killed). Safe to run at any time; run it hourly from a timer.")

    def add_arguments(self, parser):
        parser.add_argument("--after-minutes", type=int,
                            default=int(STALLED_AFTER.total_seconds() // 60),
                            help="how long a task may run before it counts as stalled "
                                 "(default: %(default)s)")

    def handle(self, *args, after_minutes: int, **options):
        count = requeue_stalled(older_than=dt.timedelta(minutes=max(1, after_minutes)))
        self.stdout.write(f"requeued {count} stalled task(s)")
