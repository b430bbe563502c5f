"""Reminders for overdue deliveries, through a real SMTP server: one mail per unit, Vietnamese
subject intact, never twice within the interval, none for finished work or units without an
address; the issuer's button; the daily command."""

import datetime as dt
import io

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.core.management.base import CommandError

from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_user, grant_role
from giaithuong.common.models import AuditEvent
from giaithuong.directives import letters, reminders
from giaithuong.directives.models import Delivery, DeliveryState, UnitKind
from giaithuong.directives.services import ensure_unit, save_unit
from tests.smtp import Inbox, free_port

DUE = dt.date(2026, 6, 30)
LATE = DUE + dt.timedelta(days=5)  # the day the reminders run


@pytest.fixture
def tree(db):
    ward = ensure_unit(name="Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam Đồng",
                       kind=UnitKind.FRONT, code="MTTQ-BTT", seat="Nam Đồng")
    groups = [ensure_unit(name=f"Ban Công tác Mặt trận Tổ dân phố số {n}",
                          kind=UnitKind.RESIDENTIAL, parent=ward, seat="Nam Đồng")
              for n in (1, 2, 3)]
    groups[0].email = "to1@namdong.vn"
    save_unit(groups[0])
    return {"ward": ward, "groups": groups}


def officer(username, unit, email=""):
    user = create_user(username=username, password="x-Very-long-1", email=email)
    grant_role(user, Role.UNIT_OFFICER, unit=unit)
    return user


def issue(tree, actor, subject, *, number, due=DUE):
    draft = letters.create_draft(actor=actor, issuer=tree["ward"], symbol="MTTQ-BTT",
                                 subject=subject, addressee_units=tree["groups"], due_date=due)
    return letters.issue_letter(draft, actor=actor, on=dt.date(2026, 6, 18), number=number)


@pytest.fixture
def world(tree):
    ward_officer = officer("namdong", tree["ward"], "vanphong@namdong.vn")
    group_officer = officer("to2", tree["groups"][1], "Truong.To2@namdong.vn")
    officer("to1-a", tree["groups"][0], "TO1@namdong.vn")  # the unit's own address again
    officer("to1-b", tree["groups"][0], "bi.thu.to1@namdong.vn")
    # Group 3 has neither an address nor an officer with one.
    first = issue(tree, ward_officer, "tuyên truyền, triển khai, hưởng ứng Giải thưởng toàn "
                                      "quốc về thông tin đối ngoại lần thứ XII", number=31)
    second = issue(tree, ward_officer, "giới thiệu tác giả, tác phẩm tham dự Giải thưởng",
                   number=32)
    return {"ward_officer": ward_officer, "group_officer": group_officer, "first": first,
            "second": second, **tree}


def subject(message) -> str:
    """The decoded subject. Django folds a long encoded subject onto the next line, which leaves
    a leading space after unfolding; mail clients drop it."""
    return message["Subject"].strip()


def to(message) -> set[str]:
    return {address.strip().lower() for address in message["To"].split(",")}


