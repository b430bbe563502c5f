"""The participant's entry pages, under /entries/ (and /en/entries/)."""

from django.urls import path

from giaithuong.entries.views import editing, files, listing, status

app_name = "entries"

urlpatterns = [
    path("", listing.entry_list, name="list"),
    path("new/<slug:code>/", listing.new_entry, name="new"),
    path("<int:entry_id>/", status.detail, name="detail"),
    path("<int:entry_id>/edit/", editing.edit, name="edit"),
    path("<int:entry_id>/autosave/", editing.autosave, name="autosave"),
    path("<int:entry_id>/violations/", editing.violations, name="violations"),
    path("<int:entry_id>/files/", files.files_panel, name="files"),
    path("<int:entry_id>/files/add/", files.add_file, name="add_file"),
    path("<int:entry_id>/files/<int:file_id>/", files.download_file, name="file"),
    path("<int:entry_id>/files/<int:file_id>/remove/", files.remove_file, name="remove_file"),
    path("<int:entry_id>/submit/", status.submit, name="submit"),
    path("<int:entry_id>/withdraw/", status.withdraw, name="withdraw"),
    path("<int:entry_id>/receipt.pdf", status.receipt, name="receipt"),
]
