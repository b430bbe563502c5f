"""Routes of the coverage pages and the cascade graph (see views/coverage.py)."""

from django.urls import path

from giaithuong.directives.views import coverage as views

urlpatterns: list = [
    path("coverage/", views.coverage_home, name="coverage_home"),
    path("coverage/<int:root_id>/<int:unit_id>/", views.coverage, name="coverage"),
    path("coverage/<int:root_id>/<int:unit_id>/table/", views.coverage_table,
         name="coverage_table"),
    path("coverage/<int:root_id>/<int:unit_id>/table.csv", views.coverage_csv,
         name="coverage_csv"),
    path("letters/<int:letter_id>/graph/", views.cascade_graph, name="cascade_graph"),
    path("letters/<int:letter_id>/graph.svg", views.cascade_graph_svg, name="cascade_graph_svg"),
]
