from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from giaithuong.accounts.models import ApiToken, Consent, ParticipantProfile, RoleGrant, User
from giaithuong.common import audit
from giaithuong.common.admin_site import OrganiserAdmin, ReadOnlyAdmin, is_organiser

# Roles are RoleGrant rows, not Django groups.
admin.site.unregister(Group)


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    autocomplete_fields = ["unit"]


class ParticipantProfileInline(admin.StackedInline):
    """Shown, never edited here: participants change their own profile (audited), and erasure
    must not be undone by hand."""

    model = ParticipantProfile
    can_delete = False
    readonly_fields = ["pen_name", "position", "workplace", "postal_address", "nationality",
                       "residence", "email_verified_at", "verification_sent_at", "created_at",
                       "updated_at"]

    def has_view_permission(self, request, obj=None):
        return is_organiser(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(OrganiserAdmin, DjangoUserAdmin):
    inlines = [ParticipantProfileInline, RoleGrantInline]
    list_display = ["username", "full_name", "email", "is_active", "last_login"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "email", "phone", "preferred_language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit.record("role.revoked", actor=request.user, target=obj,
                         before={"role": obj.role, "user": obj.user_id})
            obj.delete()
        for obj in instances:
            obj.save()
            audit.record("role.granted", actor=request.user, target=obj,
                         after={"role": obj.role, "user": obj.user_id, "unit": obj.unit_id,
                                "council": obj.council_id, "edition": obj.edition_id})
        formset.save_m2m()


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["digest"]


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["user", "purpose", "text_version", "language", "given_at", "withdrawn_at"]
    list_filter = ["purpose", "text_version"]
    exclude = ["ip_hash"]
