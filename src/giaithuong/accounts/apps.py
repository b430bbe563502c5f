from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "giaithuong.accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from giaithuong.accounts.participants import enrol_on_sign_in

        user_logged_in.connect(enrol_on_sign_in, dispatch_uid="accounts.enrol_on_sign_in")
