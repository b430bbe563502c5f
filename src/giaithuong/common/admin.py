from django.contrib import admin

from giaithuong.common.admin_site import ReadOnlyAdmin
from giaithuong.common.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "target_type", "target_label"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_label", "action", "target_label", "target_id"]
    date_hierarchy = "at"
