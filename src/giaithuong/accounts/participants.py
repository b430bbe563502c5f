"""Participants (người dự thi): registration with e-mail verification and consent, the profile,
and a person's rights over their personal data under the Personal Data Protection Law (access,
withdrawal of consent, erasure).

One function per state change, each in one transaction and audited. Audit events about a
participant name them by id only ("participant 12"): the audit log is never erased, so it must
not hold contact details. Other apps add what they hold about a person with
`register_data_exporter` (the entries app: entries in the export, and what erasure keeps).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from smtplib import SMTPException
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.base_user import BaseUserManager
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from giaithuong.accounts.countries import CODES
from giaithuong.accounts.models import (
    ApiToken,
    Consent,
    ConsentPurpose,
    ParticipantProfile,
    Residence,
    RoleGrant,
    User,
)
from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import grant_role
from giaithuong.common import audit, throttle
from giaithuong.common.models import AuditEvent
from giaithuong.common.text import nfc

log = logging.getLogger(__name__)

# The consent text a person agrees to. Change the words → change the version, so every
# Consent row still says which text was shown.
CONSENT_VERSION = "2026-1"
CONSENT_TEXT = _(
    "I agree that the Organising Committee of the award processes the personal data I give "
    "here (my full name and e-mail address, and the profile and entry details I add later) to "
    "run my account, receive, check and judge my entries, contact me about them and keep the "
    "award's record, as the privacy notice describes. I can withdraw this consent and ask for "
    "my data to be erased at any time.")

LANGUAGES = ("vi", "en")
_VERIFY_SALT = "giaithuong.accounts.verify-email"
_IP_SALT = "giaithuong.accounts.consent-ip"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PHONE = re.compile(r"^\+?[0-9 ().\-]{6,30}$")
# Sections of an export that belong to accounts; other apps choose other names.
_OWN_SECTIONS = frozenset({"format", "generated_at", "account", "profile", "consents", "roles",
                           "api_tokens", "audit_events"})


def verification_max_age() -> int:
    """Seconds a verification link works (three days unless the settings say otherwise)."""
    return int(getattr(settings, "GIAITHUONG_VERIFICATION_MAX_AGE", 3 * 24 * 3600))


def resend_cooldown() -> int:
    """Seconds between two verification mails to one account."""
    return int(getattr(settings, "GIAITHUONG_VERIFICATION_RESEND_SECONDS", 120))


def registration_limit() -> throttle.Limit | None:
    """Registrations one network address may make (GIAITHUONG_REGISTRATION_LIMIT, "10/hour")."""
    return throttle.Limit.parse(getattr(settings, "GIAITHUONG_REGISTRATION_LIMIT", "10/hour"))


class ParticipantError(Exception):
    """Input a service refuses, field by field: {"email": ["…"], …}."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in errors.items()))
        self.errors = errors


