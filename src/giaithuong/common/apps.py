from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "giaithuong.common"
    verbose_name = _("Audit log")
