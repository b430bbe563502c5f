"""Routes of the importing pages (see views/importing.py)."""

from django.urls import path

from giaithuong.directives.views import importing as views

urlpatterns: list = [
    path("letters/import/", views.letter_import, name="letter_import"),
]
