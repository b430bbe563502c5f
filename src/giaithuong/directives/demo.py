"""Demo cascade for `make run`: the two seed letters read into the cascade (with the letters they
cite as placeholders), then the Hải Phòng Front's follow-up letter to its wards, Nam Đồng's
implementing letter to its residential groups and member organisations, and wards at every stage,
so the inbox, the coverage pages and the cascade graph show real progress.

Everything goes through the services, exactly as officers would do it on the pages.
"""

from __future__ import annotations

import datetime as dt

from giaithuong.directives.letters import (
    acknowledge,
    create_draft,
    draft_implementing_letter,
    issue_letter,
    report_activity,
    update_draft,
)
from giaithuong.directives.models import (
    ActivityKind,
    Delivery,
    Letter,
    LetterStatus,
    OrganisationUnit,
    UnitKind,
)
from giaithuong.directives.services import ensure_unit, save_unit

SUBJECT = ("đôn đốc triển khai, hưởng ứng Giải thưởng toàn quốc về thông tin đối ngoại lần "
           "thứ XII")

# Wards of Hải Phòng after the 2025 reorganisation, next to Nam Đồng.
OTHER_WARDS = ["Hải Dương", "Lê Thanh Nghị", "Việt Hòa", "Thành Đông", "Tân Hưng"]
MEMBER_ORGANISATIONS = [
    "Hội Cựu chiến binh phường Nam Đồng",
    "Hội Liên hiệp Phụ nữ phường Nam Đồng",
    "Đoàn Thanh niên Cộng sản Hồ Chí Minh phường Nam Đồng",
    "Công đoàn phường Nam Đồng",
]

_CITY_BODY = [
    {"text": "Thực hiện Công văn số 783 ngày 10/6/2026 của Ban Thường trực Ủy ban MTTQ Việt Nam "
             "thành phố Hải Phòng về việc tuyên truyền, triển khai, hưởng ứng Giải thưởng toàn "
             "quốc về thông tin đối ngoại lần thứ XII; căn cứ Công văn số 379/MTTW-BTT ngày "
             "08/6/2026 của Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam, Ban Thường trực Ủy "
             "ban MTTQ Việt Nam thành phố đề nghị Ban Thường trực Ủy ban MTTQ Việt Nam các "
             "phường tiếp tục triển khai một số nội dung sau:"},
    {"number": "1", "text": "Tuyên truyền sâu rộng về mục đích, ý nghĩa, nội dung và thể lệ "
                            "Giải thưởng tới đoàn viên, hội viên và các tầng lớp Nhân dân trên "
                            "địa bàn."},
    {"number": "2", "text": "Chỉ đạo Ban Công tác Mặt trận các tổ dân phố phát hiện, giới thiệu "
                            "các cá nhân, tập thể có khả năng xây dựng tác phẩm dự thi."},
    {"number": "3", "text": "Báo cáo kết quả triển khai về Ban Thường trực Ủy ban MTTQ Việt Nam "
                            "thành phố trước ngày 15/7/2026."},
]


def ensure_demo_units(namdong: OrganisationUnit, haiphong: OrganisationUnit) -> dict:
    """The city's wards beside Nam Đồng, and Nam Đồng's member organisations; the header lines
    each unit prints on its letters."""
    _header(haiphong, "BAN THƯỜNG TRỰC", "ỦY BAN MTTQ VIỆT NAM THÀNH PHỐ HẢI PHÒNG")
    _header(namdong, "BAN THƯỜNG TRỰC", "ỦY BAN MTTQ VIỆT NAM PHƯỜNG NAM ĐỒNG")
    wards = [namdong]
    for name in OTHER_WARDS:
        ward = ensure_unit(name=f"Ban Thường trực Ủy ban MTTQ Việt Nam phường {name}",
                           kind=UnitKind.FRONT, parent=haiphong, code="MTTQ-BTT", seat=name)
        _header(ward, "BAN THƯỜNG TRỰC", f"ỦY BAN MTTQ VIỆT NAM PHƯỜNG {name.upper()}")
        for number in range(1, 4):
            ensure_unit(name=f"Ban Công tác Mặt trận Tổ dân phố số {number} phường {name}",
                        kind=UnitKind.RESIDENTIAL, parent=ward, seat=name)
        wards.append(ward)
    members = [ensure_unit(name=name, kind=UnitKind.MASS_ORGANISATION, parent=namdong,
                           seat="Nam Đồng") for name in MEMBER_ORGANISATIONS]
    return {"wards": wards, "members": members}


def _header(unit: OrganisationUnit, name: str, parent: str) -> None:
    if (unit.header_name, unit.header_parent) != (name, parent):
        unit.header_name, unit.header_parent = name, parent
        save_unit(unit)


