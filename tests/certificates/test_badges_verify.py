"""Checking a pasted Open Badges credential: the verification page and ``manage.py credential_verify``."""

import base64
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from joserfc import jws
from joserfc.jwk import ECKey

from certificates.credential_check import credential_check
from certificates.models import Certificate
from certificates.services import certificate_issue, certificate_revoke
from tests.factories import make_course

from .conftest import COURSE, NAME, complete_course

pytestmark = pytest.mark.django_db


def paste(client, token: str):
    response = client.post("/verify/credential/", {"token": token})
    assert response.status_code == 200
    return response.content.decode()


def tampered(token: str) -> str:
    """The same header and signature over a payload whose printed name was changed."""
    header, _payload, signature = token.split(".")
    claims = json.loads(jws.extract_compact(token.encode()).payload)
    claims["credentialSubject"]["identifier"][1]["identityHash"] = "Nguyễn Văn Giả"
    body = json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode()
    return ".".join([header, base64.urlsafe_b64encode(body).rstrip(b"=").decode(), signature])


def test_the_page_says_valid_then_revoked(issued, client, admin_user):
    page = paste(client, "  " + issued.credential.jwt + "\n")
    assert "verification-valid" in page
    assert "Chứng chỉ Open Badges hợp lệ" in page
    assert NAME in page and COURSE in page and issued.code_display in page
    certificate_revoke(actor=admin_user, certificate=issued, reason="Gian lận trong bài kiểm tra")
    page = paste(client, issued.credential.jwt)
    assert "verification-revoked" in page
    assert "Chứng chỉ Open Badges đã bị thu hồi" in page


def test_the_page_says_invalid_for_a_changed_name_and_malformed_for_garbage(issued, client):
    page = paste(client, tampered(issued.credential.jwt))
    assert "verification-invalid" in page
    assert "Nguyễn Văn Giả" not in page  # nothing from a forged credential is shown
    assert "verification-malformed" in paste(client, "không phải chứng chỉ")


def test_a_credential_from_another_issuer_cannot_be_checked(db, client):
    key = ECKey.generate_key("P-256")
    claims = {
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:web:other.example", "type": ["Profile"], "name": "Trường khác"},
        "iss": "did:web:other.example",
    }
    token = jws.serialize_compact(
        {"alg": "ES256", "kid": "did:web:other.example#1", "typ": "vc+jwt"}, json.dumps(claims).encode(), key
    )
    page = paste(client, token)
    assert "verification-other_issuer" in page
    assert "Không kiểm tra được" in page


def test_a_validity_period_ends_the_credential(issuer_key, nhung):
    course = make_course("An toàn thông tin cơ bản", modules=1, lessons_per_module=1)
    course.validity_months = 12
    course.save()
    enrollment = complete_course(nhung, course)
    certificate = certificate_issue(certificate_id=Certificate.objects.get(enrollment=enrollment).pk)
    token = certificate.credential.jwt
    assert credential_check(token=token).status == "valid"
    after = credential_check(token=token, now=certificate.issued_at + timedelta(days=800))
    assert after.status == "expired"


def test_the_command_checks_a_token_a_file_and_says_revoked(issued, admin_user, tmp_path, capsys):
    call_command("credential_verify", issued.credential.jwt)
    assert capsys.readouterr().out.startswith("valid")
    path = tmp_path / "credential.jwt"
    path.write_text(issued.credential.jwt + "\n", encoding="utf-8")
    call_command("credential_verify", str(path), "--json")
    assert json.loads(capsys.readouterr().out)["status"] == "valid"

    certificate_revoke(actor=admin_user, certificate=issued, reason="Gian lận trong bài kiểm tra")
    with pytest.raises(CommandError) as raised:
        call_command("credential_verify", str(path))
    assert raised.value.returncode == 2
    assert capsys.readouterr().out.startswith("revoked")
    with pytest.raises(CommandError):
        call_command("credential_verify", tampered(issued.credential.jwt))
    assert capsys.readouterr().out.startswith("invalid")
