"""Create a self-signed issuer key and certificate (ECDSA P-256, PKCS#12) for development and the demo."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from certificates.demo import issuer_key_ensure


class Command(BaseCommand):
    help = "Write a self-signed development issuer to CERTIFICATE_ISSUER_PKCS12 (never for production)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Replace an existing file (a key replacement).")
        parser.add_argument("--common-name", default="Học Số — chứng chỉ học tập (phát triển)")
        parser.add_argument("--organisation", default="Học Số (dữ liệu minh hoạ)")
        parser.add_argument("--days", type=int, default=3650)

    def handle(self, *args, **options):
        path = Path(settings.CERTIFICATE_ISSUER_PKCS12)
        if path.exists() and not options["force"]:
            raise CommandError(f"{path} exists; use --force to replace it.")
        fingerprint = issuer_key_ensure(
            replace=options["force"],
            common_name=options["common_name"],
            organisation=options["organisation"],
            days=options["days"],
        )
        self.stdout.write(f"Issuer written to {path}\nSHA-256 fingerprint: {fingerprint}")