def test_one_mail_per_unit_lists_all_its_overdue_letters(world, mailbox, settings):
    settings.SITE_URL = "https://giaithuong.example.vn"
    run = reminders.send_overdue_reminders(today=LATE)
    assert len(run.sent) == 2 and [u.name for u in run.without_address] == [
        "Ban Công tác Mặt trận Tổ dân phố số 3"]
    assert len(mailbox.messages) == 2
    by_unit = {m["To"].split(",")[0].strip().lower(): m for m in mailbox.messages}
    group1 = by_unit["to1@namdong.vn"]
    assert to(group1) == {"to1@namdong.vn", "bi.thu.to1@namdong.vn"}  # no repeats
    assert subject(group1) == ("Nhắc việc: 2 văn bản quá hạn chưa hoàn thành · Ban Công tác "
                                 "Mặt trận Tổ dân phố số 1")
    body = group1.get_content()
    assert "Kính gửi: Ban Công tác Mặt trận Tổ dân phố số 1" in body
    assert "Reminder: 2 letters addressed to your unit are past the due date" in body
    assert "Công văn số 31/MTTQ-BTT ngày 18/6/2026 của Ban Thường trực Ủy ban MTTQ Việt Nam " \
           "phường Nam Đồng" in body
    assert "V/v tuyên truyền, triển khai, hưởng ứng Giải thưởng" in body
    assert "Công văn số 32/MTTQ-BTT" in body
    assert "Hạn báo cáo: 30/6/2026 (quá hạn 5 ngày)" in body
    assert f"https://giaithuong.example.vn/letters/{world['first'].pk}/" in body
    assert f"https://giaithuong.example.vn/letters/{world['second'].pk}/" in body
    assert to(by_unit["truong.to2@namdong.vn"]) == {"truong.to2@namdong.vn"}
    stamped = Delivery.objects.filter(unit__in=world["groups"][:2], last_reminded_at__isnull=False)
    assert stamped.count() == 4
    assert not Delivery.objects.filter(unit=world["groups"][2],
                                       last_reminded_at__isnull=False).exists()
    assert AuditEvent.objects.filter(action="delivery.reminded").count() == 2


def test_no_second_mail_within_the_interval(world, mailbox):
    reminders.send_overdue_reminders(today=LATE)
    assert len(mailbox.messages) == 2
    for later in (0, 1, 2):
        run = reminders.send_overdue_reminders(today=LATE + dt.timedelta(days=later))
        assert not run.reminders
    assert len(mailbox.messages) == 2
    run = reminders.send_overdue_reminders(today=LATE + dt.timedelta(days=3))
    assert len(run.sent) == 2 and len(mailbox.messages) == 4
    run = reminders.send_overdue_reminders(today=LATE + dt.timedelta(days=4),
                                           min_interval_days=7)
    assert not run.reminders and len(mailbox.messages) == 4


def test_nothing_for_work_done_refused_or_not_yet_due(world, mailbox):
    group1, group2 = world["groups"][:2]
    group1_officer = create_user(username="to1-c", password="x-Very-long-1")
    grant_role(group1_officer, Role.UNIT_OFFICER, unit=group1)
    for delivery in Delivery.objects.filter(unit=group1):
        letters.report_activity(delivery, actor=group1_officer, kind="conference",
                                date=dt.date(2026, 6, 20), audience=40)
    letters.refuse(Delivery.objects.get(unit=group2, letter=world["first"]),
                   actor=world["group_officer"], reason="Gửi nhầm đơn vị")
    assert not reminders.send_overdue_reminders(today=DUE).reminders  # due today: not late
    run = reminders.send_overdue_reminders(today=LATE)
    (only,) = run.reminders
    assert only.unit == group2 and [d.letter for d in only.deliveries] == [world["second"]]
    (message,) = mailbox.messages
    assert subject(message).startswith("Nhắc việc: 1 văn bản quá hạn")
    assert "32/MTTQ-BTT" in message.get_content() and "31/MTTQ-BTT" not in message.get_content()


def test_a_dry_run_sends_and_records_nothing(world, mailbox):
    run = reminders.send_overdue_reminders(today=LATE, dry_run=True)
    assert len(run.reminders) == 2 and all(r.subject and r.body for r in run.reminders)
    assert not mailbox.messages
    assert not Delivery.objects.filter(last_reminded_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="delivery.reminded").exists()


