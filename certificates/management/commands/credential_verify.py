"""Check an Open Badges 3.0 credential: signature, dates and status list for this site's own;
the signature of another issuer's when its DID carries its key. Reads a VC-JWT, a ``.json``
envelope or a baked PNG/SVG badge (the same reader as the verification page)."""

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from certificates.credential_check import credential_check
from certificates.credential_files import CredentialFileError, credential_token_from_bytes

FILE_SUFFIXES = (".jwt", ".txt", ".json", ".png", ".svg")

MESSAGES = {
    "valid": "valid: signature verifies with a published key, within its dates, not revoked",
    "revoked": "revoked: its bit is set in the status list",
    "expired": "expired: past validUntil",
    "not_yet_valid": "not yet valid: before validFrom",
    "invalid": "invalid: the signature does not verify with any key this site published for it",
    "malformed": "malformed: not an Open Badges VC-JWT",
    "other_issuer": "cannot check: issued by another issuer (its key cannot be resolved offline)",
    "other_valid": "another issuer's credential: the signature verifies with the key its DID carries and it is "
    "within its dates (its revocation status is not fetched)",
    "other_invalid": "invalid: the signature does not verify with the key the issuer's DID carries",
}


class Command(BaseCommand):
    help = (
        "Verify an Open Badges 3.0 credential: a file (.jwt, .json, a baked .png or .svg badge), "
        "'-' for standard input, or the VC-JWT itself."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "credential", help="A file (.jwt, .json, baked .png/.svg), '-' for stdin, or the VC-JWT itself."
        )
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
        if result.status not in ("valid", "other_valid"):
            raise CommandError(f"credential is {result.status}", returncode=2)

    def _read(self, credential: str) -> str:
        if credential == "-":
            data = sys.stdin.buffer.read(settings.CREDENTIAL_UPLOAD_MAX_BYTES + 1)
        elif credential.count(".") == 2 and "/" not in credential and not credential.endswith(FILE_SUFFIXES):
            return credential  # the token itself (base64url has no "/"; a file name would)
        else:
            try:
                with Path(credential).open("rb") as handle:
                    data = handle.read(settings.CREDENTIAL_UPLOAD_MAX_BYTES + 1)
            except OSError as error:
                raise CommandError(f"cannot read {credential}: {error}") from error
        try:
            return credential_token_from_bytes(data)
        except CredentialFileError as error:
            raise CommandError(str(error), returncode=2) from error
