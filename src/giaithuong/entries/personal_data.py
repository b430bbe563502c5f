"""What the entries app holds about a person, for their right of access and of erasure
(the Personal Data Protection Law), registered with `accounts.participants.register_data_exporter`.

Export: the person's entries with their authors, files and history, and the entries of others
that name them as an author. Erasure: drafts and never-submitted entries go, with their files;
submitted entries stay, as the award's record (their receipts were issued and intake or juries
may have acted on them); that is what the person is told is kept.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import ngettext

from giaithuong.common import audit
from giaithuong.entries.models import Entry, EntryAuthor, SubmitKey

_FIELDS = ("title", "genre", "subtype", "language", "outlet", "published_first",
           "published_last", "parts_total", "parts_in_window", "seconds_outside_window",
           "duration_seconds", "pages", "photo_count", "publication_urls", "summary_vi",
           "translation_title", "translation_summary", "translation_present",
           "copyright_accepted", "copyright_accepted_at", "prior_awards", "prior_awards_none",
           "entrant_kind", "organisation_name", "entrant_country", "entrant_residence",
           "status", "receipt_number", "submitted_at", "resubmitted_at", "returned_reason",
           "return_deadline", "rejected_reason", "created_at", "updated_at")


def export_entries(user) -> dict[str, Any]:
    entries = (Entry.objects.filter(owner=user).select_related("edition", "category")
               .prefetch_related("authors", "files", "events").order_by("created_at", "pk"))
    named_in = (EntryAuthor.objects.filter(user=user).exclude(entry__owner=user)
                .select_related("entry"))
    return {
        "entries": [{
            "edition": str(entry.edition), "category": entry.category.code,
            **{name: getattr(entry, name) for name in _FIELDS},
            "authors": [{"full_name": a.full_name, "pen_name": a.pen_name, "role": a.role,
                         "job_title": a.job_title, "workplace": a.workplace,
                         "share_percent": str(a.share_percent), "email": a.email,
                         "consent_given": a.consent_given, "consent_at": a.consent_at}
                        for a in entry.authors.all()],
            "files": [{"role": f.role, "name": f.original_name, "size": f.size,
                       "sha256": f.sha256, "content_type": f.content_type,
                       "added_at": f.created_at} for f in entry.files.all()],
            "history": [{"at": e.at, "action": e.action, "from": e.from_status,
                         "to": e.to_status, "note": e.note} for e in entry.events.all()],
        } for entry in entries],
        "named_as_author": [{"title": a.entry.title, "receipt_number": a.entry.receipt_number,
                             "full_name": a.full_name, "role": a.role}
                            for a in named_in],
    }


def erase_entries(user) -> list[str]:
    """Delete the person's never-submitted entries; what is kept, in words for them."""
    unsent = Entry.objects.filter(owner=user, receipt_sequence__isnull=True)
    names = [name for entry in unsent.prefetch_related("files")
             for item in entry.files.all()
             for name in (item.file.name, item.blind_file.name if item.blind_file else "")
             if name]
    ids = list(unsent.values_list("pk", flat=True))
    if ids:
        unsent.delete()
        audit.record("entry.drafts_erased", actor=user, after={"user": user.pk, "entries": ids})
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
    SubmitKey.objects.filter(owner=user).delete()
    kept = Entry.objects.filter(owner=user, receipt_sequence__isnull=False).count()
    if not kept:
        return []
    return [ngettext("%(count)d submitted entry with its authors, files, receipt and history: "
                     "the award's record",
                     "%(count)d submitted entries with their authors, files, receipts and "
                     "history: the award's record", kept) % {"count": kept}]
