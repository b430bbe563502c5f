"""Shared steps of the participant tests: register through the page, read the mailed link."""

import re
from urllib.parse import urlsplit

PASSWORD = "Bài-dự-thi-2026!"
LINK = re.compile(r"https?://\S+/account/verify/\S+/")


def registration(**overrides) -> dict:
    return {"full_name": "Nguyễn Thị Hoa", "email": "hoa@example.vn", "password1": PASSWORD,
            "password2": PASSWORD, "consent": "on", **overrides}


def register(client, prefix="/en", **overrides):
    return client.post(f"{prefix}/account/register/", registration(**overrides))


def verification_path(message) -> str:
    """The path of the verification link in a mail (absolute in the mail)."""
    link = LINK.search(message.get_content()).group(0)
    return urlsplit(link).path


def sign_in(client, username, password=PASSWORD, prefix="/en"):
    return client.post(f"{prefix}/account/login/", {"username": username, "password": password})


class FakeEntries:
    """Stands in for the entries app's data source: what it exports, and what erasure keeps
    (submitted entries) or deletes (drafts)."""

    def __init__(self):
        self.submitted: list[str] = []
        self.drafts: dict[int, list[str]] = {}
        self.erased_for: list[int] = []

    def export(self, user):
        return {"drafts": self.drafts.get(user.pk, []), "submitted": list(self.submitted)}

    def erase(self, user):
        self.erased_for.append(user.pk)
        self.drafts.pop(user.pk, None)
        return [f"submitted entry {receipt} with its receipt" for receipt in self.submitted]
