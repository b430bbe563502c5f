from django.urls import path

from giaithuong.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("categories/<slug:code>/", views.category_detail, name="category"),
    path("timeline/", views.timeline, name="timeline"),
    path("rules/", views.rules, name="rules"),
    path("take-part/", views.how_to_take_part, name="take_part"),
    path("contact/", views.contact, name="contact"),
    path("faq/", views.faq, name="faq"),
]
