"""Declare an issuer key compromised (see the replacement procedure in docs/architecture.md)."""

from django.core.management.base import BaseCommand, CommandError

from certificates.assets import issuer_key_declare_compromised
from certificates.models import Certificate, CertificateStatus, IssuerKey
from certificates.services import CertificateError, certificate_reissue
from lms.audit.commands import actor_argument_add, command_actor


class Command(BaseCommand):
    help = "Mark an issuer key compromised; with --reissue, reissue every certificate it signed."

    def add_arguments(self, parser):
        parser.add_argument("fingerprint", help="SHA-256 fingerprint (hex, colons allowed).")
        parser.add_argument("--reason", required=True)
        parser.add_argument("--reissue", action="store_true")
        actor_argument_add(parser)

    def handle(self, *args, fingerprint, reason, reissue, actor, **options):
        actor = command_actor(email=actor, command="certificates_issuer_compromised")
        key = IssuerKey.objects.filter(fingerprint=fingerprint.replace(":", "").lower()).first()
        if key is None:
            raise CommandError("No issuer key with that fingerprint.")
        affected = issuer_key_declare_compromised(actor=actor, key=key, reason=reason)
        self.stdout.write(f"Key {key.fingerprint} compromised; {affected} issued certificate(s) signed with it.")
        if reissue:
            done = 0
            for certificate in Certificate.objects.filter(issuer_key=key, status=CertificateStatus.ISSUED):
                try:
                    certificate_reissue(actor=actor, certificate=certificate, reason=reason)
                    done += 1
                except CertificateError as error:
                    self.stderr.write(f"{certificate.code_display}: {error}")
            self.stdout.write(f"Reissued {done} certificate(s); the worker signs them with the current key.")
