"""Routes of the exchange pages (see views/exchange.py)."""

from django.urls import path

from giaithuong.directives.views import exchange as views

urlpatterns: list = [
    path("letters/receive/", views.letter_receive, name="letter_receive"),
    path("letters/<int:letter_id>/edxml/", views.letter_edxml, name="letter_edxml"),
    path("deliveries/<int:delivery_id>/edxml-status/", views.delivery_status_edxml,
         name="delivery_status_edxml"),
    path("deliveries/<int:delivery_id>/remind/", views.delivery_remind, name="delivery_remind"),
]
