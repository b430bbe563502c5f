"""How the cascade API answers a refused service call, and what it says about objects a person
may not see (nothing: a 404 that never tells "exists" from "not yours")."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.utils.translation import gettext_lazy as _
from ninja.errors import HttpError

from giaithuong.common.text import nfc
from giaithuong.directives.letters import LetterConflict, LetterError
from giaithuong.directives.models import OrganisationUnit


@contextmanager
def service_errors() -> Iterator[None]:
    """LetterConflict → 409, LetterError → 400, PermissionError → 403, each as {"detail": …}."""
    try:
        yield
    except LetterConflict as error:
        raise HttpError(409, str(error)) from error
    except LetterError as error:
        raise HttpError(400, str(error)) from error
    except PermissionError as error:
        raise HttpError(403, str(error)) from error


NOT_FOUND = {
    "letter": _("There is no such letter, or it is not yours to see."),
    "delivery": _("There is no such delivery, or it is not yours to see."),
    "unit": _("There is no such unit, or it is not yours to see."),
}


def not_found(what: str) -> HttpError:
    """The 404 for a letter, delivery or unit, in the request's language."""
    return HttpError(404, str(NOT_FOUND[what]))


def units_by_id(ids: Iterable[int], field: str) -> list[OrganisationUnit]:
    """The units named by id, in the order given; a 400 naming every unknown or closed id."""
    wanted = list(dict.fromkeys(ids))
    found = OrganisationUnit.objects.in_bulk(wanted)
    unknown = [str(pk) for pk in wanted if pk not in found]
    if unknown:
        raise HttpError(400, _("Unknown unit id in %(field)s: %(ids)s.")
                        % {"field": field, "ids": ", ".join(unknown)})
    closed = [str(pk) for pk in wanted if not found[pk].is_active]
    if closed:
        raise HttpError(400, _("Unit no longer active in %(field)s: %(ids)s.")
                        % {"field": field, "ids": ", ".join(closed)})
    return [found[pk] for pk in wanted]


def nfc_deep(value):
    """Every string inside a JSON-like value in NFC (letter text is compared and searched)."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [nfc_deep(item) for item in value]
    if isinstance(value, dict):
        return {key: nfc_deep(item) for key, item in value.items()}
    return value
