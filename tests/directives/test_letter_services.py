"""The cascade through its services: issue, deliver, acknowledge, implement, report, roll up."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import translation

from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_user, grant_role
from giaithuong.common.models import AuditEvent
from giaithuong.directives import letters
from giaithuong.directives.letter import Style
from giaithuong.directives.models import (
    CascadeProgress,
    Delivery,
    DeliveryState,
    LetterStatus,
    NumberSeries,
    UnitKind,
)
from giaithuong.directives.selectors import coverage
from giaithuong.directives.services import ensure_unit

TODAY = dt.date(2026, 6, 18)


@pytest.fixture(autouse=True)
def _english():
    """Messages are English msgids; the assertions below read them untranslated."""
    with translation.override("en"):
        yield


@pytest.fixture
def tree(db):
    front = ensure_unit(name="Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam",
                        kind=UnitKind.FRONT, code="MTTW-BTT", seat="Hà Nội")
    city = ensure_unit(name="Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng",
                       kind=UnitKind.FRONT, parent=front, code="MTTQ-BTT", seat="Hải Phòng")
    wards = {name: ensure_unit(name=f"Ban Thường trực Ủy ban MTTQ Việt Nam phường {name}",
                               kind=UnitKind.FRONT, parent=city, code="MTTQ-BTT", seat=name)
             for name in ("Nam Đồng", "Lê Chân", "Hồng Bàng")}
    groups = [ensure_unit(name=f"Ban Công tác Mặt trận Tổ dân phố số {n}",
                          kind=UnitKind.RESIDENTIAL, parent=wards["Nam Đồng"], seat="Nam Đồng")
              for n in range(1, 4)]
    return {"front": front, "city": city, "wards": wards, "groups": groups}


def officer(username, unit):
    user = create_user(username=username, password="x-Very-long-1")
    grant_role(user, Role.UNIT_OFFICER, unit=unit)
    return user


def city_letter(tree, actor, **extra):
    return letters.create_draft(
        actor=actor, issuer=tree["city"], symbol="MTTQ-BTT",
        subject="tuyên truyền, triển khai, hưởng ứng Giải thưởng toàn quốc về thông tin đối "
                "ngoại lần thứ XII",
        addressee_units=list(tree["wards"].values()),
        body=[{"text": "Tuyên truyền sâu rộng về Giải thưởng.", "number": "1"},
              {"text": "Phát hiện, giới thiệu tác giả.", "number": "2"}],
        recipients=["Như trên", "Lưu: VT"], due_date=TODAY + dt.timedelta(days=10), **extra)


def test_the_cascade_from_city_to_ward_to_residential_groups(tree):
    city_officer = officer("haiphong", tree["city"])
    ward_officer = officer("namdong", tree["wards"]["Nam Đồng"])
    draft = city_letter(tree, city_officer)
    issued = letters.issue_letter(draft, actor=city_officer, on=dt.date(2026, 6, 10))
    assert issued.status == LetterStatus.ISSUED and issued.number == 1
    assert issued.series == "2026" and issued.cascade_root == issued
    assert Delivery.objects.filter(letter=issued).count() == 3
    assert {d.received_at for d in Delivery.objects.filter(letter=issued)} == {issued.issued_at}
    assert {p.received_at for p in CascadeProgress.objects.all()} == {issued.issued_at}
    assert {d.due_date for d in Delivery.objects.filter(letter=issued)} == {issued.due_date}

    delivery = Delivery.objects.get(letter=issued, unit=tree["wards"]["Nam Đồng"])
    delivery = letters.acknowledge(delivery, actor=ward_officer)
    assert delivery.state == DeliveryState.ACKNOWLEDGED and delivery.acknowledged_at

    own = letters.draft_implementing_letter(delivery, actor=ward_officer)
    assert own.implements == issued and own.cascade_root == issued
    assert own.issuer == tree["wards"]["Nam Đồng"] and own.place == "Nam Đồng"
    assert set(own.addressee_units.all()) == set(tree["groups"])
    assert [p["number"] for p in own.body if p["number"]] == ["1", "2"]
    assert own.body[0]["text"].startswith("Thực hiện Công văn số 01/MTTQ-BTT ngày 10/6/2026 của "
                                          "Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải "
                                          "Phòng về việc tuyên truyền")
    (ref,) = own.references.all()
    assert ref.target == issued and ref.relation == "implements"
    own = letters.issue_letter(own, actor=ward_officer, on=TODAY)
    assert own.number == 1 and Delivery.objects.filter(letter=own).count() == 3

    letters.report_activity(delivery, actor=ward_officer, kind="conference",
                            date=TODAY, audience=120,
                            channel="Hội trường phường")
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DONE

    cov = coverage(tree["city"], issued)
    by_depth = {level.depth: level for level in cov.levels}
    wards = by_depth[tree["city"].depth + 1]
    assert (wards.units, wards.received, wards.acknowledged, wards.issued, wards.reported) == (
        3, 3, 1, 1, 1)
    assert wards.audience == 120
    groups = by_depth[tree["city"].depth + 2]
    assert (groups.units, groups.received, groups.acknowledged) == (3, 3, 0)
    assert cov.totals.audience == 120

    ward_cov = coverage(tree["wards"]["Nam Đồng"], issued)
    assert [level.units for level in ward_cov.levels] == [1, 3]
    assert AuditEvent.objects.filter(action="letter.issued").count() == 2


def test_overdue_units_are_listed(tree):
    city_officer = officer("haiphong", tree["city"])
    issued = letters.issue_letter(city_letter(tree, city_officer), actor=city_officer)
    CascadeProgress.objects.filter(cascade_root=issued).update(due_date=dt.date(2026, 1, 1))
    overdue = coverage(tree["city"], issued).overdue
    assert len(overdue) == 3 and {row["unit__name"] for row in overdue} == {
        u.name for u in tree["wards"].values()}


def test_numbers_follow_each_other_and_restart_each_year(tree):
    actor = officer("haiphong", tree["city"])
    numbers = [letters.issue_letter(city_letter(tree, actor), actor=actor,
                                    on=dt.date(2026, 12, 30)).number for _ in range(3)]
    assert numbers == [1, 2, 3]
    next_year = letters.issue_letter(city_letter(tree, actor), actor=actor,
                                     on=dt.date(2027, 1, 2))
    assert next_year.number == 1 and next_year.series == "2027"


def test_party_letters_number_per_type_over_the_term(db):
    party = ensure_unit(name="Ban Tuyên giáo và Dân vận Thành ủy Hải Phòng", kind=UnitKind.PARTY,
                        code="BTGDVTU", seat="Hải Phòng")
    below = ensure_unit(name="Đảng ủy phường Nam Đồng", kind=UnitKind.PARTY, parent=party,
                        code="ĐU", seat="Nam Đồng")
    actor = officer("btgdv", party)
    made = []
    for year in (2026, 2027):
        draft = letters.create_draft(actor=actor, issuer=party, symbol="CV/BTGDVTU",
                                     style=Style.PARTY, subject="triển khai Giải thưởng",
                                     addressee_units=[below])
        made.append(letters.issue_letter(draft, actor=actor, on=dt.date(year, 6, 4)))
    assert [m.number for m in made] == [1, 2]  # the same term: no restart in January
    assert made[0].series == "CV:2025-2030"


def test_a_forced_duplicate_number_is_refused_and_nothing_changes(tree):
    actor = officer("haiphong", tree["city"])
    letters.issue_letter(city_letter(tree, actor), actor=actor, on=TODAY, number=31)
    again = city_letter(tree, actor)
    with pytest.raises(letters.LetterError, match="31"):
        letters.issue_letter(again, actor=actor, on=TODAY, number=31)
    again.refresh_from_db()
    assert again.status == LetterStatus.DRAFT and again.number is None
    assert not Delivery.objects.filter(letter=again).exists()
    assert letters.issue_letter(again, actor=actor, on=TODAY).number == 32


def test_a_letter_without_addressees_is_refused(tree):
    actor = officer("haiphong", tree["city"])
    draft = letters.create_draft(actor=actor, issuer=tree["city"], symbol="MTTQ-BTT",
                                 subject="không có nơi nhận")
    with pytest.raises(letters.LetterError, match="no addressees"):
        letters.issue_letter(draft, actor=actor)
    draft.refresh_from_db()
    assert draft.status == LetterStatus.DRAFT


def test_an_officer_of_another_unit_cannot_issue_or_acknowledge(tree):
    city_officer = officer("haiphong", tree["city"])
    stranger = officer("lechan", tree["wards"]["Lê Chân"])
    draft = city_letter(tree, city_officer)
    with pytest.raises(PermissionError):
        letters.issue_letter(draft, actor=stranger)
    issued = letters.issue_letter(draft, actor=city_officer)
    nam_dong = Delivery.objects.get(letter=issued, unit=tree["wards"]["Nam Đồng"])
    with pytest.raises(PermissionError):
        letters.acknowledge(nam_dong, actor=stranger)
    nam_dong.refresh_from_db()
    assert nam_dong.state == DeliveryState.RECEIVED


def test_issuing_twice_and_acknowledging_twice_change_nothing(tree):
    actor = officer("haiphong", tree["city"])
    ward_officer = officer("namdong", tree["wards"]["Nam Đồng"])
    issued = letters.issue_letter(city_letter(tree, actor), actor=actor)
    with pytest.raises(letters.LetterError, match="already been issued"):
        letters.issue_letter(issued, actor=actor)
    delivery = Delivery.objects.get(letter=issued, unit=tree["wards"]["Nam Đồng"])
    first = letters.acknowledge(delivery, actor=ward_officer).acknowledged_at
    assert letters.acknowledge(delivery, actor=ward_officer).acknowledged_at == first


def test_refusal_needs_a_reason_and_closes_the_delivery(tree):
    actor = officer("haiphong", tree["city"])
    ward_officer = officer("namdong", tree["wards"]["Nam Đồng"])
    issued = letters.issue_letter(city_letter(tree, actor), actor=actor)
    delivery = Delivery.objects.get(letter=issued, unit=tree["wards"]["Nam Đồng"])
    with pytest.raises(letters.LetterError):
        letters.refuse(delivery, actor=ward_officer, reason="  ")
    delivery = letters.refuse(delivery, actor=ward_officer, reason="Gửi nhầm đơn vị")
    assert delivery.state == DeliveryState.REFUSED
    with pytest.raises(letters.LetterError, match="closed"):
        letters.assign(delivery, actor=ward_officer, assignee=ward_officer)
    with pytest.raises(letters.LetterError, match="refused"):
        letters.report_activity(delivery, actor=ward_officer, kind="conference", date=TODAY)


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_never_reuses_a_number(tree):
    actor = officer("haiphong", tree["city"])
    drafts = [city_letter(tree, actor) for _ in range(8)]
    errors = []

    def issue(draft):
        try:
            letters.issue_letter(draft, actor=actor, on=TODAY)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    numbers = sorted(d.number for d in type(drafts[0]).objects.filter(status="issued"))
    assert numbers == list(range(1, 9))
    assert NumberSeries.objects.get().last_number == 8
