"""The participant's entries and the start of a new one.

A new entry is made by a POST that carries a key made when the page was shown: the same key
again (a double click, a resent form, a retry after a timeout) leads to the draft it made, and
an untouched draft of the same category is taken up rather than a second one made, so
clicking "new entry" twice never leaves two empty drafts.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from giaithuong.accounts.models import User
from giaithuong.common.access import access
from giaithuong.editions.models import Category
from giaithuong.editions.selectors import current_edition
from giaithuong.entries import selectors, services
from giaithuong.entries.errors import EntryError, EntryPermissionDenied
from giaithuong.entries.models import EDITABLE, Entry, EntryStatus
from giaithuong.entries.services._base import deadline as edition_deadline
from giaithuong.entries.views.common import PARTICIPANTS, now, timing

SESSION_KEY = "entries.created"  # creation key -> entry id, the latest few
KEEP_KEYS = 20


@access(PARTICIPANTS)
@require_GET
def entry_list(request):
    at = now()
    edition = current_edition()
    rows = [{"entry": entry, "timing": timing(entry, at),
             "editable": entry.status in EDITABLE}
            for entry in selectors.entries_of(request.user)]
    closes = edition_deadline(edition) if edition else None
    return render(request, "entries/list.html", {
        "rows": rows,
        "categories": edition.categories.all() if edition else [],
        "entries_open": bool(closes and at <= closes),
        "closes": closes,
        "days_left": max((closes - at).days, 0) if closes else 0,
        "creation_key": uuid.uuid4(),
    })


def _category(code: str, edition):
    """The category to enter, or 404 for one the edition does not have; a closed one is
    returned with the reason it takes no entries."""
    try:
        return services.find_category(code, edition), ""
    except EntryError as error:
        if error.code != "category_closed":
            raise Http404 from None
        refusal = str(error)
    return Category.objects.get(edition=edition, code=code), refusal


def _made_before(request, key: str):
    entry_id = request.session.get(SESSION_KEY, {}).get(key)
    if entry_id is None:
        return None
    entry = selectors.entry_for(request.user, entry_id)
    return entry if entry is not None and entry.owner_id == request.user.pk else None


def _remember(request, key: str, entry_id: int) -> None:
    made = dict(request.session.get(SESSION_KEY, {}))
    made[key] = entry_id
    request.session[SESSION_KEY] = dict(list(made.items())[-KEEP_KEYS:])


def _create_once(user, category, at):
    """A draft in `category`: an untouched one of the person's, or a new one. The person's
    row is locked meanwhile, so two requests at once cannot both make one (PostgreSQL; on
    SQLite every write transaction is serial already)."""
    with transaction.atomic():
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk"))
        untouched = selectors.entries_of(user).filter(
            category=category, status=EntryStatus.DRAFT, version=1, title="", summary_vi="",
            files__isnull=True).first()
        return untouched or services.create_draft(user, category, now=at)


@access(PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def new_entry(request, code):
    edition = current_edition()
    if edition is None:
        raise Http404
    category, refusal = _category(code, edition)
    at = now()
    status = 410 if refusal else 200
    if not refusal:
        # A draft begun after the deadline could never be sent: say so before any typing.
        refusal = timing(Entry(edition=edition, category=category, owner=request.user),
                         at).refusal
        status = 409 if refusal else 200
    if request.method == "POST" and not refusal:
        key = str(request.POST.get("creation_key") or "")[:128]
        earlier = _made_before(request, key) if key else None
        if earlier is not None:
            return redirect(_edit_url(earlier))
        try:
            entry = _create_once(request.user, category, at)
        except EntryPermissionDenied:
            raise PermissionDenied from None
        except EntryError as error:
            refusal, status = str(error), 409
        else:
            if key:
                _remember(request, key, entry.pk)
            messages.success(request, _("Your draft is ready. It is saved as you type; you can "
                                        "leave and come back to it until the deadline."))
            return redirect(_edit_url(entry))
    return render(request, "entries/new.html", {
        "category": category,
        "category_rules": category.rules,
        "refusal": refusal,
        "creation_key": uuid.uuid4(),
        "closes": edition_deadline(edition),
    }, status=status)


def _edit_url(entry) -> str:
    return f"{reverse('entries:edit', args=[entry.pk])}?step=work"
