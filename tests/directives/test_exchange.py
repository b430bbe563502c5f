"""edXML exchange through the services: an issued letter out as a package and back in as an
external letter, imports that never duplicate, status messages that move deliveries."""

import datetime as dt
import hashlib

import pytest

from giaithuong.common.models import AuditEvent
from giaithuong.directives import edxml, exchange, letters
from giaithuong.directives.models import (
    AttachmentRole,
    Delivery,
    DeliveryState,
    Letter,
    LetterAttachment,
    LetterKind,
    LetterSource,
    LetterStatus,
)
from tests.directives.exchange_data import (
    ISSUED_ON,
    PLAN,
    _media,
    officer,
    organiser,
    tree,
    ward_letter,
)

__all__ = ["_media", "organiser", "tree"]  # fixtures, imported for pytest


def test_an_issued_letter_goes_out_and_comes_back_as_an_external_letter(tree, organiser):
    ward_officer = officer("namdong", tree["ward"])
    sent = ward_letter(tree, ward_officer)
    data = exchange.export_letter_package(sent)

    package = edxml.parse_package(data)
    assert package.sender.organ_id == exchange.organ_id(tree["ward"])
    assert package.code == "31/MTTQ-BTT" and package.date == ISSUED_ON
    assert package.subject.startswith("V/v tuyên truyền")
    assert [r.organ_id for r in package.receivers] == [exchange.organ_id(g) for g in
                                                       tree["groups"]]
    assert (package.type_detail, package.type_name) == ("18", "Công văn")
    pdf, plan = package.attachments
    assert pdf.name == "31-MTTQ-BTT-2026-06-18.pdf" and pdf.data.startswith(b"%PDF")
    assert plan.data == PLAN

    got = exchange.import_package(data, actor=organiser)
    assert got.pk != sent.pk
    assert (got.status, got.source, got.issuer) == (LetterStatus.EXTERNAL, LetterSource.EDXML,
                                                    None)
    assert (got.number, got.symbol, got.date, got.place) == (31, "MTTQ-BTT", ISSUED_ON,
                                                             "Nam Đồng")
    assert got.issuer_name == sent.issuer_name and got.subject == sent.subject
    assert got.kind == LetterKind.OFFICIAL_LETTER and got.style == sent.style
    assert got.due_date == dt.date(2026, 7, 15)
    assert got.signature == sent.signature
    assert got.addressee_texts == sent.addressee_texts
    assert set(got.addressee_units.all()) == set(tree["groups"])
    assert [(p["text"], p["number"], p["bullet"]) for p in got.body] == [
        ("Đẩy mạnh công tác tuyên truyền:", "1", False),
        ("Tăng cường thông tin về Giải thưởng.", None, True),
        ("Phấn đấu có tác phẩm chất lượng tham gia Giải thưởng", "2", False)]
    refs = list(got.references.all())
    assert [(r.relation, r.kind, r.number, r.symbol, r.date, r.issuer_name) for r in refs] == [
        (r.relation, r.kind, r.number, r.symbol, r.date, r.issuer_name)
        for r in sent.references.all()]
    assert refs[0].target == sent.references.get(position=0).target  # found in the system
    assert refs[1].target is None and refs[1].subject.startswith("thông tin, tuyên truyền")

    files = {a.role: a for a in got.attachments.exclude(role=AttachmentRole.ATTACHMENT)}
    assert files[AttachmentRole.SOURCE].sha256 == hashlib.sha256(data).hexdigest()
    received = {a.name: a for a in got.attachments.filter(role=AttachmentRole.ATTACHMENT)}
    assert set(received) == {"31-MTTQ-BTT-2026-06-18.pdf", "Kế hoạch tuyên truyền.docx"}
    docx = received["Kế hoạch tuyên truyền.docx"]
    assert docx.sha256 == hashlib.sha256(PLAN).hexdigest() and docx.size == len(PLAN)
    with docx.file.open("rb") as handle:
        assert handle.read() == PLAN
    assert docx.file.name.isascii()
    assert AuditEvent.objects.filter(action="letter.received_edxml", target_id=str(got.pk)).exists()


