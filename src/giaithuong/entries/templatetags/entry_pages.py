"""Filters of the participant's entry pages."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from giaithuong.entries import eligibility_messages as words
from giaithuong.entries.forms.plan import said as in_language
from giaithuong.entries.forms.steps import STEP_CODES, show_duration

register = template.Library()


@register.filter
def get(mapping, key):
    """`{{ errors|get:name }}`: a dict's value by a variable key ([] when absent)."""
    if not mapping:
        return []
    return mapping.get(key, [])


@register.filter
def duration(seconds):
    """1:05:30, 45:30 or 45 (minutes)."""
    return show_duration(seconds) if seconds is not None else ""


@register.filter
def filesize(size):
    """A size as people read it: KB under a megabyte, MB with one decimal above."""
    if size is None:
        return ""
    if size < 1024 * 1024:
        return f"{max(size // 1024, 1)} KB" if size else "0 KB"
    text = f"{size / (1024 * 1024):,.1f} MB"
    if (get_language() or "vi")[:2] != "en":
        text = text.replace(",", " ").replace(".", ",")
    return text


@register.filter
def said(item, prefix="message"):
    """The page language's one of `message_vi` / `message_en` in a stored finding."""
    if not isinstance(item, dict):
        return ""
    english = (get_language() or "vi")[:2] == "en"
    return item.get(f"{prefix}_en" if english else f"{prefix}_vi") or item.get(
        f"{prefix}_vi", "")


@register.filter
def problems(entry_file):
    """The problems inspection found in a file, as stored with it."""
    found = (entry_file.inspection or {}).get("problems") if entry_file else None
    return [p for p in found or [] if isinstance(p, dict)]


@register.filter
def next_step(step):
    index = STEP_CODES.index(step) if step in STEP_CODES else -1
    return STEP_CODES[index + 1] if 0 <= index < len(STEP_CODES) - 1 else ""


@register.filter
def previous_step(step):
    index = STEP_CODES.index(step) if step in STEP_CODES else 0
    return STEP_CODES[index - 1] if index > 0 else ""


EVENTS = {
    "created": _("Draft started"),
    "submitted": _("Submitted"),
    "resubmitted": _("Submitted again after fixes"),
    "marked_valid": _("Found valid by intake"),
    "returned": _("Returned for fixes by intake"),
    "rejected": _("Rejected by intake"),
    "withdrawn": _("Withdrawn"),
}


@register.filter
def event_words(event):
    """What a step in the entry's history was, in words."""
    words = EVENTS.get(event.action)
    if words is None:
        return event.get_to_status_display()
    return words


@register.filter
def language_name(code):
    """"Vietnamese" for "vi" in the page's language; an unknown tag as it is."""
    if not code:
        return ""
    found = words.LANGUAGE_NAMES.get(str(code).split("-")[0])
    return in_language(found) if found else code
