from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntriesConfig(AppConfig):
    name = "giaithuong.entries"
    verbose_name = _("Entries")

    def ready(self):
        from giaithuong.accounts.participants import register_data_exporter
        from giaithuong.entries.personal_data import erase_entries, export_entries

        # A person's download and erasure include their entries.
        register_data_exporter(export_entries, section="entries", erase=erase_entries)
