"""Intake pages, mounted at /intake/ inside the language prefixes (namespace "intake")."""

from django.urls import path

from giaithuong.entries import intake_views as views

app_name = "intake"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("entries/<int:entry_id>/", views.entry_page, name="entry"),
    path("entries/<int:entry_id>/files/<int:file_id>/original", views.file_original,
         name="file_original"),
    path("entries/<int:entry_id>/files/<int:file_id>/blind", views.file_blind,
         name="file_blind"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/<int:flag_id>/", views.duplicate, name="duplicate"),
]
