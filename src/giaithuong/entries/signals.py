"""Signals of the entries app.

`file_attached(sender=EntryFile, entry_file=...)` is sent after a file has been added to an
entry and committed: the inspection step (running time, pages, blind copy) listens here and
writes what it finds through `services.record_inspection`. Receivers run with `send_robust`,
so a failing one never loses the file.

`entries_submitted(sender=Entry, entry_ids=[...])` is sent by the background task
`tasks.follow_up_submits` after submits or resubmits have committed, a batch at a time:
duplicate detection listens here (`duplicates`). Also `send_robust`: the entries are submitted
whatever a receiver does.
"""

from django.dispatch import Signal

file_attached = Signal()
entries_submitted = Signal()
