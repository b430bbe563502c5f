"""An entry's status page, its submission, withdrawal and receipt.

A submit carries the idempotency key made when the page was shown, so a double click, a
resent form or a retry after a timeout gets the first answer again and never a second entry.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giaithuong.common.access import access
from giaithuong.documents.receipt import ReceiptData, ReceiptFile, render_receipt_pdf
from giaithuong.entries import selectors, services
from giaithuong.entries.errors import EntryBlocked, EntryError
from giaithuong.entries.forms.files import WithdrawForm
from giaithuong.entries.forms.plan import plan_for
from giaithuong.entries.models import EDITABLE, EntryStatus, FileRole
from giaithuong.entries.services._base import editing_deadline
from giaithuong.entries.services.submission import WITHDRAWABLE
from giaithuong.entries.views import editing, saving
from giaithuong.entries.views.common import PARTICIPANTS, now, own_entry, timing


def _withdrawable(entry, at) -> bool:
    return entry.status in WITHDRAWABLE and at <= editing_deadline(entry)


@access(PARTICIPANTS)
@require_GET
def detail(request, entry_id):
    entry = own_entry(request, entry_id)
    at = now()
    state = timing(entry, at)
    return render(request, "entries/detail.html", {
        "entry": entry,
        "timing": state,
        "history": selectors.entry_history(entry),
        "editable": entry.status in EDITABLE and state.open,
        "withdrawable": _withdrawable(entry, at),
        "has_receipt": bool(entry.receipt_number and entry.submitted_at),
    })


@access(PARTICIPANTS)
@require_POST
def submit(request, entry_id):
    entry = own_entry(request, entry_id)
    at = now()
    key = request.POST.get("idempotency_key", "")
    try:
        result = services.submit_entry(entry, request.user, key, now=at)
    except EntryBlocked as blocked:
        forms = saving.bind("review", entry, plan_for(entry))
        return editing.render_edit(request, entry, "review", forms, at, blocked=str(blocked),
                               status=422)
    except EntryError as error:  # after the deadline, already submitted, a bad key
        messages.error(request, str(error))
        return redirect("entries:detail", entry_id=entry.pk)
    messages.success(request, _(
        "Your entry has been received. Receipt number: {number}. A confirmation is on its "
        "way to your e-mail; you can download the receipt below.").format(
            number=result.receipt_number))
    return redirect("entries:detail", entry_id=result.entry.pk)


@access(PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def withdraw(request, entry_id):
    entry = own_entry(request, entry_id)
    at = now()
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_entry(entry, request.user, reason=form.cleaned_data["reason"],
                                    now=at)
        except EntryError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The entry has been withdrawn."))
        return redirect("entries:detail", entry_id=entry.pk)
    if not _withdrawable(entry, at) and entry.status != EntryStatus.WITHDRAWN:
        messages.error(request, _("This entry can no longer be withdrawn."))
        return redirect("entries:detail", entry_id=entry.pk)
    return render(request, "entries/withdraw.html", {"entry": entry, "form": form,
                                                     "timing": timing(entry, at)})


def _role_label(role: str) -> str:
    from django.utils import translation

    labels = []
    for language in ("vi", "en"):
        with translation.override(language):
            labels.append(str(FileRole(role).label))
    return " / ".join(dict.fromkeys(labels))


def receipt_data(entry, status_url: str) -> ReceiptData:
    award = entry.edition.award
    return ReceiptData(
        award_title_vi=award.name_vi,
        award_title_en=award.name_en,
        edition_ordinal=entry.edition.roman,
        receipt_number=entry.receipt_number,
        entry_title=entry.title,
        category_name_vi=entry.category.name_vi,
        category_name_en=entry.category.name_en,
        participant_name=(entry.organisation_name if entry.entrant_kind == "organisation"
                          and entry.organisation_name else
                          entry.owner.full_name or entry.owner.get_username()),
        authors=tuple(f"{a.full_name} ({a.pen_name})" if a.pen_name else a.full_name
                      for a in entry.authors.all()),
        submitted_at=entry.submitted_at,
        files=tuple(ReceiptFile(name=f.original_name, size=f.size, sha256=f.sha256,
                                label=_role_label(f.role)) for f in entry.files.all()),
        status_url=status_url,
    )


@access(PARTICIPANTS)
@require_GET
def receipt(request, entry_id):
    """The receipt as PDF, with a QR code of this entry's status page."""
    entry = own_entry(request, entry_id)
    if not entry.receipt_number or entry.submitted_at is None:
        raise Http404
    status_url = request.build_absolute_uri(reverse("entries:detail", args=[entry.pk]))
    pdf = render_receipt_pdf(receipt_data(entry, status_url))
    response = HttpResponse(pdf, content_type="application/pdf")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", entry.receipt_number)
    response["Content-Disposition"] = f'attachment; filename="receipt-{safe}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
