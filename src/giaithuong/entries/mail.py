"""Mail to participants about their entries: received, resubmitted, valid, returned for fixes,
rejected, withdrawn. Sent in the background once the change has committed, in the
participant's language, with a link to the entry's page: after submits in batches over one
connection (`follow_up`), after other changes one by one (services enqueue
`tasks.send_entry_mail`). A mail that cannot be sent is retried by that task; it never undoes
the change it reports.
"""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from giaithuong.editions.models import localized
from giaithuong.editions.rules import time_zone
from giaithuong.entries.models import Entry, EntryStatus

KINDS = frozenset({"submitted", "resubmitted", "marked_valid", "returned", "rejected",
                   "withdrawn"})
# The participant's page of an entry; the pages of the entries app name it so.
STATUS_URL_NAME = "entries:detail"


def status_path(entry: Entry) -> str:
    """The path of the entry's status page in the active language (the account page until the
    entry pages exist)."""
    try:
        return reverse(STATUS_URL_NAME, kwargs={"entry_id": entry.pk})
    except NoReverseMatch:
        return reverse("accounts:dashboard")


def status_url(entry: Entry) -> str:
    return settings.SITE_URL + status_path(entry)


def _local(moment, entry: Entry) -> str:
    if moment is None:
        return ""
    zone = time_zone(entry.edition.rules.timeline.timezone)
    return moment.astimezone(zone).strftime("%H:%M:%S %d/%m/%Y")


def compose(entry: Entry, kind: str) -> tuple[str, str]:
    """Subject and body of the mail about `entry`, in the active language."""
    context = {
        "kind": kind,
        "owner_name": entry.owner.full_name or entry.owner.get_username(),
        "title": entry.title,
        "category": localized(entry.category, "name"),
        "award": localized(entry.edition, "title"),
        "receipt_number": entry.receipt_number or "",
        "status": EntryStatus(entry.status).label,
        "submitted_at": _local(entry.submitted_at, entry),
        "resubmitted_at": _local(entry.resubmitted_at, entry),
        "return_deadline": _local(entry.return_deadline, entry),
        "returned_reason": entry.returned_reason,
        "rejected_reason": entry.rejected_reason,
        "status_url": status_url(entry),
    }
    subject = render_to_string("entries/mail/subject.txt", context)
    body = render_to_string(f"entries/mail/{kind}.txt", context)
    return " ".join(subject.split()), body


def _message(entry: Entry, kind: str) -> EmailMessage | None:
    if kind not in KINDS:
        raise ValueError(f"unknown entry mail {kind!r}")
    if not entry.owner.email:
        return None
    with translation.override(entry.owner.preferred_language or settings.LANGUAGE_CODE):
        subject, body = compose(entry, kind)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [entry.owner.email])


def send_status_mails(mails: list[tuple[Entry, str]]) -> list[tuple[Entry, str]]:
    """Mail each entry's participant about its kind of change, over one connection to the
    mail server; returns the mails that could not be sent (the server refused them, or could
    not be reached). Entries come with their owner, edition and category."""
    failed: list[tuple[Entry, str]] = []
    connection = get_connection()
    reachable = _open(connection)  # opened here, send_messages keeps it open between mails
    for entry, kind in mails:
        message = _message(entry, kind)
        if message is None:
            continue
        if not reachable:
            failed.append((entry, kind))
            continue
        try:
            connection.send_messages([message])
        except (smtplib.SMTPException, OSError):
            failed.append((entry, kind))
            connection.close()  # the next message starts afresh, if the server answers
            reachable = _open(connection)
    connection.close()
    return failed


def _open(connection) -> bool:
    try:
        connection.open()
    except (smtplib.SMTPException, OSError):
        return False
    return True


def send_status_mail(entry_id: int, kind: str) -> bool:
    """Mail the entry's participant about `kind`; False when there is nobody to write to.
    A refusing or unreachable mail server raises (`smtplib.SMTPException`, `OSError`)."""
    if kind not in KINDS:
        raise ValueError(f"unknown entry mail {kind!r}")
    entry = with_mail_context(Entry.objects.filter(pk=entry_id)).first()
    message = _message(entry, kind) if entry is not None else None
    if message is None:
        return False
    message.send()
    return True


def with_mail_context(entries):
    """What a mail about these entries reads: owner, edition and category. The edition's rules
    come parsed from memory (`Edition.rules`); their JSON stays behind."""
    return entries.select_related("owner", "edition", "category").defer("edition__spec")
