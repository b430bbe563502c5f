"""Small filters of the intake pages."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def in_language(item) -> str:
    """A finding's message in the page's language (findings carry message_vi and message_en,
    as objects or as stored dicts)."""
    english = (get_language() or "vi").startswith("en")
    key = "message_en" if english else "message_vi"
    if isinstance(item, dict):
        return item.get(key) or item.get("message_vi", "")
    return getattr(item, key, "") or getattr(item, "message_vi", "")


@register.filter
def is_blocking(item) -> bool:
    severity = item.get("severity") if isinstance(item, dict) else getattr(item, "severity", "")
    return str(severity) == "blocking"


@register.filter
def clock(seconds) -> str:
    """A running time as h:mm:ss or m:ss."""
    if seconds in (None, ""):
        return ""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def short_hash(value) -> str:
    text = str(value or "")
    return f"{text[:12]}…" if len(text) > 12 else text