def test_a_mail_that_cannot_go_leaves_the_delivery_remindable(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    settings.EMAIL_TIMEOUT = 2
    with pytest.raises(OSError):
        reminders.send_overdue_reminders(today=LATE)
    assert not Delivery.objects.filter(last_reminded_at__isnull=False).exists()


class Refusing(Inbox):
    """An SMTP server that refuses one recipient, as a relay does for a dead mailbox."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() == "truong.to2@namdong.vn":
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_one_refused_mail_does_not_stop_the_others_and_is_tried_again(world, settings):
    inbox = Refusing()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        run = reminders.send_overdue_reminders(today=LATE)
        assert [r.unit for r in run.sent] == [world["groups"][0]]
        (failed,) = run.failed
        assert failed.unit == world["groups"][1] and "No such mailbox" in failed.error
        assert len(inbox.messages) == 1
        assert not Delivery.objects.filter(unit=world["groups"][1],
                                           last_reminded_at__isnull=False).exists()
        with pytest.raises(CommandError, match="1 reminder"):
            call_command("send_reminders", "--today", LATE.isoformat(), stdout=io.StringIO(),
                         stderr=io.StringIO())
    finally:
        controller.stop()


def test_the_issuers_button(world, mailbox):
    delivery = Delivery.objects.get(unit=world["groups"][1], letter=world["first"])
    with pytest.raises(PermissionError):
        reminders.remind_delivery(delivery, actor=world["group_officer"], today=LATE)
    reminder = reminders.remind_delivery(delivery, actor=world["ward_officer"], today=LATE)
    assert reminder.sent and len(mailbox.messages) == 1
    assert subject(mailbox.messages[0]).startswith("Nhắc việc: 1 văn bản quá hạn")
    with pytest.raises(reminders.ReminderTooSoon) as caught:
        reminders.remind_delivery(delivery, actor=world["ward_officer"],
                                  today=LATE + dt.timedelta(days=1))
    assert "the next reminder can be sent from 08/7/2026" in str(caught.value)
    # The daily run leaves it alone too, but still reminds the unit of its other letter.
    run = reminders.send_overdue_reminders(today=LATE + dt.timedelta(days=1))
    (other,) = [r for r in run.reminders if r.unit == world["groups"][1]]
    assert [d.letter for d in other.deliveries] == [world["second"]]
    no_address = Delivery.objects.get(unit=world["groups"][2], letter=world["first"])
    with pytest.raises(reminders.ReminderError, match="has no e-mail address"):
        reminders.remind_delivery(no_address, actor=world["ward_officer"], today=LATE)
    assert AuditEvent.objects.filter(action="delivery.reminder_requested").count() == 1


def test_a_letter_not_yet_due_can_be_nudged(world, mailbox):
    delivery = Delivery.objects.get(unit=world["groups"][0], letter=world["first"])
    reminders.remind_delivery(delivery, actor=world["ward_officer"], today=DUE - dt.timedelta(
        days=3))
    (message,) = mailbox.messages
    assert subject(message) == ("Nhắc việc: 1 văn bản chưa hoàn thành · Ban Công tác Mặt trận "
                                  "Tổ dân phố số 1")
    assert "quá hạn" not in message.get_content().split("Hạn báo cáo:")[1].splitlines()[0]


def test_a_closed_delivery_is_not_reminded(world, mailbox):
    delivery = Delivery.objects.get(unit=world["groups"][1], letter=world["first"])
    letters.refuse(delivery, actor=world["group_officer"], reason="Không thuộc phạm vi")
    with pytest.raises(reminders.ReminderError):
        reminders.remind_delivery(delivery, actor=world["ward_officer"], today=LATE)
    assert Delivery.objects.get(pk=delivery.pk).state == DeliveryState.REFUSED
    assert not mailbox.messages


def test_the_command_prints_what_it_sent(world, mailbox):
    out = io.StringIO()
    call_command("send_reminders", "--dry-run", "--today", LATE.isoformat(), stdout=out)
    assert "would send: Ban Công tác Mặt trận Tổ dân phố số 1" in out.getvalue()
    assert "31/MTTQ-BTT, 32/MTTQ-BTT" in out.getvalue()
    assert "no address: Ban Công tác Mặt trận Tổ dân phố số 3" in out.getvalue()
    assert not mailbox.messages
    out = io.StringIO()
    call_command("send_reminders", "--today", LATE.isoformat(), stdout=out)
    assert "sent: Ban Công tác Mặt trận Tổ dân phố số 2 <Truong.To2@namdong.vn>" in out.getvalue()
    assert "2 reminder(s) sent, 0 failed, 1 unit(s) without an address." in out.getvalue()
    assert len(mailbox.messages) == 2
    with pytest.raises(CommandError):
        call_command("send_reminders", "--today", "30/6/2026")
