"""`giaithuong find_duplicates`: index submitted entries and flag possible duplicates."""

from django.core.management.base import BaseCommand

from giaithuong.entries import duplicates

BATCH = 250  # entries indexed and compared together, as after submits


class Command(BaseCommand):
    help = ("Compute the similarity signature of submitted entries that have none (entries "
            "submitted before duplicate detection existed, or whose detection failed) and flag "
            "possible duplicates for intake. Submits do this themselves; this catches up. "
            "Flags already found are kept as they are.")

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", dest="everything",
                            help="Index every live entry again, not only those without one.")

    def handle(self, *args, everything, **options):
        ids = list(duplicates.entries_to_index(everything=everything)
                   .values_list("pk", flat=True))
        pairs = set()
        for start in range(0, len(ids), BATCH):
            pairs.update(flag.pk for flag in duplicates.flag_duplicates_of(
                ids[start:start + BATCH]))
        self.stdout.write(f"indexed {len(ids)} entr{'y' if len(ids) == 1 else 'ies'}; "
                          f"{len(pairs)} possible duplicate pair(s) among them")
