"""The administration site: open to organisers (and superusers) only, every change audited."""

from django.contrib import admin
from django.forms.models import model_to_dict

from giaithuong.accounts.roles import Role
from giaithuong.common import audit


def is_organiser(user) -> bool:
    if not user.is_active:
        return False
    return user.is_superuser or (user.is_staff and user.has_role(Role.ORGANISER))


class OrganiserAdminSite(admin.AdminSite):
    site_header = "Giải thưởng TTĐN · Quản trị"
    site_title = "Giải thưởng TTĐN"

    def has_permission(self, request):
        return is_organiser(request.user)


def _snapshot(obj) -> dict:
    data = model_to_dict(obj)
    return {key: (value if isinstance(value, str | int | float | bool | type(None)) else str(value))
            for key, value in data.items() if key != "password"}


class OrganiserAdmin(admin.ModelAdmin):
    """Organisers manage these objects; each save or delete writes an audit event."""

    def has_module_permission(self, request):
        return is_organiser(request.user)

    def has_view_permission(self, request, obj=None):
        return is_organiser(request.user)

    def has_add_permission(self, request):
        return is_organiser(request.user)

    def has_change_permission(self, request, obj=None):
        return is_organiser(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_organiser(request.user)

    def save_model(self, request, obj, form, change):
        before = _snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit.record(f"admin.{obj._meta.model_name}.{'changed' if change else 'added'}",
                     actor=request.user, target=obj, before=before, after=_snapshot(obj))

    def delete_model(self, request, obj):
        before = _snapshot(obj)
        audit.record(f"admin.{obj._meta.model_name}.deleted", actor=request.user, target=obj,
                     before=before)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdmin(OrganiserAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
