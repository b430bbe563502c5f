"""Signals of the entries app.

`file_attached(sender=EntryFile, entry_file=...)` is sent after a file has been added to an
entry and committed: the inspection step (running time, pages, blind copy) listens here and
writes what it finds through `services.record_inspection`. Receivers run with `send_robust`,
so a failing one never loses the file.

`entry_submitted(sender=Entry, entry_id=..., entry=...)` is sent by the background task
`tasks.announce_submitted` after a submit or a resubmit has committed (`entry` is the row as
committed): duplicate detection listens here (`duplicates`). Also `send_robust`: the entry is
submitted whatever a receiver does.
"""

from django.dispatch import Signal

file_attached = Signal()
entry_submitted = Signal()