def import_seed_chain(*, namdong: OrganisationUnit, actor, edition) -> list[Letter]:
    """The two seed letters as read in from outside; the letters they cite become placeholders
    (1390-CV/BTGDVTW, 379/MTTW-BTT, 897-CV/BTGDVTU, 783). Importing again changes nothing."""
    from giaithuong.directives.importing import import_letter_doc
    from giaithuong.directives.samples import SEED_000, SEED_004

    return [import_letter_doc(SEED_000, actor=actor, edition=edition),
            import_letter_doc(SEED_004, actor=actor, issuer_unit=namdong, edition=edition)]


def _cited(number: int, on: dt.date) -> Letter | None:
    return Letter.objects.filter(number=number, date=on).exclude(
        status=LetterStatus.DRAFT).first()


def build_demo_cascade(*, haiphong: OrganisationUnit, namdong: OrganisationUnit, city_officer,
                       ward_officer, organiser, edition) -> Letter | None:
    """Read the seeds in, issue the city's follow-up letter and move the wards along; returns
    None when it is there already."""
    units = ensure_demo_units(namdong, haiphong)
    import_seed_chain(namdong=namdong, actor=organiser, edition=edition)
    if Letter.objects.filter(issuer=haiphong, subject=SUBJECT,
                             status=LetterStatus.ISSUED).exists():
        return None
    wards = units["wards"]
    city = create_draft(
        actor=city_officer, issuer=haiphong, subject=SUBJECT, symbol="MTTQ-BTT",
        addressee_units=wards,
        addressee_texts=["Ban Thường trực Ủy ban MTTQ Việt Nam các phường"],
        body=_CITY_BODY, edition=edition, due_date=dt.date(2026, 7, 31),
        attach_trailer_qr=True,
        recipients=["Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam", "Thường trực Thành ủy",
                    "Các phường", "Lưu: VT"],
        signature={"authority": ["TM. BAN THƯỜNG TRỰC"], "title": "PHÓ CHỦ TỊCH",
                   "name": "Nguyễn Thị Hương"},
        references=[
            {"relation": "implements", "kind": "Công văn", "number": 783, "symbol": "MTTQ-BTT",
             "date": dt.date(2026, 6, 10), "target": _cited(783, dt.date(2026, 6, 10)),
             "issuer_name": "Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng",
             "subject": SUBJECT.removeprefix("đôn đốc ")},
            {"relation": "based_on", "kind": "Công văn", "number": 379, "symbol": "MTTW-BTT",
             "date": dt.date(2026, 6, 8), "target": _cited(379, dt.date(2026, 6, 8)),
             "issuer_name": "Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam",
             "subject": "thông tin, tuyên truyền, hưởng ứng, tham gia Giải thưởng toàn "
                        "quốc về thông tin đối ngoại lần thứ XII"}])
    city = issue_letter(city, actor=city_officer, on=dt.date(2026, 7, 1), number=812)

    deliveries = {d.unit_id: d for d in Delivery.objects.filter(letter=city)}
    # Nam Đồng: acknowledged, implemented (its own letter to groups and members), reported.
    namdong_delivery = acknowledge(deliveries[namdong.pk], actor=ward_officer)
    ward_letter = draft_implementing_letter(namdong_delivery, actor=ward_officer)
    update_draft(ward_letter, actor=ward_officer, signature={
        "authority": ["TM. BAN THƯỜNG TRỰC"], "title": "CHỦ TỊCH", "name": "Phạm Văn Thành"})
    ward_letter = issue_letter(ward_letter, actor=ward_officer, on=dt.date(2026, 7, 3))
    report_activity(namdong_delivery, actor=ward_officer, kind=ActivityKind.CONFERENCE,
                    date=dt.date(2026, 7, 8), audience=120, channel="Hội trường phường",
                    description="Hội nghị quán triệt Giải thưởng tới cán bộ Mặt trận, các tổ "
                                "chức thành viên và trưởng các tổ dân phố.",
                    candidates_introduced=4)
    for delivery in Delivery.objects.filter(letter=ward_letter).order_by("unit__path")[:3]:
        acknowledge(delivery, actor=organiser)
    first_group = Delivery.objects.filter(letter=ward_letter,
                                          unit__kind=UnitKind.RESIDENTIAL).order_by("id").first()
    if first_group is not None:
        report_activity(first_group, actor=organiser, kind=ActivityKind.LOUDSPEAKER,
                        date=dt.date(2026, 7, 10), audience=450,
                        channel="Loa truyền thanh tổ dân phố")
    # Other wards at other stages: one reported, one acknowledged, the rest only received.
    report_ward, acknowledged_ward = wards[1], wards[2]
    acknowledge(deliveries[report_ward.pk], actor=organiser)
    report_activity(deliveries[report_ward.pk], actor=organiser, kind=ActivityKind.SOCIAL_MEDIA,
                    date=dt.date(2026, 7, 12), audience=1800, channel="Trang Facebook của phường",
                    links=["https://www.facebook.com/"])
    acknowledge(deliveries[acknowledged_ward.pk], actor=organiser)
    return city