def test_importing_the_same_package_twice_gives_the_same_letter(tree, organiser):
    sent = ward_letter(tree, officer("namdong", tree["ward"]))
    data = exchange.export_letter_package(sent)
    first = exchange.import_package(data, actor=organiser)
    again = exchange.import_package(data, actor=organiser)
    assert again.pk == first.pk
    # The same document in a new envelope (sent again a day later: another trace stamp).
    later = dt.datetime(2026, 6, 19, 8, 0, tzinfo=edxml.VN_TZ)
    resent = edxml.build_package(exchange.letter_package(sent, now=later))
    assert resent != data
    assert exchange.import_package(resent, actor=organiser).pk == first.pk
    assert Letter.objects.filter(source=LetterSource.EDXML).count() == 1
    assert LetterAttachment.objects.filter(letter=first).count() == 3
    assert AuditEvent.objects.filter(action="letter.received_edxml").count() == 1


def test_a_unit_receives_a_package_into_its_inbox(tree):
    ward_officer = officer("namdong", tree["ward"])
    group = tree["groups"][0]
    group_officer = officer("to1", group)
    data = exchange.export_letter_package(ward_letter(tree, ward_officer))
    with pytest.raises(exchange.ReceiverMissing):
        exchange.import_package(data, actor=group_officer)  # no unit: organisers only
    with pytest.raises(PermissionError):
        exchange.import_package(data, actor=group_officer, receiving_unit=tree["city"])
    got = exchange.import_package(data, actor=group_officer, receiving_unit=group)
    delivery = Delivery.objects.get(letter=got, unit=group)
    assert delivery.state == DeliveryState.RECEIVED and delivery.due_date == dt.date(2026, 7, 15)
    # Acknowledging it and drafting the group's own letter work as for any received letter.
    letters.acknowledge(delivery, actor=group_officer)
    assert exchange.import_package(data, actor=group_officer, receiving_unit=group).pk == got.pk
    assert Delivery.objects.filter(letter=got).count() == 1


def test_malformed_or_unsupported_packages_change_nothing(tree, organiser):
    with pytest.raises(edxml.EdxmlError):
        exchange.import_package(b"<html/>", actor=organiser)
    sent = ward_letter(tree, officer("namdong", tree["ward"]))
    package = exchange.letter_package(sent)
    revoke = edxml.build_package(edxml.Package(**{**package.__dict__,
                                                  "business": edxml.BusinessType.REVOKE}))
    with pytest.raises(exchange.ExchangeError):
        exchange.import_package(revoke, actor=organiser)
    assert not Letter.objects.filter(source=LetterSource.EDXML).exists()
    assert not LetterAttachment.objects.filter(letter__source=LetterSource.EDXML).exists()


def test_drafts_are_not_exported(tree):
    ward_officer = officer("namdong", tree["ward"])
    draft = letters.create_draft(actor=ward_officer, issuer=tree["ward"], symbol="MTTQ-BTT",
                                 subject="thử", addressee_units=tree["groups"])
    with pytest.raises(exchange.ExchangeError):
        exchange.export_letter_package(draft)


def test_a_status_goes_back_and_moves_the_delivery(tree):
    ward_officer = officer("namdong", tree["ward"])
    group = tree["groups"][0]
    group_officer = officer("to1", group)
    sent = ward_letter(tree, ward_officer)
    delivery = Delivery.objects.get(letter=sent, unit=group)

    message = edxml.parse_status(exchange.status_package(delivery))
    assert message.code == "01" and message.sender.organ_id == exchange.organ_id(group)
    assert message.response_for.code == "31/MTTQ-BTT"
    assert message.response_for.organ_id == exchange.organ_id(tree["ward"])

    letters.acknowledge(delivery, actor=group_officer)
    delivery.refresh_from_db()
    data = exchange.status_package(delivery)
    assert edxml.parse_status(data).code == "03"
    # The unit's status, received back (e.g. from its own document system).
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.RECEIVED,
                                                   acknowledged_at=None)
    moved = exchange.apply_status(data, actor=group_officer)
    assert moved.state == DeliveryState.ACKNOWLEDGED and moved.acknowledged_at
    assert exchange.apply_status(data, actor=group_officer).state == DeliveryState.ACKNOWLEDGED

    for code, state in (("05", DeliveryState.IN_PROGRESS), ("04", DeliveryState.IN_PROGRESS),
                        ("06", DeliveryState.DONE)):
        status = edxml.build_status(edxml.StatusMessage(
            message.response_for, exchange.organ(group), code,
            dt.datetime(2026, 6, 20, 8, tzinfo=edxml.VN_TZ)))
        assert exchange.apply_status(status, actor=group_officer).state == state
    done = Delivery.objects.get(pk=delivery.pk)
    assert done.started_at and done.done_at
    assert edxml.parse_status(exchange.status_package(done)).code == "06"
    assert AuditEvent.objects.filter(action="delivery.status_received").count() == 5