class TooManyRegistrations(ParticipantError):
    """One address registered too many accounts lately; `retry_after` seconds to wait."""

    def __init__(self, retry_after: int):
        minutes = max(1, -(-retry_after // 60))
        super().__init__({"__all__": [ngettext(
            "Too many accounts have been registered from your network. Try again in "
            "%(minutes)d minute.",
            "Too many accounts have been registered from your network. Try again in "
            "%(minutes)d minutes.", minutes) % {"minutes": minutes}]})
        self.retry_after = retry_after


# ---- other apps' data about a person --------------------------------------------------------

@dataclass(frozen=True)
class DataSource:
    """What another app holds about a person: `export(user)` returns JSON-able data for the
    person's download; `erase(user)` erases what the award record does not need, inside the
    erasure's transaction, and returns what it kept, in words for the person (an empty list:
    nothing kept, e.g. only drafts, now deleted)."""

    section: str
    export: Callable[[User], Any]
    erase: Callable[[User], Iterable[str]] | None = None


_sources: dict[str, DataSource] = {}


def register_data_exporter(export: Callable[[User], Any] | None = None, *,
                           section: str | None = None,
                           erase: Callable[[User], Iterable[str]] | None = None):
    """Add an app's data to every export and erasure. Usable as `register_data_exporter(fn,
    erase=…)` (e.g. from the app's `AppConfig.ready`) or as a decorator; registering a section
    again replaces it. The section defaults to the app's name (giaithuong.entries.x → entries)."""

    def add(func: Callable[[User], Any]):
        name = section or _section_of(func)
        if name in _OWN_SECTIONS:
            raise ValueError(f"The section {name!r} belongs to accounts; choose another.")
        _sources[name] = DataSource(name, func, erase)
        return func

    return add if export is None else add(export)


def unregister_data_exporter(section: str) -> None:
    _sources.pop(section, None)


def data_sources() -> list[DataSource]:
    return list(_sources.values())


def _section_of(func: Callable) -> str:
    parts = func.__module__.split(".")
    return parts[1] if parts[0] == "giaithuong" and len(parts) > 1 else func.__name__


# ---- helpers ---------------------------------------------------------------------------------

def normalise_email(value: str) -> str:
    return BaseUserManager.normalize_email(nfc((value or "").strip()))


def with_email(address: str):
    """Accounts with this address in any case; the comparison is the one the unique index is
    built on (LOWER(email)), so the database can use it."""
    return User.objects.alias(email_lower=Lower("email")).filter(email_lower=address.lower())


def hash_ip(ip_address: str | None) -> str:
    if not ip_address:
        return ""
    return salted_hmac(_IP_SALT, ip_address, algorithm="sha256").hexdigest()


def _text(value: Any, *, limit: int, required: bool = False,
          multiline: bool = False) -> tuple[str, list[str]]:
    """A cleaned text (NFC, spaces collapsed; one line unless `multiline`) and what is wrong
    with it."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        return "", [_("Enter text.")]
    if multiline:
        lines = (" ".join(line.split()) for line in value.splitlines())
        value = nfc("\n".join(line for line in lines if line))
    else:
        value = nfc(" ".join(value.split()))
    if _CONTROL.search(value):
        return value, [_("Remove the control characters from this text.")]
    if required and not value:
        return value, [_("This field is required.")]
    if len(value) > limit:
        return value, [_("Keep this to at most %(limit)d characters.") % {"limit": limit}]
    return value, []


def profile_of(user: User) -> ParticipantProfile | None:
    try:
        return user.participant_profile
    except ParticipantProfile.DoesNotExist:
        return None


def _audit_target(user: User):
    """Audit labels are kept for ever: point at the profile ("participant 12"), not the name."""
    return profile_of(user) or user


def _absolute(path: str, request=None) -> str:
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL + path


def _send(template: str, context: dict, to: str) -> bool:
    """Render `<template>_subject.txt` and `_body.txt` (both languages in one mail) and send.
    A mail server that refuses is logged, not raised: the person can ask for the mail again."""
    with translation.override("vi"):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]).send()
    except (SMTPException, OSError):
        log.exception("Could not send %s", template)
        return False
    return True


# ---- registration and verification ----------------------------------------------------------

def registration_errors(*, full_name: Any, email: Any, password: Any, consent: Any
                        ) -> dict[str, list[str]]:
    """Everything wrong with a registration, by field. Never says whether the address is
    already registered: that answer goes to the address itself, by mail."""
    errors: dict[str, list[str]] = {}
    name, problems = _text(full_name, limit=200, required=True)
    if problems:
        errors["full_name"] = problems
    address = normalise_email(email if isinstance(email, str) else "")
    if not address:
        errors["email"] = [_("This field is required.")]
    else:
        try:
            validate_email(address)
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    if not isinstance(password, str) or not password:
        errors["password"] = [_("This field is required.")]
    else:
        try:
            password_validation.validate_password(
                password, User(username=address, email=address, full_name=name))
        except ValidationError as error:
            errors["password"] = list(error.messages)
    if consent is not True:
        errors["consent"] = [_(
            "We can only register you with your consent to the processing of your personal "
            "data for the award; without it we cannot receive your entries.")]
    return errors


class Registered(StrEnum):
    NEW = "new"          # a new account, waiting for its address to be verified
    KNOWN = "known"      # the address had an account: that address was told, nothing changed


def register_participant(*, full_name: str, email: str, password: str, consent: bool,
                         language: str = "vi", ip_address: str | None = None,
                         request=None) -> Registered:
    """Create an inactive account with its profile and consent, and mail a verification link.

    The caller shows the same answer either way; only the mailbox learns which it was."""
    errors = registration_errors(full_name=full_name, email=email, password=password,
                                 consent=consent)
    if errors:
        raise ParticipantError(errors)
    try:  # counted only once the form is right, so a typo costs no attempt
        throttle.hit("register", ip_address or "", registration_limit())
    except throttle.Throttled as refused:
        raise TooManyRegistrations(refused.retry_after) from None
    address = normalise_email(email)
    language = language if language in LANGUAGES else "vi"
    user = None
    for _attempt in range(3):
        if with_email(address).exists():
            break
        try:
            user = _create_pending(full_name=_text(full_name, limit=200)[0], email=address,
                                   password=password, language=language,
                                   ip_address=ip_address)
            break
        except IntegrityError:
            continue  # a concurrent registration took the address (or a rare username clash)
    if user is None:
        known = with_email(address).first()
        if known is not None:
            _answer_known_address(known, request)
        return Registered.KNOWN
    _send_verification(user, request)
    return Registered.NEW


def _create_pending(*, full_name: str, email: str, password: str, language: str,
                    ip_address: str | None) -> User:
    with transaction.atomic():
        # The username is never shown: people sign in with their address. It is not the
        # address, because usernames are copied into the audit log, which is never erased.
        user = User(username="p-" + secrets.token_hex(6), email=email, full_name=full_name,
                    preferred_language=language, is_active=False)
        user.set_password(password)
        user.save()
        profile = ParticipantProfile.objects.create(user=user,
                                                    verification_sent_at=timezone.now())
        consent = Consent.objects.create(
            user=user, purpose=ConsentPurpose.PARTICIPATION, text_version=CONSENT_VERSION,
            language=language, ip_hash=hash_ip(ip_address))
        audit.record("participant.registered", target=profile,
                     after={"user": user.pk, "language": language})
        audit.record("consent.given", target=consent,
                     after={"user": user.pk, "purpose": consent.purpose,
                            "version": CONSENT_VERSION})
    return user


def _answer_known_address(user: User, request) -> None:
    """A registration for an address that has an account: a waiting account gets its link
    again; any other gets one "you already have an account" mail per quarter hour."""
    profile = profile_of(user)
    if profile is not None and not profile.is_verified and not user.is_active:
        resend_verification(user.email, request=request)
        return
    if not user.email or not cache.add(f"accounts:already-registered:{user.pk}", 1, 900):
        return
    with translation.override(user.preferred_language):
        sign_in = _absolute(reverse("accounts:login"), request)
        reset = _absolute(reverse("accounts:password_reset"), request)
    _send("accounts/participants/mail/already_registered",
          {"user": user, "sign_in_url": sign_in, "reset_url": reset}, user.email)


def _verification_state(user_id: int, email: str) -> str:
    """Binds a link to one account and one address: a link sent before the address changed
    (or was erased) no longer works. Single use comes from the profile's state."""
    value = f"{user_id}|{email.casefold()}"
    return salted_hmac(_VERIFY_SALT, value, algorithm="sha256").hexdigest()[:24]


def make_verification_token(user: User, *, new_email: str = "") -> str:
    """A link for the account's address, or (`new_email`) for the address it is moving to."""
    data = {"u": user.pk, "s": _verification_state(user.pk, new_email or user.email)}
    if new_email:
        data["n"] = 1
    return signing.dumps(data, salt=_VERIFY_SALT)


def verification_url(user: User, request=None, *, new_email: str = "") -> str:
    token = make_verification_token(user, new_email=new_email)
    with translation.override(user.preferred_language):
        path = reverse("accounts:verify_email", kwargs={"token": token})
    return _absolute(path, request)


def _send_verification(user: User, request, *, new_email: str = "") -> bool:
    return _send("accounts/participants/mail/verify",
                 {"user": user, "link": verification_url(user, request, new_email=new_email),
                  "hours": verification_max_age() // 3600, "change": bool(new_email)},
                 new_email or user.email)


def resend_verification(email: str, *, request=None) -> bool:
    """Mail a fresh link to an account waiting for verification, at most once per cooldown.
    True when a mail was sent; callers answer the same either way."""
    address = normalise_email(email)
    if not address:
        return False
    user = (with_email(address)
            .filter(is_active=False, participant_profile__email_verified_at__isnull=True)
            .select_related("participant_profile").first())
    if user is None:
        return False
    now = timezone.now()
    cutoff = now - dt.timedelta(seconds=resend_cooldown())
    with transaction.atomic():
        # Claimed by one UPDATE, so parallel requests (or workers) send one mail.
        claimed = (ParticipantProfile.objects
                   .filter(user=user, email_verified_at__isnull=True)
                   .filter(Q(verification_sent_at__isnull=True)
                           | Q(verification_sent_at__lte=cutoff))
                   .update(verification_sent_at=now))
        if not claimed:
            return False
        audit.record("participant.verification_sent", target=user.participant_profile,
                     after={"user": user.pk})
    return _send_verification(user, request)


class Verified(StrEnum):
    VERIFIED = "verified"
    USED = "used"          # the link worked before; the address is verified
    EXPIRED = "expired"
    INVALID = "invalid"    # forged, mangled, or for an address the account no longer has


@dataclass(frozen=True)
class Verification:
    status: Verified
    user: User | None = None


def verify_email(token: str) -> Verification:
    """Check a verification link; the first time, activate the account and make the person a
    participant of the current edition."""
    try:
        data = signing.loads(token or "", salt=_VERIFY_SALT, max_age=verification_max_age())
    except signing.SignatureExpired:
        return Verification(Verified.EXPIRED)
    except signing.BadSignature:
        return Verification(Verified.INVALID)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) \
            or not isinstance(data.get("s"), str):
        return Verification(Verified.INVALID)
    with transaction.atomic():
        profile = (ParticipantProfile.objects.select_for_update().select_related("user")
                   .filter(user_id=data["u"]).first())
        if profile is None:
            return Verification(Verified.INVALID)
        user = profile.user
        if data.get("n"):
            return _verify_new_address(profile, data["s"])
        if not constant_time_compare(data["s"], _verification_state(user.pk, user.email)):
            return Verification(Verified.INVALID)
        if profile.is_verified:
            return Verification(Verified.USED, user)
        profile.email_verified_at = timezone.now()
        profile.save(update_fields=["email_verified_at", "updated_at"])
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit.record("participant.email_verified", target=profile, after={"user": user.pk})
        enrol_in_current_edition(user)
    return Verification(Verified.VERIFIED, user)


def _verify_new_address(profile: ParticipantProfile, state: str) -> Verification:
    """The link sent to a new address: the account moves to it (inside verify's transaction)."""
    user = profile.user
    if not profile.pending_email or not constant_time_compare(
            state, _verification_state(user.pk, profile.pending_email)):
        used = constant_time_compare(state, _verification_state(user.pk, user.email))
        return Verification(Verified.USED if used else Verified.INVALID, user)
    try:
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(email=profile.pending_email)
    except IntegrityError:  # another account took the address meanwhile
        return Verification(Verified.INVALID)
    user.email, profile.pending_email = profile.pending_email, ""
    profile.email_verified_at = timezone.now()
    profile.save(update_fields=["pending_email", "email_verified_at", "updated_at"])
    audit.record("participant.email_changed", actor=user, target=profile,
                 after={"user": user.pk})
    return Verification(Verified.VERIFIED, user)


def request_email_change(user: User, new_email: str, *, request=None) -> None:
    """Send a link to a new address; the account moves there once it is opened. The old
    address is told. An address another account has gets an "already registered" mail and
    the person asking gets the same answer, so no address is revealed."""
    address = normalise_email(new_email)
    try:
        validate_email(address)
    except ValidationError:
        raise ParticipantError({"email": [_("Enter a valid e-mail address.")]}) from None
    if address.casefold() == user.email.casefold():
        raise ParticipantError({"email": [_("This is already your address.")]})
    other = with_email(address).exclude(pk=user.pk).first()
    if other is not None:
        _answer_known_address(other, request)
        return
    cutoff = timezone.now() - dt.timedelta(seconds=resend_cooldown())
    with transaction.atomic():
        profile, _created = ParticipantProfile.objects.get_or_create(user=user)
        # One link per cooldown, claimed by one UPDATE: nobody can flood an address from here.
        claimed = (ParticipantProfile.objects.filter(pk=profile.pk)
                   .filter(Q(verification_sent_at__isnull=True)
                           | Q(verification_sent_at__lte=cutoff))
                   .update(pending_email=address, verification_sent_at=timezone.now()))
        if not claimed:
            raise ParticipantError({"email": [_(
                "We have just sent a link; wait a few minutes before asking again.")]})
        audit.record("participant.email_change_requested", actor=user, target=profile,
                     after={"user": user.pk})
    _send_verification(user, request, new_email=address)
    if user.email:
        _send("accounts/participants/mail/email_change", {"user": user}, user.email)


def enrol_in_current_edition(user: User, *, actor=None) -> RoleGrant | None:
    """A verified participant takes part in the edition now running (idempotent)."""
    from giaithuong.editions.models import Edition

    profile = profile_of(user)
    if profile is None or not profile.is_verified or not user.is_active:
        return None
    edition = Edition.objects.filter(is_current=True).first()
    if edition is None:
        return None
    return grant_role(user, Role.PARTICIPANT, edition=edition, actor=actor)


def enrol_on_sign_in(sender, request, user, **kwargs) -> None:
    """A participant of an earlier edition who signs in during a new one takes part in it."""
    if profile_of(user) is not None and not RoleGrant.objects.filter(
            user=user, role=Role.PARTICIPANT, edition__is_current=True).exists():
        enrol_in_current_edition(user)


def pending_account(username: str, password: str) -> User | None:
    """The account behind a sign-in that failed only because its address is not verified yet
    (right password, so this tells nothing to someone who does not already know it)."""
    if not username or not password:
        return None
    user = User.objects.filter(username=username, is_active=False,
                               participant_profile__email_verified_at__isnull=True).first()
    if user is None or not user.check_password(password):
        return None
    return user


def account_for_sign_in(identifier: str) -> str:
    """The username to authenticate: people sign in with their e-mail address."""
    identifier = (identifier or "").strip()
    if "@" not in identifier:
        return identifier
    username = (with_email(normalise_email(identifier))
                .values_list("username", flat=True).first())
    return username or identifier


# ---- profile ---------------------------------------------------------------------------------

PROFILE_FIELDS = ("full_name", "phone", "preferred_language", "pen_name", "position",
                  "workplace", "postal_address", "nationality", "residence")
_USER_FIELDS = ("full_name", "phone", "preferred_language")
_LIMITS = {"full_name": 200, "phone": 30, "pen_name": 200, "position": 200, "workplace": 300,
           "postal_address": 500}


def profile_values(user: User) -> dict[str, str]:
    profile = profile_of(user) or ParticipantProfile(user=user)
    return {name: getattr(user if name in _USER_FIELDS else profile, name)
            for name in PROFILE_FIELDS}


def profile_errors(changes: dict[str, Any]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The changes cleaned (NFC, one line, trimmed), and what is wrong with them by field."""
    clean: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name, value in changes.items():
        if name not in PROFILE_FIELDS:
            errors[name] = [_("This is not a profile field.")]
            continue
        if name in _LIMITS:
            value, problems = _text(value, limit=_LIMITS[name], required=name == "full_name",
                                    multiline=name == "postal_address")
            if not problems and name == "phone" and value and (
                    not _PHONE.match(value) or sum(c.isdigit() for c in value) < 6):
                problems = [_("Enter a phone number: digits, spaces and + ( ) - only, "
                              "e.g. +84 24 3825 3825.")]
        else:
            value = (value or "").strip() if isinstance(value, str) else value
            choices = {"preferred_language": LANGUAGES, "residence": ("", *Residence.values),
                       "nationality": ("", *CODES)}[name]
            if name == "nationality" and isinstance(value, str):
                value = value.upper()
            problems = [] if value in choices else [_("Choose one of the options.")]
        if problems:
            errors[name] = problems
        else:
            clean[name] = value
    return clean, errors


def update_profile(user: User, changes: dict[str, Any], *, actor=None) -> ParticipantProfile:
    """Change some profile fields; raises ParticipantError naming each wrong field and changes
    nothing then. The audit names the fields changed, not their values."""
    clean, errors = profile_errors(changes)
    if errors:
        raise ParticipantError(errors)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        profile, _created = ParticipantProfile.objects.get_or_create(user=user)
        changed = []
        for name, value in clean.items():
            target = user if name in _USER_FIELDS else profile
            if getattr(target, name) != value:
                setattr(target, name, value)
                changed.append(name)
        if changed:
            if user_changed := [name for name in changed if name in _USER_FIELDS]:
                user.save(update_fields=user_changed)
            profile.save()
            audit.record("participant.profile_updated", actor=actor or user, target=profile,
                         after={"user": user.pk, "fields": changed})
    return profile


# ---- the person's rights: access and erasure -------------------------------------------------

def export_personal_data(user: User, *, actor=None) -> dict[str, Any]:
    """Everything held about the person, as one JSON-able document (their right of access)."""
    profile = profile_of(user)
    consents = list(user.consents.all())
    grants = list(user.role_grants.select_related("edition", "unit", "council"))
    tokens = list(user.api_tokens.all())
    document: dict[str, Any] = {
        "format": "giaithuong-personal-data/1",
        "generated_at": timezone.now(),
        "account": {
            "full_name": user.full_name, "email": user.email, "phone": user.phone,
            "preferred_language": user.preferred_language, "date_joined": user.date_joined,
            "last_login": user.last_login, "is_active": user.is_active,
        },
        "profile": None if profile is None else {
            "pen_name": profile.pen_name, "position": profile.position,
            "workplace": profile.workplace, "postal_address": profile.postal_address,
            "nationality": profile.nationality, "residence": profile.residence,
            "email_verified_at": profile.email_verified_at,
            "pending_email": profile.pending_email,
            "created_at": profile.created_at, "updated_at": profile.updated_at,
        },
        "consents": [{"purpose": c.purpose, "text_version": c.text_version,
                      "language": c.language, "given_at": c.given_at,
                      "withdrawn_at": c.withdrawn_at, "ip_address_hash": c.ip_hash}
                     for c in consents],
        "roles": [{"role": g.role, "edition": str(g.edition or ""), "unit": str(g.unit or ""),
                   "council": str(g.council or ""), "granted_at": g.granted_at}
                  for g in grants],
        "api_tokens": [{"name": t.name, "prefix": t.prefix, "created_at": t.created_at,
                        "last_used_at": t.last_used_at, "revoked_at": t.revoked_at}
                       for t in tokens],
        "audit_events": [
            {"at": e.at, "action": e.action, "by": e.actor_label, "object": e.target_label,
             "before": e.before, "after": e.after}
            for e in _events_about(user, profile, consents, grants, tokens)],
    }
    for source in data_sources():
        document[source.section] = source.export(user)
    audit.record("personal_data.exported", actor=actor or user, target=_audit_target(user),
                 after={"user": user.pk})
    return document


def _events_about(user, profile, consents, grants, tokens):
    about = Q(actor=user) | Q(target_type=User._meta.label, target_id=str(user.pk))
    for model, rows in ((ParticipantProfile, [profile] if profile else []),
                        (Consent, consents), (RoleGrant, grants), (ApiToken, tokens)):
        if rows:
            about |= Q(target_type=model._meta.label,
                       target_id__in=[str(row.pk) for row in rows])
    return AuditEvent.objects.filter(about).order_by("at", "id")


@dataclass(frozen=True)
class Erasure:
    """What erasure did: everything (`complete`), or all but what the award record keeps."""

    complete: bool
    kept: tuple[str, ...] = ()


def request_erasure(user: User, *, actor=None) -> Erasure:
    """Erase what is not needed for the award record, withdraw consent and close the account.

    Without submitted entries nothing is kept: the account is anonymised. With them, the name
    and e-mail address stay with the entries and their receipts (the award's record, and the
    way to tell the person the outcome); the rest is erased either way."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        address, language = user.email, user.preferred_language
        kept: list[str] = []
        for source in data_sources():
            if source.erase is not None:
                kept.extend(str(item) for item in source.erase(user) or ())
        now = timezone.now()
        withdrawn = user.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
        ParticipantProfile.objects.filter(user=user).delete()
        user.api_tokens.all().delete()
        user.role_grants.all().delete()
        user.phone = user.first_name = user.last_name = ""
        user.is_active = False
        user.set_unusable_password()  # also ends every session the person has open
        if kept:
            kept.insert(0, str(_("your full name and e-mail address, on your submitted "
                                 "entries")))
        else:
            user.full_name = user.email = ""
            user.username = f"erased-{user.pk}"
        user.save()
        audit.record("participant.erased", actor=actor or user, target=user,
                     after={"user": user.pk, "complete": not kept, "kept": len(kept),
                            "consents_withdrawn": withdrawn})
        result = Erasure(complete=not kept, kept=tuple(kept))
    if address:
        _send("accounts/participants/mail/erased",
              {"result": result, "language": language}, address)
    return result
