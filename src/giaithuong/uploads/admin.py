from django.contrib import admin

from giaithuong.common.admin_site import ReadOnlyAdmin
from giaithuong.uploads.models import Upload


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdmin):
    """Uploads in progress and waiting to be taken, for organisers watching disk use.
    Written only by the upload services (purge_uploads clears the expired)."""

    list_display = ["filename", "owner", "purpose", "status", "offset", "length", "content_type",
                    "created_at", "expires_at"]
    list_filter = ["status", "purpose", "content_type"]
    search_fields = ["filename", "owner__username", "owner__full_name", "sha256"]
    date_hierarchy = "created_at"
    list_select_related = ["owner"]
