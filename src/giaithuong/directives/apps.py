from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectivesConfig(AppConfig):
    name = "giaithuong.directives"
    verbose_name = _("Letters and organisation units")
