"""Shared material for the import tests: a small two-line tree (Front and Party) from the centre
to Nam Đồng ward, the letters above the seeds as their issuers would have written them, and the
seed files themselves when ../shared is present."""

from __future__ import annotations

import pytest

from giaithuong.accounts.roles import Role
from tests.conftest import SEEDS

needs_seeds = pytest.mark.skipif(
    not SEEDS.is_dir(), reason=f"the seed letters are not here ({SEEDS}); CI provides them")


def seed_path(prefix: str):
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


def seed_bytes(prefix: str) -> bytes:
    return seed_path(prefix).read_bytes()


def build_tree() -> dict:
    from giaithuong.directives.models import UnitKind
    from giaithuong.directives.services import ensure_unit

    front = ensure_unit(name="Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam",
                        kind=UnitKind.FRONT, code="MTTW-BTT", seat="Hà Nội")
    city = ensure_unit(name="Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng",
                       kind=UnitKind.FRONT, parent=front, code="MTTQ-BTT", seat="Hải Phòng")
    ward = ensure_unit(name="Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam Đồng",
                       kind=UnitKind.FRONT, parent=city, code="MTTQ-BTT", seat="Nam Đồng")
    other_ward = ensure_unit(name="Ban Thường trực Ủy ban MTTQ Việt Nam phường Lê Chân",
                             kind=UnitKind.FRONT, parent=city, code="MTTQ-BTT", seat="Lê Chân")
    party = ensure_unit(name="Ban Tuyên giáo và Dân vận Trung ương", kind=UnitKind.PARTY,
                        code="BTGDVTW", seat="Hà Nội")
    city_party = ensure_unit(name="Ban Tuyên giáo và Dân vận Thành ủy Hải Phòng",
                             kind=UnitKind.PARTY, parent=party, code="BTGDVTU",
                             seat="Hải Phòng")
    return {"front": front, "city": city, "ward": ward, "other_ward": other_ward,
            "party": party, "city_party": city_party}


def make_user(username: str, role: str = Role.UNIT_OFFICER, **scope):
    from giaithuong.accounts.services import create_user, grant_role

    user = create_user(username=username, password="Mật-khẩu-thử-2026")
    grant_role(user, role, **scope)
    return user


# The city Front letter the ward letter implements ("Công văn số 783 ngày 10/6/2026"), as the
# city would have written it: it implements the central Front letter 379/MTTW-BTT.
LETTER_783 = """ỦY BAN MTTQ VIỆT NAM
THÀNH PHỐ HẢI PHÒNG
BAN THƯỜNG TRỰC

Số: 783/MTTQ-BTT
V/v tuyên truyền, triển khai, hưởng ứng Giải thưởng toàn quốc về thông tin đối ngoại lần thứ XII

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Hải Phòng, ngày 10 tháng 6 năm 2026

Kính gửi: Ban Thường trực Ủy ban MTTQ Việt Nam các xã, phường, đặc khu.

Thực hiện Công văn số 379/MTTW-BTT ngày 08/6/2026 của Ban Thường trực Ủy ban Trung ương MTTQ \
Việt Nam về việc thông tin, tuyên truyền, hưởng ứng, tham gia Giải thưởng toàn quốc về thông tin \
đối ngoại lần thứ XII;

Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng đề nghị Ban Thường trực Ủy ban MTTQ \
Việt Nam các xã, phường, đặc khu thực hiện một số nội dung sau:

1. Tuyên truyền sâu rộng về Giải thưởng trong đoàn viên, hội viên và Nhân dân.

2. Phát hiện, giới thiệu tập thể, cá nhân tham gia Giải thưởng.

Nơi nhận:
- Như trên;
- Lưu: VT.

TM. BAN THƯỜNG TRỰC
PHÓ CHỦ TỊCH

Nguyễn Văn Tùng
"""

# The city Party letter the ward letter is based on; it implements the central letter 1390.
LETTER_897 = """THÀNH ỦY HẢI PHÒNG
BAN TUYÊN GIÁO VÀ DÂN VẬN
*
Số 897-CV/BTGDVTU
V/v triển khai, hưởng ứng Giải thưởng toàn quốc về thông tin đối ngoại lần thứ XII

ĐẢNG CỘNG SẢN VIỆT NAM
Hải Phòng, ngày 04 tháng 6 năm 2026

Kính gửi: Các đảng ủy trực thuộc Thành ủy.

Thực hiện Công văn số 1390-CV/BTGDVTW ngày 02/6/2026 của Ban Tuyên giáo và Dân vận Trung ương \
về việc đề nghị thông tin, tuyên truyền hưởng ứng, tham gia giải thưởng toàn quốc về thông tin \
đối ngoại lần thứ XII;

Ban Tuyên giáo và Dân vận Thành ủy đề nghị các đảng ủy trực thuộc thực hiện các nội dung sau:

1. Tuyên truyền về Giải thưởng trong cán bộ, đảng viên.

2. Giới thiệu tác phẩm tham gia Giải thưởng.

Nơi nhận:
- Như trên,
- Lưu Ban Tuyên giáo và Dân vận Thành ủy.

K/T TRƯỞNG BAN
PHÓ TRƯỞNG BAN

Trần Thị Hoa
"""
