"""tus endpoints, mounted at /uploads/ outside the language prefixes (programs, not pages).

No namespace: the names are `upload_collection` and `upload_resource`.
"""

from django.urls import path

from giaithuong.uploads import views

urlpatterns = [
    path("", views.upload_collection, name="upload_collection"),
    path("<uuid:upload_id>", views.upload_resource, name="upload_resource"),
]
