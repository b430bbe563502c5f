from django.contrib import admin

from giaithuong.common import audit
from giaithuong.common.admin_site import OrganiserAdmin
from giaithuong.directives.models import OrganisationUnit
from giaithuong.directives.services import save_unit


@admin.register(OrganisationUnit)
class OrganisationUnitAdmin(OrganiserAdmin):
    list_display = ["name", "kind", "code", "seat", "parent"]
    list_filter = ["kind", "depth"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent"]

    def save_model(self, request, obj, form, change):
        save_unit(obj, actor=request.user)

    def delete_model(self, request, obj):
        audit.record("unit.deleted", actor=request.user, target=obj, before={"name": obj.name})
        obj.delete()