def test_a_refusal_status_refuses_with_its_reason(tree):
    group = tree["groups"][1]
    group_officer = officer("to2", group)
    sent = ward_letter(tree, officer("namdong", tree["ward"]))
    delivery = Delivery.objects.get(letter=sent, unit=group)
    refusal = edxml.build_status(edxml.StatusMessage(
        exchange.status_message(delivery).response_for, exchange.organ(group), "02",
        dt.datetime(2026, 6, 19, 9, tzinfo=edxml.VN_TZ), description="Gửi nhầm đơn vị"))
    refused = exchange.apply_status(refusal, actor=group_officer)
    assert refused.state == DeliveryState.REFUSED and refused.refusal_reason == "Gửi nhầm đơn vị"
    message = edxml.parse_status(exchange.status_package(refused))
    assert (message.code, message.description) == ("02", "Gửi nhầm đơn vị")
    done = edxml.build_status(edxml.StatusMessage(message.response_for, exchange.organ(group),
                                                  "06", message.timestamp))
    with pytest.raises(letters.LetterConflict):
        exchange.apply_status(done, actor=group_officer)


def test_a_status_from_elsewhere_or_by_someone_else_is_refused(tree):
    group = tree["groups"][0]
    sent = ward_letter(tree, officer("namdong", tree["ward"]))
    delivery = Delivery.objects.get(letter=sent, unit=group)
    data = exchange.status_package(delivery)
    with pytest.raises(PermissionError):
        exchange.apply_status(data, actor=officer("to2", tree["groups"][1]))
    stranger = edxml.build_status(edxml.StatusMessage(
        exchange.status_message(delivery).response_for, edxml.Organ("000.00.00.G22", "VPCP"),
        "03", dt.datetime(2026, 6, 19, 9, tzinfo=edxml.VN_TZ)))
    with pytest.raises(exchange.ExchangeError):
        exchange.apply_status(stranger, actor=officer("to1", group))
    unknown = edxml.build_status(edxml.StatusMessage(
        edxml.DocumentRef(999, "MTTQ-BTT", ISSUED_ON, organ_id=exchange.organ_id(tree["ward"])),
        exchange.organ(group), "03", dt.datetime(2026, 6, 19, 9, tzinfo=edxml.VN_TZ)))
    with pytest.raises(exchange.ExchangeError):
        exchange.apply_status(unknown, actor=officer("to1b", group))
    assert Delivery.objects.get(pk=delivery.pk).state == DeliveryState.RECEIVED


def test_a_status_about_an_imported_letter_names_its_original_sender(tree, organiser):
    sent = ward_letter(tree, officer("namdong", tree["ward"]))
    group = tree["groups"][0]
    group_officer = officer("to1", group)
    data = exchange.export_letter_package(sent)
    external = exchange.import_package(data, actor=group_officer, receiving_unit=group)
    delivery = Delivery.objects.get(letter=external, unit=group)
    message = edxml.parse_status(exchange.status_package(delivery))
    assert message.response_for.document_id == edxml.parse_package(data).document_id
    assert message.response_for.organ_id == exchange.organ_id(tree["ward"])


def test_receive_takes_either_kind_of_file(tree, organiser):
    group = tree["groups"][0]
    group_officer = officer("to1", group)
    sent = ward_letter(tree, officer("namdong", tree["ward"]))
    got = exchange.receive(exchange.export_letter_package(sent), actor=organiser)
    assert got.created and got.letter.source == LetterSource.EDXML and got.delivery is None
    delivery = Delivery.objects.get(letter=sent, unit=group)
    status = edxml.build_status(edxml.StatusMessage(
        exchange.status_message(delivery).response_for, exchange.organ(group), "05",
        dt.datetime(2026, 6, 19, 9, tzinfo=edxml.VN_TZ)))
    applied = exchange.receive(status, actor=group_officer)
    assert applied.status_code == "05" and applied.delivery.state == DeliveryState.IN_PROGRESS
    assert applied.letter == sent
