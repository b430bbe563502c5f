"""Routes of the letters pages (see views/letters.py)."""

urlpatterns: list = []
