"""Routes of the coverage pages (see views/coverage.py)."""

urlpatterns: list = []
