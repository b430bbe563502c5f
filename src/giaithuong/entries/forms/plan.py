"""Which questions the entry form asks in a category, read from the edition file's rules.

Nothing here names a category: a field shows because the category's rules call for it (a
running-time limit, a kind of file, a series limit, subtypes, languages), so next year's
edition file changes the form without a code change.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from giaithuong.entries import eligibility_messages as words
from giaithuong.entries.facts import category_rules
from giaithuong.entries.models import EntrantKind, Entry, FileRole
from giaithuong.entries.services.files import KIND_NAMES, ROLE_KINDS

# Browsers pick files by these; the server reads the content and decides.
ACCEPT = {"pdf": ".pdf,application/pdf",
          "docx": ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "image": "image/jpeg,image/png,image/webp,image/tiff,.jpg,.jpeg,.png,.webp,.tif,.tiff",
          "audio": "audio/*,.mp3,.wav,.m4a,.aac,.flac,.ogg",
          "video": "video/*,.mp4,.mov,.webm,.mkv"}


def english() -> bool:
    return (get_language() or "vi")[:2] == "en"


def said(value: words.L) -> str:
    """A bilingual value of the engine in the page's language."""
    return value.en if english() else value.vi


@dataclass(frozen=True)
class RoleFiles:
    """What one role of file takes: its kinds, in words, and the browser's accept list."""

    role: str
    label: str
    kinds: tuple[str, ...]
    kinds_text: str
    accept: str


@dataclass(frozen=True)
class FormPlan:
    subtypes: tuple[tuple[str, str], ...]
    languages: tuple[tuple[str, str], ...]
    language_note: str
    entrant_kinds: tuple[tuple[str, str], ...]
    series: bool
    duration: bool
    pages: bool
    photos: bool
    max_series_parts: int | None
    max_duration_minutes: int | None
    max_file_bytes: int | None
    window: tuple | None
    roles: tuple[RoleFiles, ...]

    @property
    def max_file_text(self) -> str:
        """The category's file size limit as people say it: 200 MB, 4 GB."""
        if not self.max_file_bytes:
            return ""
        megabytes = self.max_file_bytes // words.MIB
        if megabytes >= 1024 and megabytes % 1024 == 0:
            return f"{megabytes // 1024} GB"
        return f"{megabytes} MB"


def _languages(rules) -> tuple[tuple[str, str], ...]:
    """Every language the engine can name, those the category takes first: a work in another
    one is still chosen truthfully, and the rule finding says where it belongs."""
    codes = list(words.LANGUAGE_NAMES)
    if rules is not None:
        def taken(code: str) -> bool:
            if rules.languages == "vietnamese":
                return code == "vi"
            if rules.languages == "foreign" and code == "vi":
                return False
            return not rules.accepted_languages or code in rules.accepted_languages
        codes.sort(key=lambda code: not taken(code))
    return tuple((code, said(words.LANGUAGE_NAMES[code])) for code in codes)


def _language_note(rules) -> str:
    if rules is None:
        return ""
    if rules.languages == "vietnamese":
        return str(_("This category takes works in Vietnamese."))
    if rules.accepted_languages:
        names = [said(words.language_name(code)) for code in sorted(rules.accepted_languages)]
        return str(format_lazy(_("This category takes works in: {languages}."),
                               languages=", ".join(names)))
    if rules.languages == "foreign":
        return str(_("This category takes works in foreign languages."))
    return ""


def _kinds_text(kinds) -> str:
    return ", ".join(str(KIND_NAMES[k]) for k in kinds if k in KIND_NAMES)


def _roles(main_kinds: tuple[str, ...]) -> tuple[RoleFiles, ...]:
    out = []
    for role in FileRole:
        kinds = main_kinds if role == FileRole.MAIN else tuple(sorted(ROLE_KINDS[role]))
        accept = ",".join(ACCEPT[k] for k in kinds if k in ACCEPT)
        out.append(RoleFiles(str(role), str(role.label), kinds, _kinds_text(kinds), accept))
    return tuple(out)


def plan_for(entry: Entry) -> FormPlan:
    """The form of `entry`'s category in its edition."""
    rules = category_rules(entry.edition, entry.category.code)
    spec = next((c for c in entry.edition.rules.categories if c.code == entry.category.code),
                None)
    # The edition file lists a category's kinds of file with the work's own kind first.
    kinds = tuple(spec.file_kinds) if spec else tuple(KIND_NAMES)
    primary = kinds[0] if kinds else ""
    forms = rules.entrant_forms if rules else frozenset(EntrantKind.values)
    timeline = entry.edition.rules.timeline
    return FormPlan(
        subtypes=tuple((s.code, said(words.L(s.vi, s.en))) for s in (rules.subtypes if rules
                                                                      else ())),
        languages=_languages(rules),
        language_note=_language_note(rules),
        entrant_kinds=tuple((k.value, str(k.label)) for k in EntrantKind if k.value in forms),
        series=bool(rules and rules.max_series_parts),
        duration=bool(rules and rules.max_duration_seconds) or bool({"audio", "video"}
                                                                    & set(kinds)),
        pages=bool(rules and rules.max_pages) or primary in {"pdf", "docx"},
        photos=bool(rules and rules.max_photos) or primary == "image",
        max_series_parts=rules.max_series_parts if rules else None,
        max_duration_minutes=(rules.max_duration_seconds // 60
                              if rules and rules.max_duration_seconds else None),
        max_file_bytes=rules.max_file_bytes if rules else None,
        window=(timeline.window_start, timeline.window_end),
        roles=_roles(kinds),
    )
