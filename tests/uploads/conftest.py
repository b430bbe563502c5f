"""Uploads write into a fresh directory per test; people come from tests/roles.py."""

import pytest

from giaithuong.accounts.roles import Role
from tests.roles import make_people


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.GIAITHUONG_UPLOAD_DIR = tmp_path / "uploads"
    return settings.GIAITHUONG_UPLOAD_DIR


@pytest.fixture
def people(edition):
    return make_people(edition)


@pytest.fixture
def participant(people):
    return people[str(Role.PARTICIPANT)]


@pytest.fixture
def other_participant(edition):
    from giaithuong.accounts.services import create_user, grant_role

    user = create_user(username="u-other", password="Mật-khẩu-thử-2026",
                       email="other@example.vn", full_name="Người khác")
    grant_role(user, Role.PARTICIPANT, edition=edition)
    return user
