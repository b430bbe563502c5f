from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from giaithuong.api import api
from giaithuong.portal import views as portal_views

admin.site.site_header = "Giải thưởng TTĐN · Quản trị"
admin.site.site_title = "Giải thưởng TTĐN"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("qr/trailer.svg", portal_views.trailer_qr_svg, name="trailer_qr_svg"),
    path("qr/trailer.png", portal_views.trailer_qr_png, name="trailer_qr_png"),
    path("healthz", portal_views.hello, name="hello"),
    path("uploads/", include("giaithuong.uploads.urls")),
]
urlpatterns += i18n_patterns(
    path("", include("giaithuong.portal.urls")),
    path("account/", include("giaithuong.accounts.urls")),
    path("", include("giaithuong.directives.urls")),
    path("entries/", include("giaithuong.entries.urls")),
    path("intake/", include("giaithuong.entries.intake_urls")),
    prefix_default_language=False,
)

handler400 = "giaithuong.common.errors.bad_request"
handler403 = "giaithuong.common.errors.permission_denied"
handler404 = "giaithuong.common.errors.page_not_found"
handler500 = "giaithuong.common.errors.server_error"
