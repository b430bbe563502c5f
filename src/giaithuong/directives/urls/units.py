"""Routes of the units pages (see views/units.py)."""

urlpatterns: list = []
