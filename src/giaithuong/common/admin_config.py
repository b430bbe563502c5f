from django.contrib.admin.apps import AdminConfig


class GiaithuongAdminConfig(AdminConfig):
    """Django's admin, on a site that only organisers may enter."""

    default_site = "giaithuong.common.admin_site.OrganiserAdminSite"
