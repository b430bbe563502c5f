"""Fixtures for the entries core: people of edition XII, a moment inside the entry period,
finished uploads, and a draft that meets every rule. None of them is autouse, so the pure-core
tests beside them stay free of the database."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest

from giaithuong.accounts.roles import Role
from tests.roles import PASSWORD, make_people

VN = dt.timezone(dt.timedelta(hours=7))
# Ten days into the last month of entries (the deadline is 31/07/2026 23:59:59 +07:00).
NOW = dt.datetime(2026, 7, 10, 10, 0, tzinfo=VN)
DEADLINE = dt.datetime(2026, 7, 31, 23, 59, 59, tzinfo=VN)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SUMMARY = ("Loạt bài phản ánh hình ảnh đất nước, con người Việt Nam qua các hoạt động giao lưu "
           "văn hóa với bạn bè quốc tế; được độc giả trong và ngoài nước đón nhận tích cực.")
COMPLETE = {
    "title": "Hà Nội – điểm hẹn của bạn bè quốc tế",
    "genre": "Phóng sự",
    "language": "vi",
    "outlet": "Báo Nhân Dân điện tử",
    "published_first": dt.date(2026, 3, 15),
    "summary_vi": SUMMARY,
    "publication_urls": ["https://nhandan.vn/ha-noi-diem-hen"],
    "copyright_accepted": True,
    "prior_awards_none": True,
}
_numbers = itertools.count(1)


@pytest.fixture
def storage(settings, tmp_path):
    """Uploads and stored entry files in a fresh directory per test."""
    settings.GIAITHUONG_UPLOAD_DIR = tmp_path / "uploads"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.fixture
def people(edition):
    return make_people(edition)


@pytest.fixture
def participant(people):
    return people[str(Role.PARTICIPANT)]


@pytest.fixture
def intake(people):
    return people[str(Role.INTAKE_OFFICER)]


def new_participant(edition, name: str = "Trần Thị Bình"):
    from giaithuong.accounts.services import create_user, grant_role

    number = next(_numbers)
    user = create_user(username=f"p{number}", password=PASSWORD, full_name=name,
                       email=f"p{number}@example.vn")
    grant_role(user, Role.PARTICIPANT, edition=edition)
    return user


def category(edition, code: str = "bao-tap-chi-tieng-viet"):
    return edition.categories.get(code=code)


def finished_upload(user, data: bytes = PDF, name: str = "bai-bao.pdf"):
    """An upload of `user` received in full over the uploads app's own services."""
    from giaithuong.uploads import services
    from giaithuong.uploads.tus import OFFSET_CONTENT_TYPE

    upload = services.create_upload(user, length=len(data), metadata={"filename": name})
    if data:
        upload = services.receive(user, upload.key, claimed_offset=0, content_length=len(data),
                                  content_type=OFFSET_CONTENT_TYPE, read=io.BytesIO(data).read)
    assert upload.is_complete
    return upload


def complete_draft(owner, edition, code: str = "bao-tap-chi-tieng-viet", **fields):
    """A draft that breaks no rule (submitting it succeeds until the deadline)."""
    from giaithuong.entries import services

    return services.create_draft(owner, category(edition, code), now=NOW,
                                 **{**COMPLETE, **fields})


def reload_edition(edition, *replacements: tuple[str, str]):
    """Load the edition file again with some lines changed, as an organiser would; the edition
    as the next request reads it."""
    from giaithuong.editions.services import load_edition_text
    from tests.conftest import EDITION_FILE

    text = EDITION_FILE.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    load_edition_text(text, source_name="changed.toml")
    return type(edition).objects.get(pk=edition.pk)
