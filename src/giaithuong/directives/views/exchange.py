"""edXML exchange pages: download an issued letter as an .edxml package, receive a package or a
status message from another document system, and remind an addressee of an open letter.

Thin: `directives.exchange` and `directives.reminders` do the work. Who may see a letter is
`can_view_letter` (else 404); who may act is checked by the services (else 403).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from giaithuong.accounts.roles import Role
from giaithuong.common.access import access, roles
from giaithuong.directives import exchange
from giaithuong.directives.edxml import STATUS_CODES, EdxmlError
from giaithuong.directives.forms.exchange import ReceiveForm
from giaithuong.directives.letters import LetterError
from giaithuong.directives.models import Delivery, Letter
from giaithuong.directives.permissions import can_act_for
from giaithuong.directives.reminders import letter_code, remind_delivery
from giaithuong.directives.selectors import can_view_letter

EXCHANGE_PEOPLE = roles(Role.ORGANISER, Role.UNIT_OFFICER)


def _letter_page(letter: Letter) -> str:
    return reverse("directives:letter_detail", kwargs={"letter_id": letter.pk})


def _attachment(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@access(EXCHANGE_PEOPLE)
@require_GET
def letter_edxml(request, letter_id: int):
    letter = get_object_or_404(Letter.objects.select_related("issuer"), pk=letter_id)
    if not can_view_letter(request.user, letter):
        raise Http404
    try:
        data = exchange.export_letter_package(letter)
    except LetterError as error:
        return render(request, "directives/exchange/problem.html",
                      {"letter": letter, "message": str(error)}, status=409)
    return _attachment(data, exchange.XML, exchange.package_file_name(letter))


@access(EXCHANGE_PEOPLE)
@require_GET
def delivery_status_edxml(request, delivery_id: int):
    """The status message of a delivery, for the receiving unit to send back (or the issuer to
    keep): officers of either unit."""
    delivery = get_object_or_404(Delivery.objects.select_related("letter__issuer", "unit"),
                                 pk=delivery_id)
    issuer = delivery.letter.issuer
    if not (can_act_for(request.user, delivery.unit)
            or (issuer is not None and can_act_for(request.user, issuer))):
        raise Http404
    return _attachment(exchange.status_package(delivery), exchange.XML,
                       exchange.status_file_name(delivery))


def _success(request, result: exchange.Received) -> None:
    code = letter_code(result.letter)
    if result.status_code:
        messages.success(request, _("Status %(code)s (%(meaning)s) recorded for %(unit)s: the "
                                    "letter %(letter)s is now “%(state)s”.") % {
            "code": result.status_code, "meaning": STATUS_CODES[result.status_code],
            "unit": result.delivery.unit.name, "letter": code,
            "state": result.delivery.get_state_display()})
    elif result.created:
        messages.success(request, _("Letter %(letter)s of %(issuer)s was received and "
                                    "registered.") % {"letter": code,
                                                      "issuer": result.letter.issuer_name})
    else:
        messages.info(request, _("This letter had already been received: %(letter)s of "
                                 "%(issuer)s. Nothing was added twice.") % {
            "letter": code, "issuer": result.letter.issuer_name})


@access(EXCHANGE_PEOPLE)
def letter_receive(request):
    form = ReceiveForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = exchange.receive(b"".join(upload.chunks()), actor=request.user,
                                      receiving_unit=form.cleaned_data["unit"])
        except EdxmlError as error:
            form.add_error("file", error.in_language(get_language()))
        except (PermissionError, exchange.ReceiverMissing) as error:
            form.add_error("unit", str(error))
        except LetterError as error:
            form.add_error("file", str(error))
        else:
            _success(request, result)
            return redirect(_letter_page(result.letter))
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "directives/exchange/receive.html", {"form": form}, status=status)


@access(EXCHANGE_PEOPLE)
@require_POST
def delivery_remind(request, delivery_id: int):
    delivery = get_object_or_404(Delivery.objects.select_related("letter__issuer", "unit"),
                                 pk=delivery_id)
    if not can_view_letter(request.user, delivery.letter):
        raise Http404
    try:
        reminder = remind_delivery(delivery, actor=request.user)
    except PermissionError as error:
        raise PermissionDenied(str(error)) from error
    except LetterError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Reminder sent to %(unit)s (%(addresses)s).") % {
            "unit": delivery.unit.name, "addresses": ", ".join(reminder.recipients)})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = _letter_page(delivery.letter)
    return redirect(back)
