"""API for edXML exchange (registered in giaithuong/api.py at /api/v1/exchange).

Packages travel as they are: `GET /letters/{id}` answers the .edxml file; `POST /packages` and
`POST /status` take the file as the request body (Content-Type application/xml) or as the part
`file` of a multipart form (for files over the 5 MB body limit). Errors answer {"detail": …}:
400 for a malformed file, 403 for a unit that is not yours, 404 for what you may not see, 409
for a state that does not allow it.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from giaithuong.accounts.roles import Role
from giaithuong.common.access import roles
from giaithuong.common.api_access import api_access
from giaithuong.directives import exchange
from giaithuong.directives.api.errors import not_found, service_errors
from giaithuong.directives.edxml import EdxmlError
from giaithuong.directives.models import Delivery, Letter, OrganisationUnit
from giaithuong.directives.permissions import can_act_for
from giaithuong.directives.reminders import remind_delivery
from giaithuong.directives.selectors import visible_letters

router = Router(tags=["exchange"])

EXCHANGE_PEOPLE = roles(Role.ORGANISER, Role.UNIT_OFFICER)
_FILE_BODY = {"requestBody": {"required": True, "content": {
    "application/xml": {"schema": {"type": "string", "format": "binary"}},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"}}}}}}}
_FILE_ANSWER = {"responses": {200: {"description": "An edXML file", "content": {
    "application/xml": {"schema": {"type": "string", "format": "binary"}}}}}}


class ReceivedOut(Schema):
    letter_id: int
    created: bool
    number: int | None
    symbol: str
    date: str | None
    issuer_name: str
    subject: str
    delivery_id: int | None
    attachments: list[dict]


class DeliveryOut(Schema):
    delivery_id: int
    letter_id: int
    unit_id: int
    state: str
    status_code: str


class ReminderOut(Schema):
    delivery_id: int
    recipients: list[str]


@contextmanager
def _answers():
    """A malformed package → 400 in the request's language; the rest as `service_errors`."""
    with service_errors():
        try:
            yield
        except EdxmlError as error:
            raise HttpError(400, error.in_language(get_language())) from error


def _file(request) -> bytes:
    """The uploaded file: the multipart part `file`, or else the body itself."""
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            raise HttpError(400, _("Send the edXML file as the form part named 'file'."))
        if upload.size > exchange.MAX_PACKAGE_BYTES:
            raise HttpError(400, _("The file is larger than %(limit)d MB.")
                            % {"limit": exchange.MAX_PACKAGE_BYTES // 2**20})
        return b"".join(upload.chunks())
    return request.body


@router.get("/letters/{letter_id}", summary="An issued letter as an edXML package",
            openapi_extra=_FILE_ANSWER)
@api_access(EXCHANGE_PEOPLE)
def letter_package(request, letter_id: int):
    letter = visible_letters(request.user).select_related("issuer").filter(pk=letter_id).first()
    if letter is None:
        raise not_found("letter")
    with _answers():
        data = exchange.export_letter_package(letter)
    response = HttpResponse(data, content_type=exchange.XML)
    response["Content-Disposition"] = f'attachment; filename="{exchange.package_file_name(letter)}"'
    return response


@router.post("/packages", response={200: ReceivedOut, 201: ReceivedOut},
             summary="Receive a letter sent as an edXML package", openapi_extra=_FILE_BODY)
@api_access(EXCHANGE_PEOPLE)
def receive_package(request, unit_id: int | None = None):
    """Register a received package as an external letter with its files, delivered to `unit_id`
    (one of your units; organisers may leave it out). 201 when new; 200 with the letter already
    registered when the same package (or document) was received before."""
    unit = None
    if unit_id is not None:
        unit = OrganisationUnit.objects.filter(pk=unit_id).first()
        if unit is None:
            raise not_found("unit")
    data = _file(request)
    with _answers():
        result = exchange.receive_package(data, actor=request.user, receiving_unit=unit)
    letter: Letter = result.letter
    return Status(201 if result.created else 200, {
        "letter_id": letter.pk, "created": result.created, "number": letter.number,
        "symbol": letter.symbol, "date": letter.date.isoformat() if letter.date else None,
        "issuer_name": letter.issuer_name, "subject": letter.subject,
        "delivery_id": result.delivery.pk if result.delivery else None,
        "attachments": [{"id": a.pk, "role": a.role, "name": a.name, "size": a.size,
                         "sha256": a.sha256} for a in letter.attachments.all()]})


@router.post("/status", response=DeliveryOut, summary="Apply an edXML status message")
@api_access(EXCHANGE_PEOPLE)
def receive_status(request):
    """A unit's status message about a letter it received (01 arrived … 06 done, 02 refused)
    moves that delivery; a status already reflected changes nothing."""
    data = _file(request)
    with _answers():
        delivery = exchange.apply_status(data, request.user)
    return {"delivery_id": delivery.pk, "letter_id": delivery.letter_id,
            "unit_id": delivery.unit_id, "state": delivery.state,
            "status_code": exchange.status_message(delivery).code}


def _delivery(request, delivery_id: int) -> Delivery:
    delivery = (Delivery.objects.select_related("letter__issuer", "unit")
                .filter(pk=delivery_id).first())
    issuer = delivery.letter.issuer if delivery else None
    if delivery is None or not (can_act_for(request.user, delivery.unit) or (
            issuer is not None and can_act_for(request.user, issuer))):
        raise not_found("delivery")
    return delivery


@router.get("/deliveries/{delivery_id}/status", summary="A delivery's edXML status message",
            openapi_extra=_FILE_ANSWER)
@api_access(EXCHANGE_PEOPLE)
def delivery_status(request, delivery_id: int):
    delivery = _delivery(request, delivery_id)
    response = HttpResponse(exchange.status_package(delivery), content_type=exchange.XML)
    response["Content-Disposition"] = (f'attachment; filename="'
                                       f'{exchange.status_file_name(delivery)}"')
    return response


@router.post("/deliveries/{delivery_id}/remind", response=ReminderOut,
             summary="Remind the addressee of an open letter (issuing unit's officers)")
@api_access(EXCHANGE_PEOPLE)
def remind(request, delivery_id: int):
    delivery = _delivery(request, delivery_id)
    with _answers():
        reminder = remind_delivery(delivery, actor=request.user)
    return {"delivery_id": delivery.pk, "recipients": reminder.recipients}
