"""Error pages in the page's language. Kept free of database reads so they always render."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def _page(request, status: int, template: str):
    return render(request, template, {"status": status, "edition": None}, status=status)


def bad_request(request, exception=None):
    return _page(request, 400, "errors/400.html")


def permission_denied(request, exception=None):
    return _page(request, 403, "errors/403.html")


def page_not_found(request, exception=None):
    return _page(request, 404, "errors/404.html")


def server_error(request):
    # No request context: the failure may be the database the context processors read.
    return HttpResponseServerError(loader.render_to_string("errors/500.html", {"status": 500}))
