"""Entries in the admin site: organisers read them; every change goes through the services
(the pages and the API), so nothing here can edit an entry, its files or its history."""

from django.contrib import admin

from giaithuong.common.admin_site import ReadOnlyAdmin
from giaithuong.entries.models import Entry, EntryAuthor, EntryEvent, EntryFile, ReceiptSequence


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuthorInline(_ReadOnlyInline):
    model = EntryAuthor
    fields = ["position", "full_name", "pen_name", "role", "share_percent", "consent_given",
              "email", "user"]
    readonly_fields = fields


class FileInline(_ReadOnlyInline):
    model = EntryFile
    fields = ["role", "original_name", "content_type", "size", "sha256", "duration_seconds",
              "inspected_at", "created_at"]
    readonly_fields = fields


class EventInline(_ReadOnlyInline):
    model = EntryEvent
    fields = ["at", "actor", "action", "from_status", "to_status", "note"]
    readonly_fields = fields


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["receipt_number", "title", "category", "status", "owner", "submitted_at",
                    "updated_at"]
    list_filter = ["status", "edition", "category", "entrant_kind", "language"]
    search_fields = ["receipt_number", "title", "owner__username", "owner__full_name",
                     "owner__email", "authors__full_name"]
    date_hierarchy = "submitted_at"
    list_select_related = ["category", "owner"]
    inlines = [AuthorInline, FileInline, EventInline]


@admin.register(ReceiptSequence)
class ReceiptSequenceAdmin(ReadOnlyAdmin):
    list_display = ["edition", "category", "last_number"]
    list_select_related = ["edition", "category"]
