"""Give an Open Badges credential to issued certificates that have none (issued before it existed)."""

from django.core.management.base import BaseCommand

from certificates.credentials import credentials_backfill


class Command(BaseCommand):
    help = "Make and sign the Open Badges credential of every issued or expired certificate without one."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="At most this many (default: all).")

    def handle(self, *args, limit, **options):
        count = credentials_backfill(limit=limit)
        self.stdout.write(f"{count} credential(s) made.")
