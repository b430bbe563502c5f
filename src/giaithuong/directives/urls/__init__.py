"""Routes of the cascade pages, gathered from one module per area."""

from giaithuong.directives.urls import coverage, exchange, importing, letters, units

app_name = "directives"
urlpatterns = [
    *letters.urlpatterns,
    *coverage.urlpatterns,
    *units.urlpatterns,
    *importing.urlpatterns,
    *exchange.urlpatterns,
]
