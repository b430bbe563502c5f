from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UploadsConfig(AppConfig):
    name = "giaithuong.uploads"
    verbose_name = _("Uploads")

    def ready(self):
        from giaithuong.uploads.memory import keep_large_buffers_in_heap

        # Every web process receives uploads: read their bodies without page-fault churn.
        keep_large_buffers_in_heap()
