"""Whole-page cache for anonymous visitors of the public site.

Keyed by the current edition's revision, the language, the path and today's date (the home page
counts the days to the deadline), so loading an edition file shows at once, in every process.
Signed-in people always get a fresh page (it shows their name).
"""

from functools import wraps

from django.core.cache import cache
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from giaithuong.editions.selectors import current_edition_key

PAGE_TIMEOUT = 300


def cache_public_page(view):
    @wraps(view)
    def cached(request, *args, **kwargs):
        if request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        edition_key = current_edition_key()
        if edition_key is None:
            return view(request, *args, **kwargs)
        key = edition_key.cache_key(
            "page", get_language(), request.get_full_path(), timezone.localdate().isoformat()
        )
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if response.status_code == 200 and not response.cookies:
                cache.set(key, response, PAGE_TIMEOUT)
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        return response

    return cached
