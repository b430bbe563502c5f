"""Reminders for letters a unit has not finished by their due date (nhắc việc quá hạn).

`send_overdue_reminders` runs every day (command `giaithuong send_reminders`): one mail per unit
listing every overdue letter it still has open, to the unit's address and its officers'. A
delivery is mentioned at most once per `min_interval_days` (`Delivery.last_reminded_at`), so
running it twice, or from two machines at once, never mails the same thing twice: deliveries are
claimed (stamped) in a transaction before the mail goes, and un-stamped if it could not go.
`remind_delivery` is the issuing unit's button for one delivery, under the same rule.

The mail is in Vietnamese with an English line, whatever the language of the person who asked.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from giaithuong.accounts.models import RoleGrant
from giaithuong.accounts.roles import Role
from giaithuong.common import audit
from giaithuong.common.text import short_date
from giaithuong.directives.drafting import KIND_NAMES
from giaithuong.directives.edxml import STATUS_CODES
from giaithuong.directives.letter import Style
from giaithuong.directives.letters import LetterConflict, LetterError
from giaithuong.directives.models import (
    EDXML_STATUS,
    Delivery,
    DeliveryState,
    Letter,
    OrganisationUnit,
)
from giaithuong.directives.permissions import can_act_for

logger = logging.getLogger(__name__)

MIN_INTERVAL_DAYS = 3
_OPEN = Q(state__in=[DeliveryState.RECEIVED, DeliveryState.ACKNOWLEDGED, DeliveryState.ASSIGNED,
                     DeliveryState.IN_PROGRESS])
_CHUNK = 500  # ids per IN (…) query: SQLite allows a few thousand parameters at most


class ReminderError(LetterError):
    """A reminder cannot be sent (no address, delivery closed)."""


class ReminderTooSoon(ReminderError, LetterConflict):
    """The unit was reminded of this letter too recently."""


@dataclass
class Reminder:
    """One mail to one unit about one or more of its open deliveries."""

    unit: OrganisationUnit
    recipients: list[str]
    deliveries: list[Delivery]
    subject: str = ""
    body: str = ""
    sent: bool = False
    error: str = ""


@dataclass
class ReminderRun:
    reminders: list[Reminder] = field(default_factory=list)
    without_address: list[OrganisationUnit] = field(default_factory=list)

    @property
    def sent(self) -> list[Reminder]:
        return [r for r in self.reminders if r.sent]

    @property
    def failed(self) -> list[Reminder]:
        return [r for r in self.reminders if r.error]


# Clock and eligibility -----------------------------------------------------------------------

def _clock(today: dt.date | None) -> tuple[dt.date, dt.datetime]:
    """Today and now. A given `today` runs the day as if it were that date (now = that day at
    the current time of day), so stamps and the interval rule agree with it."""
    now = timezone.now()
    if today is None or today == timezone.localdate(now):
        return timezone.localdate(now), now
    moment = dt.datetime.combine(today, timezone.localtime(now).time().replace(microsecond=0))
    return today, timezone.make_aware(moment)


def _cutoff(today: dt.date, interval: int) -> dt.datetime:
    """A delivery last reminded before this moment may be reminded again today: reminded on day
    D, it is due again on D + interval."""
    first_blocked_day = today - dt.timedelta(days=max(interval, 1) - 1)
    return timezone.make_aware(dt.datetime.combine(first_blocked_day, dt.time.min))


def _remindable(today: dt.date, interval: int) -> Q:
    return _OPEN & (Q(last_reminded_at__isnull=True)
                    | Q(last_reminded_at__lt=_cutoff(today, interval)))


# Addresses and words -------------------------------------------------------------------------

def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def recipients_by_unit(unit_ids: list[int]) -> dict[int, list[str]]:
    """Each unit's own address, then its active officers' addresses, without repeats."""
    found: dict[int, list[str]] = defaultdict(list)

    def add(unit_id: int, address: str) -> None:
        address = (address or "").strip()
        if address and address.lower() not in {a.lower() for a in found[unit_id]}:
            found[unit_id].append(address)

    for chunk in _chunks(unit_ids):
        for unit_id, email in OrganisationUnit.objects.filter(pk__in=chunk).values_list(
                "pk", "email"):
            add(unit_id, email)
        grants = (RoleGrant.objects.filter(role=Role.UNIT_OFFICER, unit_id__in=chunk,
                                           user__is_active=True)
                  .exclude(user__email="").order_by("unit_id", "user_id")
                  .values_list("unit_id", "user__email"))
        for unit_id, email in grants:
            add(unit_id, email)
    return found


def letter_link(letter: Letter) -> str:
    """The letter's page as an absolute address (SITE_URL: mail is sent without a request)."""
    with translation.override("vi"):
        path = reverse("directives:letter_detail", kwargs={"letter_id": letter.pk})
    return f"{settings.SITE_URL}{path}"


