"""The exchange pages: the edXML download of a letter, the receive page, a delivery's status
file and the issuer's remind button, each for who may use it."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import grant_role
from giaithuong.directives import edxml, exchange, letters
from giaithuong.directives.models import Delivery, DeliveryState, Letter, LetterSource, UnitKind
from giaithuong.directives.services import ensure_unit
from tests.directives.exchange_data import (
    _media,
    officer,
    organiser,
    tree,
    ward_letter,
)

__all__ = ["_media", "organiser", "tree"]  # fixtures, imported for pytest


@pytest.fixture
def world(tree):
    ward_officer = officer("namdong", tree["ward"])
    return {**tree, "ward_officer": ward_officer, "letter": ward_letter(tree, ward_officer),
            "group_officer": officer("to1", tree["groups"][0])}


def path(name: str, **kwargs) -> str:
    """The Vietnamese (unprefixed) address; "/en" + it is the English one."""
    with translation.override("vi"):
        return reverse(f"directives:{name}", kwargs=kwargs)


def upload(data: bytes, name: str = "31-MTTQ-BTT.edxml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/xml")


def test_the_edxml_download_is_for_those_who_see_the_letter(client, world):
    url = path("letter_edxml", letter_id=world["letter"].pk)
    for person in (world["ward_officer"], world["group_officer"]):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/xml"
        assert response["Content-Disposition"] == ('attachment; filename='
                                                   '"31-MTTQ-BTT-2026-06-18.edxml"')
        assert edxml.parse_package(response.content).code == "31/MTTQ-BTT"
    client.force_login(officer("lechan", exchange_unit(world)))
    assert client.get(url).status_code == 404


def exchange_unit(world):
    """A sibling ward that neither issued nor received the letter."""
    return ensure_unit(name="Ban Thường trực Ủy ban MTTQ Việt Nam phường Lê Chân",
                       kind=UnitKind.FRONT, parent=world["city"], seat="Lê Chân")


def test_a_draft_cannot_be_downloaded_as_edxml(client, world):
    draft = letters.create_draft(actor=world["ward_officer"], issuer=world["ward"],
                                 symbol="MTTQ-BTT", subject="dự thảo",
                                 addressee_units=world["groups"])
    client.force_login(world["ward_officer"])
    response = client.get("/en" + path("letter_edxml", letter_id=draft.pk))
    assert response.status_code == 409
    assert b"Only a letter issued by a unit in the system" in response.content


def test_a_unit_receives_a_package_through_the_page(client, world):
    data = exchange.export_letter_package(world["letter"])
    group = world["groups"][0]
    client.force_login(world["group_officer"])
    url = path("letter_receive")
    page = client.get(url)
    assert page.status_code == 200 and b'enctype="multipart/form-data"' in page.content
    assert f'<option value="{group.pk}" selected>'.encode() in page.content

    response = client.post(url, {"file": upload(data), "unit": group.pk})
    letter = Letter.objects.get(source=LetterSource.EDXML)
    assert response.status_code == 302
    assert response["Location"] == path("letter_detail", letter_id=letter.pk)
    assert Delivery.objects.filter(letter=letter, unit=group).exists()
    again = client.post("/en" + url, {"file": upload(data), "unit": group.pk}, follow=True)
    assert "already been received" in again.content.decode()
    assert Letter.objects.filter(source=LetterSource.EDXML).count() == 1


def test_a_bad_file_is_explained_at_the_field_and_nothing_is_kept(client, world):
    client.force_login(world["group_officer"])
    url = path("letter_receive")
    response = client.post(url, {"file": upload(b"<html>not a package</html>"),
                                 "unit": world["groups"][0].pk})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_file_error"' in page  # the message, pointed at by the input
    assert 'aria-invalid="true" aria-describedby="id_file_helptext id_file_error"' in page
    assert "Phần tử gốc phải là edXML, không phải “html”." in page
    english = client.post("/en" + url, {"file": upload(b"<html/>"),
                                        "unit": world["groups"][0].pk})
    assert "The root element must be edXML, not “html”." in english.content.decode()
    assert not Letter.objects.filter(source=LetterSource.EDXML).exists()


def test_a_package_needs_a_unit_that_is_yours(client, world):
    data = exchange.export_letter_package(world["letter"])
    two_units = officer("hai-to", world["groups"][0])
    grant_role(two_units, Role.UNIT_OFFICER, unit=world["groups"][1])
    client.force_login(two_units)
    response = client.post("/en" + path("letter_receive"), {"file": upload(data)})
    assert response.status_code == 400
    assert "Choose the unit that received the package" in response.content.decode()
    assert 'id="id_unit_error"' in response.content.decode()
    # A unit that is not theirs is not even offered.
    response = client.post(path("letter_receive"),
                           {"file": upload(data), "unit": world["ward"].pk})
    assert response.status_code == 400 and 'id="id_unit_error"' in response.content.decode()
    assert not Letter.objects.filter(source=LetterSource.EDXML).exists()


def test_an_organiser_registers_a_package_without_a_unit(client, world, organiser):
    client.force_login(organiser)
    response = client.post(path("letter_receive"),
                           {"file": upload(exchange.export_letter_package(world["letter"]))})
    assert response.status_code == 302
    assert Letter.objects.filter(source=LetterSource.EDXML).count() == 1


def test_a_status_file_goes_back_through_the_receive_page(client, world):
    group = world["groups"][0]
    delivery = Delivery.objects.get(letter=world["letter"], unit=group)
    client.force_login(world["group_officer"])
    status_url = path("delivery_status_edxml", delivery_id=delivery.pk)
    letters.acknowledge(delivery, actor=world["group_officer"])
    data = client.get(status_url).content
    assert edxml.parse_status(data).code == "03"
    client.force_login(world["ward_officer"])  # the issuer may keep it too
    assert client.get(status_url).status_code == 200
    client.force_login(officer("to2", world["groups"][1]))
    assert client.get(status_url).status_code == 404

    advanced = edxml.build_status(edxml.StatusMessage(
        edxml.parse_status(data).response_for, exchange.organ(group), "05",
        dt.datetime(2026, 6, 20, 8, tzinfo=edxml.VN_TZ)))
    client.force_login(world["group_officer"])
    response = client.post("/en" + path("letter_receive"),
                           {"file": upload(advanced, "status.edxml")}, follow=True)
    assert "Status 05 (Đang xử lý) recorded for" in response.content.decode()
    assert Delivery.objects.get(pk=delivery.pk).state == DeliveryState.IN_PROGRESS


def test_the_remind_button(client, world, mailbox):
    delivery = Delivery.objects.get(letter=world["letter"], unit=world["groups"][0])
    url = path("delivery_remind", delivery_id=delivery.pk)
    client.force_login(world["group_officer"])
    assert client.post(url).status_code == 403  # the addressee cannot remind itself
    client.force_login(world["ward_officer"])
    assert client.get(url).status_code == 405
    back = path("letter_detail", letter_id=world["letter"].pk)
    response = client.post("/en" + url, {"next": back + "#deliveries"})
    assert response.status_code == 302 and response["Location"] == back + "#deliveries"
    assert len(mailbox.messages) == 1 and mailbox.messages[0]["To"] == "to1@ex.vn"
    response = client.post("/en" + url, {"next": "https://elsewhere.example/"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[0][0] == "/en" + back  # never sent off the site
    assert "was reminded of this letter on" in page and len(mailbox.messages) == 1
