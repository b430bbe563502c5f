"""Routes of the importing pages (see views/importing.py)."""

urlpatterns: list = []
