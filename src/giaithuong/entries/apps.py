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

        from giaithuong.entries import duplicates, pipeline, signals

        signals.file_attached.connect(pipeline.on_file_attached, dispatch_uid="entries.pipeline")
        signals.entries_submitted.connect(duplicates.on_entries_submitted,
                                          dispatch_uid="entries.duplicates")
