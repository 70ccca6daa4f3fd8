"""Create the Open Badges credential key (ECDSA P-256, PKCS#8 PEM) for development and the demo."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from certificates.credential_keys import credential_key_ensure


class Command(BaseCommand):
    help = (
        "Write a new ES256 credential key to CREDENTIAL_ISSUER_KEY. --force replaces it (a rotation: "
        "the old key stays published, so credentials it signed keep verifying)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Replace an existing key (a key rotation).")

    def handle(self, *args, force, **options):
        path = Path(settings.CREDENTIAL_ISSUER_KEY)
        if path.exists() and not force:
            raise CommandError(f"{path} exists; use --force to replace it.")
        kid = credential_key_ensure(replace=force)
        self.stdout.write(f"Credential key written to {path}\nkid (RFC 7638 thumbprint): {kid}")
