"""``python manage.py certificate_keys [--rotate]``: the keys that sign certificates.

Without options it lists them (the current one first). ``--rotate`` makes a new current key
(the first one, if there is none); earlier keys are retired but kept, so the credentials they
signed keep verifying and their status lists stay signed.
"""

from django.core.management.base import BaseCommand

from certificates.models import SigningKey
from certificates.services.keys import signing_key_rotate


class Command(BaseCommand):
    help = "List the credential signing keys, or rotate to a new one with --rotate."

    def add_arguments(self, parser):
        parser.add_argument("--rotate", action="store_true", help="make a new current key")

    def handle(self, *args, rotate=False, **options):
        if rotate:
            key = signing_key_rotate()
            self.stdout.write(self.style.SUCCESS(f"New current key: {key.did}"))
        keys = SigningKey.objects.order_by("-current", "-created_at")
        if not keys:
            self.stdout.write("No signing key yet: run with --rotate to make one.")
        for key in keys:
            state = "current" if key.current else f"retired {key.retired_at:%Y-%m-%d}"
            count = key.certificates.count()
            self.stdout.write(f"{key.did}  {state}  {count} certificates")
