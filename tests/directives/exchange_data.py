"""A ward, its city above and two residential groups below, and the ward's issued letter 31
with a plan attached: the data the exchange tests share."""

import datetime as dt
import hashlib

import pytest
from django.core.files.base import ContentFile

from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_user, grant_role
from giaithuong.directives import letters
from giaithuong.directives.models import AttachmentRole, LetterAttachment, Relation, UnitKind
from giaithuong.directives.services import ensure_unit

ISSUED_ON = dt.date(2026, 6, 18)
PLAN = "Kế hoạch tuyên truyền Giải thưởng.docx".encode() + b"PK\x03\x04" + bytes(range(256)) * 20


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def tree(db):
    city = ensure_unit(name="Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng",
                       kind=UnitKind.FRONT, code="MTTQ-BTT", seat="Hải Phòng")
    ward = ensure_unit(name="Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam Đồng",
                       kind=UnitKind.FRONT, parent=city, code="MTTQ-BTT", seat="Nam Đồng")
    groups = [ensure_unit(name=f"Ban Công tác Mặt trận Tổ dân phố số {n}",
                          kind=UnitKind.RESIDENTIAL, parent=ward, seat="Nam Đồng")
              for n in (1, 2)]
    return {"city": city, "ward": ward, "groups": groups}


def officer(username, unit):
    user = create_user(username=username, password="x-Very-long-1", email=f"{username}@ex.vn")
    grant_role(user, Role.UNIT_OFFICER, unit=unit)
    return user


@pytest.fixture
def organiser(db):
    user = create_user(username="btc", password="x-Very-long-1")
    grant_role(user, Role.ORGANISER)
    return user


def ward_letter(tree, actor):
    """The ward's letter 31/MTTQ-BTT of seed 004: it implements the city's 783 and is based on
    the central 379/MTTW-BTT; it goes to two residential groups with a plan attached."""
    city_officer = officer("haiphong", tree["city"])
    city_letter = letters.create_draft(
        actor=city_officer, issuer=tree["city"], symbol="MTTQ-BTT",
        subject="tuyên truyền, triển khai, hưởng ứng Giải thưởng toàn quốc về thông tin đối "
                "ngoại lần thứ XII", addressee_units=[tree["ward"]])
    city_letter = letters.issue_letter(city_letter, actor=city_officer, on=dt.date(2026, 6, 10),
                                       number=783)
    draft = letters.create_draft(
        actor=actor, issuer=tree["ward"], symbol="MTTQ-BTT",
        subject="tuyên truyền, triển khai, hưởng ứng Giải thưởng toàn quốc về thông tin đối "
                "ngoại lần thứ XII",
        addressee_units=tree["groups"],
        addressee_texts=["Ban Công tác Mặt trận các Tổ dân phố",
                         "Các tổ chức thành viên của Mặt trận"],
        body=[{"text": "Đẩy mạnh công tác tuyên truyền:", "number": "1"},
              {"text": "Tăng cường thông tin về Giải thưởng.", "bullet": True},
              {"text": "Phấn đấu có tác phẩm chất lượng tham gia Giải thưởng", "number": "2"}],
        recipients=["Như trên", "Lưu: VT"],
        signature={"authority": ["TM. BAN THƯỜNG TRỰC"], "title": "CHỦ TỊCH",
                   "name": "Đoàn Trung Thu"},
        references=[
            {"relation": Relation.IMPLEMENTS, "target": city_letter, "kind": "Công văn",
             "number": 783, "symbol": "MTTQ-BTT", "date": dt.date(2026, 6, 10),
             "issuer_name": city_letter.issuer_name, "subject": city_letter.subject},
            {"relation": Relation.BASED_ON, "kind": "Công văn", "number": 379,
             "symbol": "MTTW-BTT", "date": dt.date(2026, 6, 8),
             "issuer_name": "Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam",
             "subject": "thông tin, tuyên truyền, hưởng ứng, tham gia Giải thưởng"}],
        due_date=dt.date(2026, 7, 15))
    issued = letters.issue_letter(draft, actor=actor, on=ISSUED_ON, number=31)
    attachment = LetterAttachment(letter=issued, role=AttachmentRole.ATTACHMENT,
                                  name="Kế hoạch tuyên truyền.docx",
                                  content_type="application/vnd.openxmlformats-officedocument."
                                               "wordprocessingml.document",
                                  size=len(PLAN), sha256=hashlib.sha256(PLAN).hexdigest(),
                                  description="Phụ lục")
    attachment.file.save("ke-hoach.docx", ContentFile(PLAN), save=True)
    return issued
