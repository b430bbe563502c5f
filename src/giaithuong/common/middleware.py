"""Request-level helpers."""

from django.utils import translation


class ApiLanguageMiddleware:
    """Pages carry their language in the path (/en/…); the API has no prefix, so its messages
    follow the client's Accept-Language, Vietnamese when it sends none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
