from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from giaithuong.common.admin_site import ReadOnlyAdmin
from giaithuong.editions.models import Award, Category, Edition
from giaithuong.editions.services import set_current_edition


class CategoryInline(admin.TabularInline):
    model = Category
    fields = ["number", "code", "name_vi", "name_en", "is_active"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ["name_vi", "slug", "first_year", "website"]


@admin.register(Edition)
class EditionAdmin(ReadOnlyAdmin):
    """Editions change by loading their file (giaithuong load_edition), never field by field."""

    list_display = ["title_vi", "year", "deadline", "is_current", "revision", "loaded_at"]
    inlines = [CategoryInline]
    exclude = ["spec"]
    actions = ["make_current"]

    @admin.action(description=_("Show this edition on the public site"))
    def make_current(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one edition."), messages.ERROR)
            return
        set_current_edition(queryset.get(), actor=request.user)
        self.message_user(request, _("The public site now shows this edition."))

    def has_change_permission(self, request, obj=None):
        # The changelist action needs change permission; the change form stays read-only.
        return obj is None and super().has_view_permission(request)
