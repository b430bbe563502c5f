"""Who sees which letters: a unit officer sees their subtree's letters and the top letter of every
cascade their units take part in; nothing of a cascade that never reached them."""

import pytest

from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_user, grant_role
from giaithuong.directives import letters
from giaithuong.directives.models import UnitKind
from giaithuong.directives.selectors import visible_letters
from giaithuong.directives.services import ensure_unit


def _officer(username, unit):
    user = create_user(username=username, password="x-Very-long-1")
    grant_role(user, Role.UNIT_OFFICER, unit=unit)
    return user


def _issue(actor, issuer, addressees):
    draft = letters.create_draft(actor=actor, issuer=issuer, symbol="MTTQ-BTT",
                                 subject="hưởng ứng Giải thưởng", addressee_units=addressees)
    return letters.issue_letter(draft, actor=actor)


@pytest.mark.django_db
def test_a_ward_follows_the_national_cascade_it_implements():
    nation = ensure_unit(name="Trung ương", kind=UnitKind.FRONT, seat="Hà Nội")
    city, other_city = (ensure_unit(name=name, kind=UnitKind.FRONT, parent=nation, seat=name)
                        for name in ("Hải Phòng", "Đà Nẵng"))
    ward = ensure_unit(name="Nam Đồng", kind=UnitKind.FRONT, parent=city, seat="Nam Đồng")
    national_officer, city_officer = _officer("tw", nation), _officer("hp", city)
    ward_officer, other_officer = _officer("nd", ward), _officer("dn", other_city)

    root = _issue(national_officer, nation, [city])
    delivery = root.deliveries.get(unit=city)
    city_letter = letters.issue_letter(
        letters.update_draft(letters.draft_implementing_letter(delivery, actor=city_officer),
                             actor=city_officer, addressee_texts=["Các phường"]),
        actor=city_officer)
    side_letter = _issue(national_officer, nation, [other_city])  # never reaches Hải Phòng

    seen_by_ward = set(visible_letters(ward_officer))
    assert {root, city_letter} <= seen_by_ward
    assert side_letter not in seen_by_ward
    assert root not in set(visible_letters(other_officer))
    assert side_letter in set(visible_letters(other_officer))


@pytest.mark.django_db
def test_a_moved_unit_takes_its_progress_along():
    from giaithuong.directives.selectors import coverage
    from giaithuong.directives.services import save_unit

    nation = ensure_unit(name="Trung ương", kind=UnitKind.FRONT, seat="Hà Nội")
    old_city, new_city = (ensure_unit(name=name, kind=UnitKind.FRONT, parent=nation, seat=name)
                          for name in ("Hải Dương", "Hải Phòng"))
    ward = ensure_unit(name="Nam Đồng", kind=UnitKind.FRONT, parent=old_city, seat="Nam Đồng")
    national_officer = _officer("tw", nation)
    root = _issue(national_officer, nation, [ward])
    letters.acknowledge(root.deliveries.get(unit=ward), actor=_officer("nd", ward))

    ward.parent = new_city
    save_unit(ward)  # the 2025 reorganisation moved wards between provinces

    def acknowledged(city):
        return coverage(city, root).totals.acknowledged

    assert (acknowledged(old_city), acknowledged(new_city)) == (0, 1)
