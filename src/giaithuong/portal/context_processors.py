from django.urls import translate_url
from django.utils.translation import get_language

from giaithuong.editions.selectors import current_edition


def site(request):
    """The current edition and the same page's address in the other language, for every page."""
    language = (get_language() or "vi")[:2]
    path = request.get_full_path()
    return {
        "edition": current_edition(),
        "page_in_vi": translate_url(path, "vi"),
        "page_in_en": translate_url(path, "en"),
        "language": language,
    }
