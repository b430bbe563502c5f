"""Every route × every role, generated from the URL configuration.

A route whose view carries no access declaration fails here, so nothing added later can be left
unchecked. Outcomes: "ok" (not refused), "login" (sent to sign in / 401), "forbidden" (403).
"""

from urllib.parse import urlsplit

import pytest
from django.urls import URLResolver, get_resolver, reverse
from django.utils import translation

from giaithuong.accounts.roles import Role
from giaithuong.api import BUILTIN_ROUTE_ACCESS, api
from giaithuong.common.access import FORBIDDEN, LOGIN, OK
from tests.roles import make_people

ROLES = [None, *(str(role) for role in Role)]

# Sample values for URL parameters; a new parameter name must be added here.
SAMPLE_KWARGS = {"code": "anh", "uidb64": "MQ", "token": "set-password", "letter_id": 1,
                 "delivery_id": 1, "unit_id": 1, "root_id": 1, "report_id": 1,
                 "upload_id": "00000000-0000-4000-8000-000000000000", "entry_id": 1,
                 "file_id": 1, "flag_id": 1}


def walk(resolver, prefix="", namespace=None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern, prefix + str(pattern.pattern),
                            pattern.namespace or namespace)
        else:
            yield prefix + str(pattern.pattern), pattern, namespace


def page_routes():
    for route, pattern, namespace in walk(get_resolver()):
        if namespace in ("admin", "api"):
            continue
        yield route, pattern, namespace


def api_operations():
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield prefix + path, operation


def test_every_page_route_declares_its_access():
    missing = [route for route, pattern, _ in page_routes()
               if not hasattr(pattern.callback, "access_policy")]
    assert not missing, f"routes without @access(...): {missing}"


def test_every_api_operation_declares_its_access():
    missing = [f"{path} {operation.methods}" for path, operation in api_operations()
               if not hasattr(operation.view_func, "access_policy")]
    assert not missing, f"API operations without @api_access(...): {missing}"
    declared = {operation.view_func.__name__ for _, operation in api_operations()}
    for route, pattern, namespace in walk(get_resolver()):
        if namespace == "api":
            assert pattern.name in declared or pattern.name in BUILTIN_ROUTE_ACCESS, route


def _url(pattern, namespace):
    kwargs = {name: SAMPLE_KWARGS[name] for name in pattern.pattern.converters}
    name = f"{namespace}:{pattern.name}" if namespace else pattern.name
    with translation.override("vi"):
        return reverse(name, kwargs=kwargs)


def _outcome(response) -> str:
    assert response.status_code < 500, response
    if response.status_code in (401,):
        return LOGIN
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code == 302:
        target = urlsplit(response["Location"]).path
        if target.rstrip("/").endswith("/login") or target.startswith("/admin/login"):
            return LOGIN
    return OK


@pytest.fixture
def people(edition):
    return make_people(edition)


def _client_for(client, people, role):
    if role is not None:
        client.force_login(people[role])
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_page_routes_match_their_declaration(client, people, role):
    client = _client_for(client, people, role)
    wrong = []
    for _route, pattern, namespace in page_routes():
        policy = pattern.callback.access_policy
        for prefix in ("", "/en") if namespace else ("",):
            url = prefix + _url(pattern, namespace)
            got = _outcome(client.get(url))
            if got != policy.expected(role):
                wrong.append(f"{url}: expected {policy.expected(role)}, got {got}")
    assert not wrong, wrong


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_api_operations_match_their_declaration(client, people, role):
    from giaithuong.accounts.services import create_api_token

    headers = {}
    if role is not None:
        _, raw = create_api_token(people[role], "matrix")
        headers["Authorization"] = f"Bearer {raw}"
    wrong = []
    for path, operation in api_operations():
        policy = operation.view_func.access_policy
        url = "/api/v1" + path
        for method in operation.methods:
            response = client.generic(method, url, data="{}", content_type="application/json",
                                      headers=headers)
            got = _outcome(response)
            if got != policy.expected(role):
                wrong.append(f"{method} {url}: expected {policy.expected(role)}, got {got}")
    assert not wrong, wrong


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_admin_is_for_organisers_only(client, people, role):
    """Every admin page without parameters: organisers get in, everyone else is sent to sign in."""
    from django.contrib import admin

    client = _client_for(client, people, role)
    add_allowed = {
        f"{model._meta.app_label}_{model._meta.model_name}_add":
            model_admin.has_add_permission
        for model, model_admin in admin.site._registry.items()
    }
    wrong = []
    for route, pattern, namespace in walk(get_resolver()):
        if namespace != "admin" or pattern.pattern.converters or "<" in route or "(?P" in route:
            continue
        if pattern.name in ("login", "logout", "password_change", "password_change_done",
                            "jsi18n", "autocomplete"):
            continue
        url = reverse(f"admin:{pattern.name}")
        response = client.get(url)
        expected = LOGIN
        if role == str(Role.ORGANISER):
            expected = OK
            if pattern.name in add_allowed and not add_allowed[pattern.name](response.wsgi_request):
                # Read-only registers: loaded from files or written by services.
                expected = FORBIDDEN
        got = _outcome(response)
        if got != expected:
            wrong.append(f"{url}: expected {expected}, got {got}")
    assert not wrong, wrong
