"""Background work: Django's tasks API (the django-tasks backport on Django 5.2).

Services never run slow follow-up work (mail, duplicate detection, inspection of large files)
in the request that made a change; they hand it to `enqueue_after_commit`, and `giaithuong
db_worker` runs it. Every task is idempotent: a task run twice (a worker killed mid-task and its
task run again by `requeue_stalled`) does no harm.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

log = logging.getLogger(__name__)


def _queue_in_database(task) -> bool:
    from django_tasks_db import DatabaseBackend

    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue_after_commit(task, *args: Any, **kwargs: Any) -> None:
    """Have `task(*args, **kwargs)` run once the current transaction has committed.

    With the queue in the database, the task's row is written inside the transaction: the
    change and its follow-up work commit together or not at all, so a process that dies right
    after the commit loses no mail, and a rolled-back change sends none. Other backends (the
    immediate one of tests and scripts) are called after the commit; a failure to enqueue there
    is logged and never undoes the change."""
    if _queue_in_database(task):
        task.enqueue(*args, **kwargs)
        return

    def enqueue() -> None:
        try:
            task.enqueue(*args, **kwargs)
        except Exception:  # the change has committed; losing its follow-up must not undo it
            log.exception("could not enqueue %s%r", task.name, args)

    transaction.on_commit(enqueue)


def enqueue_once(task, *, delay: dt.timedelta | None = None) -> None:
    """Have `task()` run once the current transaction has committed, unless a run of it is
    already waiting to start: that run will see this transaction's changes too. For tasks
    without arguments that look for their work in the database (a batch), so a rush of
    changes costs a few runs, not one per change; with a `delay`, every change in that time
    waits for the same run.

    With the queue in the database, the waiting run's row is held until this transaction ends
    (PostgreSQL: FOR KEY SHARE, which a worker's FOR UPDATE SKIP LOCKED passes over), so no
    worker starts it in between and misses this transaction's work; if a worker took it just
    before, it is no longer waiting and a new run is enqueued. A run a worker is taking at
    this very moment is passed over too (SKIP LOCKED) and a new one enqueued: waiting for
    the worker, which runs at idle CPU priority, would hold up every change behind it. SQLite
    writes one transaction at a time, which gives the same. Other backends enqueue after the
    commit every time."""
    if not _queue_in_database(task):
        enqueue_after_commit(task)
        return
    if not _hold_waiting_run(task):
        task.using(run_after=timezone.now() + delay if delay else None).enqueue()


def _hold_waiting_run(task) -> bool:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    table = connection.ops.quote_name(DBTaskResult._meta.db_table)
    columns = [connection.ops.quote_name(DBTaskResult._meta.get_field(name).column)
               for name in ("status", "task_path", "queue_name", "backend_name")]
    hold = " FOR KEY SHARE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE "  # noqa: S608
                       + " AND ".join(f"{column} = %s" for column in columns)
                       + f" LIMIT 1{hold}",
                       [TaskResultStatus.READY, task.module_path, task.queue_name,
                        task.get_backend().alias])
        return cursor.fetchone() is not None


def retry_later(task, attempt: int, *args: Any, attempts: int, **kwargs: Any) -> bool:
    """Enqueue `task` again for attempt `attempt + 1`, after 1, 2, 4, 8… minutes; False when
    `attempts` are used up or the backend cannot defer (then the failure stays logged)."""
    if attempt >= attempts or not task.get_backend().supports_defer:
        return False
    when = timezone.now() + dt.timedelta(minutes=2 ** (attempt - 1))
    task.using(run_after=when).enqueue(*args, attempt=attempt + 1, **kwargs)
    return True


# Longer than the slowest task (the inspection of a 4 GB video: up to 30 minutes).
STALLED_AFTER = dt.timedelta(minutes=90)


def requeue_stalled(*, older_than: dt.timedelta = STALLED_AFTER) -> int:
    """Put back in the queue the tasks a worker took and never finished (it was killed, or its
    machine went down): still running `older_than` after they started. Returns how many."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - older_than
    count = (DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
             .update(status=TaskResultStatus.READY, started_at=None))
    if count:
        log.warning("%s stalled task(s) put back in the queue", count)
    return count
