"""Check an Open Badges credential (VC-JWT) issued by this site: signature, dates, status list."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certificates.credential_check import credential_check

MESSAGES = {
    "valid": "valid: signature verifies with a published key, within its dates, not revoked",
    "revoked": "revoked: its bit is set in the status list",
    "expired": "expired: past validUntil",
    "not_yet_valid": "not yet valid: before validFrom",
    "invalid": "invalid: the signature does not verify with any key this site published for it",
    "malformed": "malformed: not an Open Badges VC-JWT",
    "other_issuer": "cannot check: issued by another issuer (its key cannot be resolved offline)",
}


class Command(BaseCommand):
    help = "Verify an Open Badges 3.0 VC-JWT (a file, '-' for standard input, or the token itself)."

    def add_arguments(self, parser):
        parser.add_argument("credential", help="A file holding the VC-JWT, '-' for stdin, or the VC-JWT itself.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the result as JSON.")

    def handle(self, *args, credential, as_json=False, **options):
        token = self._read(credential)
        result = credential_check(token=token)
        if as_json:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(MESSAGES[result.status])
            for label, value in (
                ("issuer", result.issuer),
                ("name", result.name),
                ("achievement", result.achievement),
                ("certificate", result.certificate_code),
            ):
                if value:
                    self.stdout.write(f"{label}: {value}")
        if result.status != "valid":
            raise CommandError(f"credential is {result.status}", returncode=2)

    def _read(self, credential: str) -> str:
        if credential == "-":
            return sys.stdin.read()
        if credential.count(".") == 2 and "/" not in credential and not credential.endswith((".jwt", ".txt", ".json")):
            return credential  # the token itself (base64url has no "/"; a file name would)
        try:
            return Path(credential).read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot read {credential}: {error}") from error
