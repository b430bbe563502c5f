import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from giaithuong.accounts.roles import COUNCIL_SCOPED, UNIT_SCOPED, Role
from giaithuong.common import plain_sql


class User(AbstractUser):
    """A person using the platform (người dùng). Roles come from `RoleGrant` rows."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, default="vi",
        choices=[("vi", "Tiếng Việt"), ("en", "English")],
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # One account per address, whatever its case: registration and sign-in by e-mail
            # rely on it, and it holds under concurrent registrations.
            models.UniqueConstraint(Lower("email"), condition=~Q(email=""),
                                    name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def role_names(self) -> frozenset[str]:
        """The roles this person holds (in any scope), read once per request."""
        cached = getattr(self, "_role_names", None)
        if cached is None:
            # Asked on every request with a role check: written out (see `common.plain_sql`).
            cached = frozenset(role for (role,) in plain_sql.rows(
                f"SELECT {plain_sql.column(RoleGrant, 'role')} "  # noqa: S608
                f"FROM {plain_sql.table(RoleGrant)} "
                f"WHERE {plain_sql.column(RoleGrant, 'user')} = %s", [self.pk]))
            self._role_names = cached
        return cached

    def has_role(self, role: str) -> bool:
        return str(role) in self.role_names()


class RoleGrant(models.Model):
    """A role held by a person, scoped to an edition, an organisation unit or a council
    (phân quyền)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants",
                             verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    edition = models.ForeignKey("editions.Edition", null=True, blank=True,
                                on_delete=models.CASCADE, verbose_name=_("edition"))
    unit = models.ForeignKey("directives.OrganisationUnit", null=True, blank=True,
                             on_delete=models.CASCADE, verbose_name=_("organisation unit"))
    council = models.ForeignKey("judging.Council", null=True, blank=True,
                                on_delete=models.CASCADE, verbose_name=_("council"))
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "edition", "unit", "council"],
                name="rolegrant_unique", nulls_distinct=False,
            ),
            models.CheckConstraint(
                name="rolegrant_unit_scope",
                condition=~Q(role__in=sorted(str(r) for r in UNIT_SCOPED)) | Q(unit__isnull=False),
            ),
            models.CheckConstraint(
                name="rolegrant_council_scope",
                condition=(~Q(role__in=sorted(str(r) for r in COUNCIL_SCOPED))
                           | Q(council__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        # The person by id, not name: this label is copied into the audit log, never erased.
        scope = self.unit or self.council or self.edition or ""
        return f"{self.get_role_display()} {scope} · user {self.user_id}".replace("  ", " ")


class ApiToken(models.Model):
    """A token for scripts calling the API (mã truy cập API). Only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def new_raw() -> str:
        return "gt_" + secrets.token_urlsafe(32)


class Residence(models.TextChoices):
    VIETNAM = "vietnam", _("In Vietnam")
    ABROAD = "abroad", _("Abroad")


class ParticipantProfile(models.Model):
    """What a participant tells about themself (hồ sơ người dự thi): the details the award's
    entry file asks of an author. Full name, phone and preferred language live on `User`."""

    user = models.OneToOneField(User, on_delete=models.CASCADE,
                                related_name="participant_profile", verbose_name=_("user"))
    pen_name = models.CharField(_("pen name"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    workplace = models.CharField(_("workplace"), max_length=300, blank=True)
    postal_address = models.CharField(_("postal address"), max_length=500, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, blank=True,
                                   help_text=_("ISO 3166 country code, e.g. VN."))
    residence = models.CharField(_("residence"), max_length=10, blank=True,
                                 choices=Residence.choices)
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    # A new address asked for, in use once its link is opened.
    pending_email = models.EmailField(_("new e-mail address, not yet verified"), blank=True)
    verification_sent_at = models.DateTimeField(_("verification last sent at"), null=True,
                                                blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("participant profile")
        verbose_name_plural = _("participant profiles")

    def __str__(self) -> str:
        # No name here: this label is copied into the audit log, which is never erased.
        return f"participant {self.user_id}"

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    # Read-only views of the account's own fields, so a profile shows the whole person.
    @property
    def full_name(self) -> str:
        return self.user.full_name

    @property
    def phone(self) -> str:
        return self.user.phone

    @property
    def preferred_language(self) -> str:
        return self.user.preferred_language


class ConsentPurpose(models.TextChoices):
    PARTICIPATION = "participation", _("Taking part in the award")


class Consent(models.Model):
    """A person's consent to the processing of their personal data for one purpose (sự đồng ý
    xử lý dữ liệu cá nhân, the Personal Data Protection Law): which text, when, and when
    withdrawn."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents",
                             verbose_name=_("user"))
    purpose = models.CharField(_("purpose"), max_length=40, choices=ConsentPurpose.choices)
    text_version = models.CharField(_("text version"), max_length=20)
    language = models.CharField(_("language shown"), max_length=8, blank=True)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # A keyed hash, never the address itself: enough to match a dispute, not to locate anyone.
    ip_hash = models.CharField(_("IP address hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["given_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "purpose"],
                                    condition=Q(withdrawn_at__isnull=True),
                                    name="consent_one_active_per_purpose"),
        ]

    def __str__(self) -> str:
        return f"consent {self.pk} · {self.purpose} {self.text_version}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
