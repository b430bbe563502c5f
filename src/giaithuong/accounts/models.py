import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from giaithuong.accounts.roles import COUNCIL_SCOPED, UNIT_SCOPED, Role


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

    def __str__(self) -> str:
        return self.full_name or self.username

    def role_names(self) -> frozenset[str]:
        """The roles this person holds (in any scope), read once per request."""
        cached = getattr(self, "_role_names", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True))
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
        scope = self.unit or self.council or self.edition or ""
        return f"{self.user} · {self.get_role_display()} {scope}".strip()


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
