"""Routes of the units pages (see views/units.py)."""

from django.urls import path

from giaithuong.directives.views import units as views

urlpatterns: list = [
    path("units/", views.units, name="units"),
    path("units/import/", views.units_import, name="units_import"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("units/<int:unit_id>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:unit_id>/children/new/", views.unit_add_child, name="unit_add_child"),
    path("units/<int:unit_id>/groups/", views.unit_groups, name="unit_groups"),
    path("units/<int:unit_id>/officers/", views.unit_officers, name="unit_officers"),
    path("units/<int:unit_id>/export.xlsx", views.unit_export_xlsx, name="unit_export_xlsx"),
    path("units/<int:unit_id>/export.csv", views.unit_export_csv, name="unit_export_csv"),
]
