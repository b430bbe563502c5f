"""Demo entries for `make run`: the demo participant's drafts and submitted works in several
categories, and other participants' entries, so the intake queue has work in it.

Everything goes through the services, on dates inside the entry period (edition XII closed on
31/07/2026), exactly as participants and intake officers would do it on the pages.
"""

from __future__ import annotations

import datetime as dt

from django.test.utils import override_settings

from giaithuong.accounts.models import User
from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_user, grant_role
from giaithuong.entries import services
from giaithuong.entries.models import Entry

VN = dt.timezone(dt.timedelta(hours=7))
PRESS = "bao-tap-chi-tieng-viet"


def _at(day: int, month: int = 7, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=VN)


def _work(title: str, outlet: str, published: dt.date, summary: str, url: str) -> dict:
    return {"title": title, "genre": "Phóng sự", "language": "vi", "outlet": outlet,
            "published_first": published, "summary_vi": summary, "publication_urls": [url],
            "copyright_accepted": True, "prior_awards_none": True}


_SUBMITTED = [
    ("participant", _work(
        "Hải Phòng – cửa ngõ giao thương với bạn bè năm châu", "Báo Hải Phòng điện tử",
        dt.date(2026, 3, 12),
        "Loạt phóng sự về cảng biển Hải Phòng và những người bạn quốc tế gắn bó với thành phố "
        "cảng; được bạn đọc trong và ngoài nước chia sẻ rộng rãi.",
        "https://baohaiphong.vn/cua-ngo-giao-thuong"), "valid"),
    ("participant", _work(
        "Tiếng trống hội làng vang tới bạn bè quốc tế", "Báo Nhân Dân điện tử",
        dt.date(2026, 4, 2),
        "Phóng sự về lễ hội truyền thống ở Nam Đồng được giới thiệu tới khách quốc tế và cộng "
        "đồng người Việt ở nước ngoài.", "https://nhandan.vn/trong-hoi-lang"), "returned"),
    ("participant", _work(
        "Người Việt ở Praha giữ tiếng mẹ đẻ", "Tạp chí Quê Hương", dt.date(2026, 5, 20),
        "Chân dung những lớp học tiếng Việt cuối tuần của cộng đồng người Việt tại Cộng hòa "
        "Séc.", "https://quehuongonline.vn/praha"), "submitted"),
    ("Trần Thị Bình", _work(
        "Vịnh Lan Hạ – viên ngọc xanh của Cát Bà", "Báo Tin tức", dt.date(2026, 2, 8),
        "Loạt bài giới thiệu di sản thiên nhiên thế giới vịnh Hạ Long – quần đảo Cát Bà tới "
        "du khách quốc tế.", "https://baotintuc.vn/lan-ha"), "submitted"),
    ("Trần Thị Bình", _work(
        "Ẩm thực đường phố Hải Phòng qua mắt du khách", "Báo Hải Phòng điện tử",
        dt.date(2026, 6, 1),
        "Những món ăn đường phố Hải Phòng được du khách nước ngoài yêu thích và giới thiệu trên "
        "mạng xã hội.", "https://baohaiphong.vn/am-thuc"), "submitted"),
    ("Lê Minh Khoa", _work(
        "Hội nhập quốc tế nhìn từ một phường", "Báo Điện tử Chính phủ", dt.date(2026, 1, 15),
        "Phường Nam Đồng kết nối doanh nghiệp địa phương với đối tác nước ngoài; câu chuyện về "
        "đối ngoại nhân dân ở cơ sở.", "https://baochinhphu.vn/hoi-nhap-phuong"), "valid"),
]

_DRAFTS = [
    ("anh", {"title": "Bình minh trên cảng Lạch Huyện", "language": "vi"}),
    ("truyen-hinh", {"title": "Những người giữ lửa tiếng Việt", "language": "vi",
                     "outlet": "Đài Truyền hình Hải Phòng"}),
]


# Other authors of the demo, with accounts that cannot sign in (no password).
_AUTHORS = {"Trần Thị Bình": "tacgia-binh", "Lê Minh Khoa": "tacgia-khoa"}


def _participant(name: str, edition) -> User:
    username = _AUTHORS.get(name, "participant")
    user = User.objects.filter(username=username).first()
    if user is None:
        user = create_user(username=username, password=None, full_name=name,
                           email=f"{username}@example.vn")
    grant_role(user, Role.PARTICIPANT, edition=edition)
    return user


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def build_demo_entries(*, edition, intake) -> int:
    """Create the demo entries unless they are there; returns how many were created."""
    if Entry.objects.filter(edition=edition).exists():
        return 0
    created = 0
    for index, (name, work, outcome) in enumerate(_SUBMITTED):
        owner = _participant(name, edition)
        entry = services.create_draft(owner, PRESS, edition=edition, now=_at(1 + index), **work)
        services.set_authors(entry, owner, [{"full_name": owner.full_name or name,
                                             "share_percent": 100, "consent_given": True}],
                             now=_at(1 + index))
        entry = services.submit_entry(entry, owner, f"demo-{index}", now=_at(2 + index)).entry
        if outcome == "valid":
            services.mark_valid(entry, intake, now=_at(20 + index // 2))
        elif outcome == "returned":
            services.return_for_fixes(
                entry, intake, now=_at(20),
                reason="Đề nghị bổ sung bản chụp trang báo có ghi ngày đăng.",
                deadline=dt.date(2026, 7, 28))
        created += 1
    owner = _participant("participant", edition)
    for code, fields in _DRAFTS:
        services.create_draft(owner, code, edition=edition, now=_at(25), **fields)
        created += 1
    return created