def letter_code(letter: Letter) -> str:
    """'31/MTTQ-BTT' (State, Front) or '1390-CV/BTGDVTW' (Party)."""
    number = f"{letter.number:02d}" if letter.number is not None else "…"
    return f"{number}{'-' if letter.style == Style.PARTY else '/'}{letter.symbol}"


def _item(delivery: Delivery, today: dt.date) -> dict:
    letter = delivery.letter
    due = delivery.due_date
    return {
        "kind": KIND_NAMES.get(letter.kind, "Công văn"),
        "code": letter_code(letter),
        "date": short_date(letter.date) if letter.date else "",
        "issuer": letter.issuer_name,
        "subject": letter.subject,
        "due": short_date(due) if due else "",
        "days_late": (today - due).days if due and due < today else 0,
        "state": STATUS_CODES[EDXML_STATUS[DeliveryState(delivery.state)]],
        "link": letter_link(letter),
    }


def compose(unit: OrganisationUnit, deliveries: list[Delivery], today: dt.date) -> tuple[str,
                                                                                            str]:
    """Subject and body of the mail to `unit` about `deliveries`."""
    items = [_item(d, today) for d in deliveries]
    context = {"unit": unit, "items": items, "count": len(items),
               "overdue": sum(1 for item in items if item["days_late"]),
               "site_url": settings.SITE_URL}
    with translation.override("vi"):
        subject = render_to_string("directives/exchange/reminder_subject.txt", context)
        body = render_to_string("directives/exchange/reminder_email.txt", context)
    return " ".join(subject.split()), body


# Sending -------------------------------------------------------------------------------------

def _claim(ids: list[int], condition: Q, now: dt.datetime) -> dict[int, dt.datetime | None]:
    """Stamp the deliveries still remindable; their previous stamps, to undo on failure."""
    with transaction.atomic():
        rows = dict(Delivery.objects.select_for_update().filter(condition, pk__in=ids)
                    .values_list("pk", "last_reminded_at"))
        Delivery.objects.filter(pk__in=list(rows)).update(last_reminded_at=now)
    return rows


def _unclaim(previous: dict[int, dt.datetime | None], now: dt.datetime) -> None:
    for pk, stamp in previous.items():
        Delivery.objects.filter(pk=pk, last_reminded_at=now).update(last_reminded_at=stamp)


def _send(reminder: Reminder, connection, condition: Q, now: dt.datetime, today: dt.date,
          actor) -> None:
    claimed = _claim([d.pk for d in reminder.deliveries], condition, now)
    reminder.deliveries = [d for d in reminder.deliveries if d.pk in claimed]
    if not reminder.deliveries:
        return  # another run got there first
    reminder.subject, reminder.body = compose(reminder.unit, reminder.deliveries, today)
    message = EmailMessage(reminder.subject, reminder.body, settings.DEFAULT_FROM_EMAIL,
                           reminder.recipients, connection=connection)
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:  # one bad address must not stop the rest
        _unclaim(claimed, now)
        reminder.error = str(error) or error.__class__.__name__
        logger.warning("Reminder to unit %s failed: %s", reminder.unit.pk, reminder.error)
        return
    reminder.sent = True
    for delivery in reminder.deliveries:
        delivery.last_reminded_at = now
    audit.record("delivery.reminded", actor=actor, target=reminder.unit, after={
        "deliveries": [d.pk for d in reminder.deliveries], "recipients": reminder.recipients,
        "letters": [letter_code(d.letter) for d in reminder.deliveries]})


