"""`make run` loads the demo: accounts, the organisation tree and a cascade with real progress."""

import io

import pytest
from django.core.management import call_command

from giaithuong.directives.models import (
    ActivityReport,
    Delivery,
    DeliveryState,
    Letter,
    LetterStatus,
    OrganisationUnit,
)
from giaithuong.directives.selectors import coverage


def _load() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_cascade_shows_every_stage(edition):
    _load()
    city = Letter.objects.get(number=812, symbol="MTTQ-BTT", status=LetterStatus.ISSUED)
    ward_letter = Letter.objects.get(implements=city)
    # Nam Đồng's register continues after its letter 31 read in from the seeds.
    assert (ward_letter.number, ward_letter.issuer.name) == (
        32, "Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam Đồng")
    assert ward_letter.cascade_root == city
    addressed = set(ward_letter.addressee_units.values_list("kind", flat=True))
    assert addressed == {"residential", "mass"}  # its groups and member organisations

    states = dict(Delivery.objects.filter(letter=city).values_list("unit__seat", "state"))
    assert states["Nam Đồng"] == DeliveryState.DONE
    assert sorted(states.values()).count(DeliveryState.RECEIVED) == 3
    assert ActivityReport.objects.get(delivery__unit__seat="Nam Đồng",
                                      delivery__letter=city).audience == 120

    haiphong = city.issuer
    wards = coverage(haiphong, city).levels[1]
    assert (wards.units, wards.received, wards.acknowledged, wards.issued, wards.reported) == (
        6, 6, 3, 1, 2)
    assert wards.audience == 120 + 1800


@pytest.mark.django_db
def test_demo_reads_the_seed_chain_in(edition):
    _load()
    seed_004 = Letter.objects.get(number=31, symbol="MTTQ-BTT", status=LetterStatus.EXTERNAL)
    cited = {(ref.number, ref.target.status if ref.target else None)
             for ref in seed_004.references.all()}
    assert {number for number, _ in cited} == {783, 379, 897}
    assert all(status == LetterStatus.EXTERNAL for _, status in cited)
    seed_000 = Letter.objects.get(symbol="CV/BTGDV", status=LetterStatus.EXTERNAL)
    assert seed_000.implements.number == 1390
    city = Letter.objects.get(number=812, symbol="MTTQ-BTT")
    assert {ref.target for ref in city.references.all()} == {
        Letter.objects.get(number=783, status=LetterStatus.EXTERNAL),
        Letter.objects.get(number=379, symbol="MTTW-BTT")}


@pytest.mark.django_db
def test_demo_loads_again_without_changes(edition):
    first = _load()
    counts = (OrganisationUnit.objects.count(), Letter.objects.count(), Delivery.objects.count())
    second = _load()
    assert (OrganisationUnit.objects.count(), Letter.objects.count(),
            Delivery.objects.count()) == counts
    assert "Demo cascade" in first and "Demo cascade" not in second
    assert "password unchanged" in second


@pytest.mark.django_db
def test_demo_entries_fill_the_participant_page_and_the_intake_queue(edition):
    from giaithuong.accounts.models import User
    from giaithuong.entries import selectors
    from giaithuong.entries.models import Entry

    _load()
    participant = User.objects.get(username="participant")
    mine = {entry.title: entry.status for entry in selectors.entries_of(participant)}
    assert sorted(mine.values()) == ["draft", "draft", "returned", "submitted", "valid"]
    queue = selectors.intake_queue(User.objects.get(username="intake"))
    assert queue.filter(status="submitted").count() == 3
    receipts = sorted(Entry.objects.exclude(receipt_number="").values_list("receipt_number",
                                                                          flat=True))
    assert receipts == [f"XII-bao-tap-chi-tieng-viet-{n:04d}" for n in range(1, 7)]
