from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def loc(obj, field: str = ""):
    """The active language's text: `{{ category|loc:"name" }}` reads name_vi / name_en of a
    model; `{{ bilingual|loc }}` reads .vi / .en of a rules object."""
    if obj is None:
        return ""
    english = (get_language() or "vi")[:2] == "en"
    if field:
        value = getattr(obj, f"{field}_en", "") if english else ""
        return value or getattr(obj, f"{field}_vi", "")
    value = getattr(obj, "en", "") if english else ""
    return value or getattr(obj, "vi", "")