def send_overdue_reminders(*, today: dt.date | None = None,
                           min_interval_days: int = MIN_INTERVAL_DAYS, actor=None,
                           dry_run: bool = False) -> ReminderRun:
    """Mail every unit about its deliveries past their due date and not done or refused: one
    mail per unit, each delivery at most once per `min_interval_days`. Units without any
    address are listed in the result, and stay remindable once they have one."""
    today, now = _clock(today)
    condition = _remindable(today, min_interval_days)
    overdue = (Delivery.objects.filter(condition, due_date__lt=today, unit__is_active=True)
               .select_related("letter", "unit").order_by("unit__path", "due_date", "letter_id"))
    by_unit: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in overdue:
        by_unit[delivery.unit_id].append(delivery)
    addresses = recipients_by_unit(list(by_unit))
    run = ReminderRun()
    connection = None if dry_run else get_connection()
    try:
        if connection is not None:
            connection.open()
        for unit_id, deliveries in by_unit.items():
            unit = deliveries[0].unit
            if not addresses.get(unit_id):
                run.without_address.append(unit)
                continue
            reminder = Reminder(unit=unit, recipients=addresses[unit_id], deliveries=deliveries)
            run.reminders.append(reminder)
            if dry_run:
                reminder.subject, reminder.body = compose(unit, deliveries, today)
            else:
                _send(reminder, connection, condition, now, today, actor)
    finally:
        if connection is not None:
            connection.close()
    run.reminders = [r for r in run.reminders if r.deliveries]
    return run


def remind_delivery(delivery: Delivery, *, actor, today: dt.date | None = None,
                    min_interval_days: int = MIN_INTERVAL_DAYS) -> Reminder:
    """The issuing unit reminds one addressee of one letter now (overdue or not), under the same
    interval rule as the daily run."""
    delivery = Delivery.objects.select_related("letter__issuer", "unit").get(pk=delivery.pk)
    issuer = delivery.letter.issuer
    if issuer is None or not can_act_for(actor, issuer):
        raise PermissionError(gettext_lazy(
            "Only the officers of the unit that issued the letter can send a reminder."))
    if delivery.state in (DeliveryState.DONE, DeliveryState.REFUSED):
        raise ReminderError(gettext_lazy("This delivery is closed: it was done or refused."))
    today, now = _clock(today)
    condition = _remindable(today, min_interval_days)
    if delivery.last_reminded_at and delivery.last_reminded_at >= _cutoff(today,
                                                                           min_interval_days):
        last = timezone.localdate(delivery.last_reminded_at)
        again = last + dt.timedelta(days=min_interval_days)
        raise ReminderTooSoon(format_lazy(gettext_lazy(
            "{unit} was reminded of this letter on {last}; the next reminder can be sent from "
            "{again}."), unit=delivery.unit.name, last=short_date(last), again=short_date(again)))
    recipients = recipients_by_unit([delivery.unit_id]).get(delivery.unit_id)
    if not recipients:
        raise ReminderError(format_lazy(gettext_lazy(
            "{unit} has no e-mail address, and neither have its officers: no reminder can be "
            "sent."), unit=delivery.unit.name))
    reminder = Reminder(unit=delivery.unit, recipients=recipients, deliveries=[delivery])
    _send(reminder, None, condition, now, today, actor)
    if reminder.error:
        raise ReminderError(format_lazy(gettext_lazy(
            "The reminder could not be sent ({error}); try again later."), error=reminder.error))
    if not reminder.sent:
        raise ReminderTooSoon(format_lazy(gettext_lazy(
            "{unit} has just been reminded of this letter."), unit=delivery.unit.name))
    audit.record("delivery.reminder_requested", actor=actor, target=delivery,
                 after={"recipients": recipients})
    return reminder
