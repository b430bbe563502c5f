from django.core.management.base import BaseCommand, CommandError

from giaithuong.accounts.models import User
from giaithuong.accounts.services import create_api_token


class Command(BaseCommand):
    help = "Create an API token for a user and print it once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="script")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        _, raw = create_api_token(user, name)
        self.stdout.write(raw)
