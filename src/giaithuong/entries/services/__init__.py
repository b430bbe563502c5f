"""State changes of entries: the one writer of entry rows (one function per change, in the
Zulip `do_*` spirit, grouped by what they change).

Every function runs in one transaction, checks permission (object level: this entry, this
edition) and the invariants, writes the audit log, and never duplicates: retries are safe.
They raise `giaithuong.entries.errors` exceptions (`EntryError` and subclasses, each naming the
field concerned; `EntryPermissionDenied` for a person who may not act). Each takes `now=` so
tests need no clock.

    drafts      create_draft, update_draft (autosave, optimistic lock), set_authors
    files       attach_file, remove_file, record_inspection
    submission  violations, submit_entry, resubmit_entry, withdraw_entry
    intake      mark_valid, return_for_fixes, reject
    duplicates  decide_duplicate (intake's word on a possible duplicate)
"""

from giaithuong.entries.services.drafts import (
    create_draft,
    find_category,
    set_authors,
    update_draft,
)
from giaithuong.entries.services.duplicates import decide_duplicate
from giaithuong.entries.services.files import attach_file, record_inspection, remove_file
from giaithuong.entries.services.intake import mark_valid, reject, return_for_fixes
from giaithuong.entries.services.submission import (
    SubmitResult,
    receipt_number,
    resubmit_entry,
    submit_entry,
    violations,
    withdraw_entry,
)

__all__ = [
    "SubmitResult",
    "attach_file",
    "create_draft",
    "decide_duplicate",
    "find_category",
    "mark_valid",
    "receipt_number",
    "record_inspection",
    "reject",
    "remove_file",
    "resubmit_entry",
    "return_for_fixes",
    "set_authors",
    "submit_entry",
    "update_draft",
    "violations",
    "withdraw_entry",
]
