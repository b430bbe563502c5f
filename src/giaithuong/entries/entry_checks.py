"""Checks of an entry's own form that the eligibility engine leaves to the caller (kiểm tra hồ
sơ): an organisation's name, a group's members, their shares and consent, the parts of a series.

Pure core: no Django. Findings are the engine's `Violation`s, bilingual, so pages and the API
show them with the engine's own.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from giaithuong.entries.eligibility import Severity, Violation


@dataclass(frozen=True, slots=True)
class AuthorForm:
    name: str
    share_percent: Decimal
    consent_given: bool


@dataclass(frozen=True, slots=True)
class EntryForm:
    entrant_kind: str
    organisation_name: str
    authors: tuple[AuthorForm, ...]
    parts_total: int
    parts_in_window: int
    category_open: bool = True


MESSAGES: dict[str, tuple[str, str]] = {
    "category_closed": (
        "Hạng mục này không còn nhận tác phẩm; đề nghị chọn hạng mục khác.",
        "This category no longer takes entries; choose another category."),
    "organisation_name_missing": (
        "Chưa nêu tên cơ quan, tổ chức gửi tác phẩm.",
        "The name of the agency or organisation entering the work is missing."),
    "group_too_small": (
        "Tác phẩm của nhóm tác giả cần có ít nhất hai tác giả.",
        "An entry by a group of authors needs at least two authors."),
    "shares_not_hundred": (
        "Tổng tỷ lệ đóng góp của các tác giả phải bằng 100% (hiện là {total}%).",
        "The authors' shares must total 100% (now {total}%)."),
    "author_consent_missing": (
        "{name} chưa đồng ý tham gia dự Giải.",
        "{name} has not agreed to be entered."),
    "parts_in_window_exceed_total": (
        "Số kỳ trong thời gian quy định ({inside}) lớn hơn tổng số kỳ ({total}).",
        "The parts inside the window ({inside}) outnumber the parts in all ({total})."),
}


def _violation(code: str, field: str, **params: object) -> Violation:
    vi, en = MESSAGES[code]
    return Violation(code, field, Severity.BLOCKING,
                     unicodedata.normalize("NFC", vi.format(**params)),
                     unicodedata.normalize("NFC", en.format(**params)))


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}"


def check_form(form: EntryForm) -> list[Violation]:
    """Every problem of the entry's own form; [] when there is none."""
    found: list[Violation] = []
    if not form.category_open:
        found.append(_violation("category_closed", "category"))
    if form.entrant_kind == "organisation" and not form.organisation_name.strip():
        found.append(_violation("organisation_name_missing", "organisation_name"))
    if form.entrant_kind == "group" and len(form.authors) < 2:
        found.append(_violation("group_too_small", "authors"))
    if len(form.authors) > 1:
        total = sum((a.share_percent for a in form.authors), Decimal(0))
        if total != 100:
            found.append(_violation("shares_not_hundred", "authors", total=_percent(total)))
    for index, author in enumerate(form.authors):
        if not author.consent_given:
            name = author.name.strip() or f"#{index + 1}"
            found.append(_violation("author_consent_missing", f"authors[{index}]", name=name))
    if form.parts_in_window > form.parts_total:
        found.append(_violation("parts_in_window_exceed_total", "parts_in_window",
                                inside=form.parts_in_window, total=form.parts_total))
    return found
