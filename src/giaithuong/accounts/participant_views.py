"""Participant pages: register, verify the address, the profile, the person's data (download,
erasure) and the privacy notice. Thin: forms parse, `accounts.participants` changes state.

Whatever a visitor types, the answers about an address are the same whether it has an
account or not; only the mailbox hears the difference.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from giaithuong.accounts import participants
from giaithuong.accounts.participant_forms import (
    EmailChangeForm,
    EmailForm,
    ErasureForm,
    ProfileForm,
    RegistrationForm,
)
from giaithuong.accounts.participants import ParticipantError, Verified
from giaithuong.accounts.roles import Role
from giaithuong.common import throttle
from giaithuong.common.access import PUBLIC, SIGNED_IN, access, roles

PARTICIPANTS = roles(Role.PARTICIPANT)
TEMPLATES = "accounts/participants/"
_SENT_AGAIN = gettext_lazy("If an account at this address is waiting for verification, we have "
                           "sent it a new link. It can take a few minutes; look in your spam "
                           "folder too.")


def _language() -> str:
    return (get_language() or "vi")[:2]


@access(PUBLIC)
@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    form = RegistrationForm(request.POST or None)
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            participants.register_participant(
                **form.registration(), language=_language(),
                ip_address=throttle.client_address(request), request=request)
        except participants.TooManyRegistrations as error:
            form.add_service_errors(error.errors)
            retry_after = error.retry_after
        except ParticipantError as error:  # the form checks the same rules; belt and braces
            form.add_service_errors(error.errors)
        else:
            return redirect("accounts:verification_sent")
    response = render(request, TEMPLATES + "register.html", {"form": form},
                      status=200 if retry_after is None else 429)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@access(PUBLIC)
@require_GET
def verification_sent(request):
    return render(request, TEMPLATES + "verification_sent.html", {"form": EmailForm()})


@access(PUBLIC)
@require_http_methods(["GET", "POST"])
def resend_verification(request):
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        participants.resend_verification(form.cleaned_data["email"], request=request)
        messages.info(request, _SENT_AGAIN)
        return redirect("accounts:verification_sent")
    return render(request, TEMPLATES + "resend.html", {"form": form})


@access(PUBLIC)
@require_GET
def verify_email(request, token: str):
    result = participants.verify_email(token)
    if result.status == Verified.VERIFIED:
        messages.success(request, _("Your e-mail address is verified. Sign in with it to take "
                                    "part."))
        return redirect("accounts:login")
    status = {Verified.USED: 200, Verified.EXPIRED: 410, Verified.INVALID: 400}[result.status]
    return render(request, TEMPLATES + "verify_failed.html",
                  {"status": str(result.status), "form": EmailForm(),
                   "hours": participants.verification_max_age() // 3600}, status=status)


@access(PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                participants.update_profile(request.user, form.changes(), actor=request.user)
            except ParticipantError as error:
                form.add_service_errors(error.errors)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("accounts:profile")
    else:
        form = ProfileForm(initial=participants.profile_values(request.user))
    return render(request, TEMPLATES + "profile.html", {
        "form": form, "profile": participants.profile_of(request.user),
        "consents": request.user.consents.all()})


@access(PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def change_email(request):
    form = EmailChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            participants.request_email_change(request.user, form.cleaned_data["email"],
                                              request=request)
        except ParticipantError as error:
            form.add_service_errors(error.errors)
        else:
            messages.info(request, _("We have sent a link to the new address. Your account "
                                     "moves to it once you open the link."))
            return redirect("accounts:profile")
    return render(request, TEMPLATES + "change_email.html", {"form": form})


@access(SIGNED_IN)
@require_GET
def my_data(request):
    """The person's data as one JSON file (their right of access)."""
    document = participants.export_personal_data(request.user, actor=request.user)
    body = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = f"giaithuong-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@access(PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def erasure(request):
    form = ErasureForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = participants.request_erasure(request.user, actor=request.user)
        logout(request)
        return render(request, TEMPLATES + "erasure_done.html", {"result": result})
    return render(request, TEMPLATES + "erasure.html", {"form": form})


@access(PUBLIC)
@require_GET
def privacy(request):
    return render(request, TEMPLATES + "privacy.html", {
        "consent_text": participants.CONSENT_TEXT,
        "consent_version": participants.CONSENT_VERSION,
        "link_hours": participants.verification_max_age() // 3600})
