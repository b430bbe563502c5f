"""Routes of the exchange pages (see views/exchange.py)."""

urlpatterns: list = []
