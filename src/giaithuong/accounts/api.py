from typing import Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import get_language, gettext, gettext_lazy
from ninja import Field, Router, Schema, Status

from giaithuong.accounts import participants
from giaithuong.accounts.models import ConsentPurpose
from giaithuong.accounts.participants import ParticipantError, Verified
from giaithuong.accounts.roles import Role
from giaithuong.common import throttle
from giaithuong.common.access import PUBLIC, SIGNED_IN, roles
from giaithuong.common.api_access import api_access

router = Router(tags=["accounts"])
PARTICIPANTS = roles(Role.PARTICIPANT)


class GrantOut(Schema):
    role: str
    edition: int | None
    unit: int | None
    council: int | None


class MeOut(Schema):
    username: str
    full_name: str
    email: str
    roles: list[GrantOut]


@router.get("/me", response=MeOut, summary="Who the token or session belongs to")
@api_access(SIGNED_IN)
def me(request):
    user = request.user
    return {
        "username": user.username, "full_name": user.full_name, "email": user.email,
        "roles": [{"role": g.role, "edition": g.edition_id, "unit": g.unit_id,
                   "council": g.council_id} for g in user.role_grants.all()],
    }


# ---- participants: registration, verification, profile, their data --------------------------

class RegisterIn(Schema):
    full_name: str = ""
    email: str = ""
    password: str = ""
    consent: bool = Field(False, description="True only when the person ticked the consent "
                                             "box showing CONSENT_TEXT (GET /accounts/consent).")
    language: Literal["vi", "en"] | None = None


class Detail(Schema):
    detail: str


class FieldErrors(Schema):
    detail: str
    errors: dict[str, list[str]]


class ConsentTextOut(Schema):
    purpose: str
    version: str
    text: str
    privacy_notice: str


class VerifyIn(Schema):
    token: str = ""


class VerifyOut(Schema):
    status: str
    detail: str


class ResendIn(Schema):
    email: str = ""


class ProfileOut(Schema):
    full_name: str
    email: str
    email_verified: bool
    pen_name: str
    position: str
    workplace: str
    phone: str
    postal_address: str
    nationality: str
    residence: str
    preferred_language: str


class ProfilePatch(Schema):
    full_name: str | None = None
    pen_name: str | None = None
    position: str | None = None
    workplace: str | None = None
    phone: str | None = None
    postal_address: str | None = None
    nationality: str | None = None
    residence: str | None = None
    preferred_language: str | None = None


def _errors(errors: dict) -> dict:
    return {"detail": gettext("Please correct the fields named in errors."),
            "errors": {name: [str(m) for m in messages] for name, messages in errors.items()}}


@router.get("/consent", response=ConsentTextOut, auth=None,
            summary="The consent text a registration agrees to")
@api_access(PUBLIC)
def consent_text(request):
    return {"purpose": ConsentPurpose.PARTICIPATION, "version": participants.CONSENT_VERSION,
            "text": str(participants.CONSENT_TEXT),
            "privacy_notice": request.build_absolute_uri(reverse("accounts:privacy"))}


@router.post("/register", response={202: Detail, 400: FieldErrors, 429: Detail}, auth=None,
             summary="Register a participant; a verification link goes to the address")
@api_access(PUBLIC)
def register(request, payload: RegisterIn):
    """The same answer (202) whether the address is new or already has an account; only the
    mailbox learns which. Field errors (400) never concern the address's existence."""
    try:
        participants.register_participant(
            full_name=payload.full_name, email=payload.email, password=payload.password,
            consent=payload.consent, language=payload.language or get_language()[:2],
            ip_address=throttle.client_address(request), request=request)
    except participants.TooManyRegistrations as error:
        response = JsonResponse({"detail": str(error.errors["__all__"][0])}, status=429)
        response["Retry-After"] = str(error.retry_after)
        return response
    except ParticipantError as error:
        return Status(400, _errors(error.errors))
    return Status(202, {"detail": gettext("Check your mail: open the link we sent to verify your "
                                   "address, then sign in.")})


_VERIFY_ANSWERS = {
    Verified.VERIFIED: (200, gettext_lazy("Your e-mail address is verified. Sign in with it to "
                                          "take part.")),
    Verified.USED: (409, gettext_lazy("This link has already been used. Your address is "
                                      "verified.")),
    Verified.EXPIRED: (410, gettext_lazy("This link has expired. Ask for a new one.")),
    Verified.INVALID: (400, gettext_lazy("This link does not work. Ask for a new one.")),
}


@router.post("/verify", response={200: VerifyOut, 400: VerifyOut, 409: VerifyOut,
                                  410: VerifyOut}, auth=None,
             summary="Verify an e-mail address with the token from the mailed link")
@api_access(PUBLIC)
def verify(request, payload: VerifyIn):
    result = participants.verify_email(payload.token)
    status, detail = _VERIFY_ANSWERS[result.status]
    return Status(status, {"status": str(result.status), "detail": str(detail)})


@router.post("/verify/resend", response={202: Detail}, auth=None,
             summary="Mail a new verification link (same answer for any address)")
@api_access(PUBLIC)
def resend(request, payload: ResendIn):
    participants.resend_verification(payload.email, request=request)
    return Status(202, {"detail": gettext("If an account at this address is waiting for "
                                   "verification, we have sent it a new link.")})


def _profile_out(user) -> dict:
    profile = participants.profile_of(user)
    return {**participants.profile_values(user), "email": user.email,
            "email_verified": bool(profile and profile.is_verified)}


@router.get("/me/profile", response=ProfileOut, summary="The participant's own profile")
@api_access(PARTICIPANTS)
def get_profile(request):
    return _profile_out(request.user)


@router.patch("/me/profile", response={200: ProfileOut, 400: FieldErrors},
              summary="Change some profile fields (only those sent)")
@api_access(PARTICIPANTS)
def patch_profile(request, payload: ProfilePatch):
    changes = payload.dict(exclude_unset=True)
    try:
        participants.update_profile(request.user, changes, actor=request.user)
    except ParticipantError as error:
        return Status(400, _errors(error.errors))
    request.user.refresh_from_db()
    return Status(200, _profile_out(request.user))


class EmailChangeIn(Schema):
    email: str = ""
    password: str = ""


@router.post("/me/email", response={202: Detail, 400: FieldErrors},
             summary="Move the account to a new address (a link goes to it)")
@api_access(PARTICIPANTS)
def change_email(request, payload: EmailChangeIn):
    if not request.user.check_password(payload.password):
        return Status(400, _errors({"password": [gettext("This is not your password.")]}))
    try:
        participants.request_email_change(request.user, payload.email, request=request)
    except ParticipantError as error:
        return Status(400, _errors(error.errors))
    return Status(202, {"detail": gettext("We have sent a link to the new address. Your "
                                          "account moves to it once you open the link.")})


@router.get("/me/data", summary="Everything held about the signed-in person (JSON)")
@api_access(SIGNED_IN)
def my_data(request):
    document = participants.export_personal_data(request.user, actor=request.user)
    return JsonResponse(document, encoder=DjangoJSONEncoder,
                        json_dumps_params={"ensure_ascii": False},
                        headers={"Cache-Control": "no-store"})
