"""Open Badges credentials a learner carries (baked PNG/SVG badge, .json, .jwt, the employer
link) and what the verification page and ``manage.py credential_verify`` read back (issue 17)."""

import base64
import io
import json
import struct
import zlib
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import CommandError, call_command
from django.utils import timezone
from joserfc import jws
from joserfc.jwk import ECKey, OKPKey
from PIL import Image

from certificates.credential_check import credential_check, did_public_jwk
from certificates.credential_files import (
    CredentialFileError,
    badge_png,
    badge_svg,
    credential_envelope,
    credential_token_from_bytes,
)
from certificates.models import Certificate
from certificates.services import certificate_issue, certificate_revoke
from tests.factories import UserFactory, make_course

from .conftest import COURSE, NAME, complete_course
from .test_badges_verify import tampered

pytestmark = pytest.mark.django_db


def download(client, certificate, fmt: str):
    return client.get(f"/learn/certificates/{certificate.code_display}/open-badges.{fmt}")


def upload(client, name: str, data: bytes, content_type: str = "application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/verify/credential/", {"file": SimpleUploadedFile(name, data, content_type=content_type)})


def png_with_text_chunk(keyword: str, text: bytes, *, compressed: bool = False) -> bytes:
    """A tiny PNG whose iTXt chunk is written by hand (as another baker would)."""
    plain = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(plain, format="PNG")
    data = plain.getvalue()
    body = keyword.encode() + b"\0" + (b"\1\0" if compressed else b"\0\0") + b"\0\0"
    body += zlib.compress(text) if compressed else text
    chunk = struct.pack(">I", len(body)) + b"iTXt" + body + struct.pack(">I", zlib.crc32(b"iTXt" + body))
    end = data.rindex(b"IEND") - 4
    return data[:end] + chunk + data[end:]


# --- Downloads ------------------------------------------------------------------------------


def test_the_owner_downloads_a_baked_png_that_carries_the_credential(issued, client):
    client.force_login(issued.user)
    response = download(client, issued, "png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert f"chung-chi-{issued.code_display}-open-badges.png" in response["Content-Disposition"]
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (512, 512)
    assert image.text["openbadgecredential"] == issued.credential.jwt  # what any PNG reader sees
    assert credential_token_from_bytes(response.content) == issued.credential.jwt


def test_the_svg_json_and_jwt_downloads_carry_the_same_credential(issued, client):
    client.force_login(issued.user)
    svg = download(client, issued, "svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in svg.content
    assert COURSE.encode() in svg.content
    assert credential_token_from_bytes(svg.content) == issued.credential.jwt
    envelope = json.loads(download(client, issued, "json").content)
    assert envelope["type"] == "EnvelopedVerifiableCredential"
    assert envelope["id"] == "data:application/vc+jwt," + issued.credential.jwt
    assert download(client, issued, "jwt").content.decode() == issued.credential.jwt
    assert download(client, issued, "pdf").status_code == 404


def test_nobody_else_downloads_it_and_a_revoked_one_is_not_offered(issued, client, admin_user):
    client.force_login(UserFactory(email="khac@example.vn"))
    assert download(client, issued, "png").status_code == 404
    client.force_login(issued.user)
    page = client.get("/learn/certificates/").content.decode()
    assert "Tải ảnh huy hiệu (PNG)" in page
    assert f"/credentials/{issued.credential.public_id}/" in page
    certificate_revoke(actor=admin_user, certificate=issued, reason="Cấp nhầm người")
    assert download(client, issued, "png").status_code == 404
    assert "Tải ảnh huy hiệu (PNG)" not in client.get("/learn/certificates/").content.decode()


def test_the_credential_id_is_its_public_id_and_the_narrative_lists_the_learning_outcomes(issuer_key, nhung):
    course = make_course("Văn bản điện tử và chữ ký số", modules=1, lessons_per_module=1)
    course.objectives = (
        "<ul><li>Ký số một văn bản <b>đúng quy trình</b></li><li>Kiểm tra chữ ký &amp; thời điểm ký</li></ul>"
    )
    course.save()
    enrollment = complete_course(nhung, course)
    certificate = certificate_issue(certificate_id=Certificate.objects.get(enrollment=enrollment).pk)
    payload = certificate.credential.payload
    assert payload["id"] == f"urn:uuid:{certificate.credential.public_id}"
    narrative = payload["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert "- Ký số một văn bản đúng quy trình\n- Kiểm tra chữ ký & thời điểm ký" in narrative
    assert payload["credentialSubject"]["achievement"]["inLanguage"] == "vi"


# --- Uploads on the verification page ------------------------------------------------------


@pytest.mark.parametrize("fmt", ["png", "svg", "json", "jwt"])
def test_each_downloaded_file_uploaded_to_the_verification_page_is_valid(issued, client, fmt):
    client.force_login(issued.user)
    data = download(client, issued, fmt).content
    client.logout()
    response = upload(client, f"huy-hieu.{fmt}", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "verification-valid" in page and "Chứng chỉ Open Badges hợp lệ" in page
    assert NAME in page and issued.code_display in page


def test_an_uploaded_badge_says_revoked_after_revocation(issued, admin_user, client):
    data = badge_png(issued.credential)
    certificate_revoke(actor=admin_user, certificate=issued, reason="Gian lận trong bài kiểm tra")
    page = upload(client, "huy-hieu.png", data).content.decode()
    assert "verification-revoked" in page


def test_a_badge_baked_with_a_changed_credential_is_invalid(issued, client):
    forged = tampered(issued.credential.jwt)
    page = upload(client, "huy-hieu.png", png_with_text_chunk("openbadgecredential", forged.encode())).content
    assert b"verification-invalid" in page and "Nguyễn Văn Giả".encode() not in page
    compressed = png_with_text_chunk("openbadgecredential", issued.credential.jwt.encode(), compressed=True)
    assert b"verification-valid" in upload(client, "nen.png", compressed).content


def test_files_without_a_credential_get_a_clear_message_and_nothing_else(issued, client):
    plain = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(plain, format="PNG")
    cases = {
        "anh.png": (plain.getvalue(), "Ảnh PNG này không mang chứng chỉ Open Badges"),
        "anh.svg": (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "Ảnh SVG này không mang chứng chỉ"),
        "bom.svg": (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><svg>&a;</svg>',
            "Tệp SVG không đọc được",
        ),
        "ld.json": (json.dumps({"type": ["VerifiableCredential"], "proof": {}}).encode(), "Data Integrity"),
        "ghi-chu.txt": ("không phải chứng chỉ".encode(), "Không tìm thấy chứng chỉ Open Badges trong tệp này"),
    }
    for name, (data, message) in cases.items():
        response = upload(client, name, data)
        assert response.status_code == 400, name
        assert message in response.content.decode(), name
    empty = client.post("/verify/credential/", {"token": ""})
    assert empty.status_code == 400
    assert "Hãy dán chứng chỉ Open Badges hoặc chọn một tệp" in empty.content.decode()


def test_an_upload_over_the_limit_is_refused_by_its_length(client, settings):
    settings.CREDENTIAL_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(CredentialFileError, match="Tệp quá lớn"):
        credential_token_from_bytes(b"x" * 1025)
    response = upload(client, "lon.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (200 * 1024))
    assert response.status_code == 413
    assert "Tệp quá lớn: tối đa" in response.content.decode()


# --- The employer link -----------------------------------------------------------------------


def test_the_employer_link_checks_the_credential_when_opened(issued, admin_user, client):
    url = f"/credentials/{issued.credential.public_id}/"
    page = client.get(url)
    assert page.status_code == 200 and page["X-Robots-Tag"] == "noindex"
    assert "verification-valid" in page.content.decode() and NAME in page.content.decode()
    assert client.get(url + "?format=jwt").content.decode() == issued.credential.jwt
    certificate_revoke(actor=admin_user, certificate=issued, reason="Cấp nhầm người")
    assert "verification-revoked" in client.get(url).content.decode()
    assert client.get("/credentials/00000000-0000-4000-8000-000000000000/").status_code == 404


def test_the_command_reads_a_baked_badge(issued, tmp_path, capsys):
    path = tmp_path / "huy-hieu.png"
    path.write_bytes(badge_png(issued.credential))
    call_command("credential_verify", str(path))
    assert capsys.readouterr().out.startswith("valid")
    svg = tmp_path / "huy-hieu.svg"
    svg.write_text(badge_svg(issued.credential), encoding="utf-8")
    envelope = tmp_path / "chung-chi.json"
    envelope.write_text(json.dumps(credential_envelope(issued.credential)), encoding="utf-8")
    for path in (svg, envelope):
        call_command("credential_verify", str(path), "--json")
        assert json.loads(capsys.readouterr().out)["status"] == "valid"
    empty = tmp_path / "trong.png"
    empty.write_bytes(png_with_text_chunk("khac", b"x"))
    with pytest.raises(CommandError, match="không mang chứng chỉ"):
        call_command("credential_verify", str(empty))


# --- Other issuers ---------------------------------------------------------------------------


ED25519_CODEC = b"\xed\x01"
P256_CODEC = b"\x80\x24"


def _multibase(prefix: bytes, raw: bytes) -> str:
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    data = prefix + raw
    number = int.from_bytes(data, "big")
    text = ""
    while number:
        number, rest = divmod(number, 58)
        text = alphabet[rest] + text
    return "z" + "1" * (len(data) - len(data.lstrip(b"\0"))) + text


def _foreign_token(did: str, key, alg: str, *, kid: str | None = None, valid_until=None) -> str:
    claims = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Trường Cao đẳng Kỹ thuật"},
        "iss": did,
        "validFrom": (timezone.now() - timedelta(days=1)).isoformat(),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {"type": "IdentityObject", "identityHash": "Trần Văn Bình", "identityType": "name", "hashed": False}
            ],
            "achievement": {"type": ["Achievement"], "name": "Tin học văn phòng"},
        },
    }
    if valid_until:
        claims["validUntil"] = valid_until.isoformat()
    header = {"alg": alg, "kid": kid if kid is not None else f"{did}#0", "typ": "vc+jwt"}
    return jws.serialize_compact(header, json.dumps(claims, ensure_ascii=False).encode(), key, algorithms=[alg])


def _did_key_ed25519():
    key = OKPKey.generate_key("Ed25519")
    raw = key.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "did:key:" + _multibase(ED25519_CODEC, raw), key


def _did_key_p256():
    key = ECKey.generate_key("P-256")
    point = key.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    return "did:key:" + _multibase(P256_CODEC, point), key


def _did_jwk_p256():
    key = ECKey.generate_key("P-256")
    public = json.dumps(key.as_dict(private=False), separators=(",", ":")).encode()
    return "did:jwk:" + base64.urlsafe_b64encode(public).rstrip(b"=").decode(), key


@pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")
@pytest.mark.parametrize(
    ("make", "alg"), [(_did_key_ed25519, "EdDSA"), (_did_key_p256, "ES256"), (_did_jwk_p256, "ES256")]
)
def test_another_issuers_credential_is_checked_when_its_did_carries_its_key(client, make, alg):
    did, key = make()
    assert did_public_jwk(did) == {k: v for k, v in key.as_dict(private=False).items() if k in ("kty", "crv", "x", "y")}
    token = _foreign_token(did, key, alg)
    result = credential_check(token=token)
    assert (result.status, result.foreign, result.name) == ("other_valid", True, "Trần Văn Bình")
    page = client.post("/verify/credential/", {"token": token}).content.decode()
    assert "verification-other_valid" in page and "không tra được danh sách thu hồi" in page

    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["achievement"]["name"] = "Quản trị mạng"
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert credential_check(token=f"{header}.{body}.{signature}").status == "other_invalid"

    other_did, _other_key = make()
    assert credential_check(token=_foreign_token(did, key, alg, kid=f"{other_did}#0")).status == "other_issuer"
    expired = _foreign_token(did, key, alg, valid_until=timezone.now() - timedelta(hours=1))
    assert (credential_check(token=expired).status, credential_check(token=expired).foreign) == ("expired", True)


def test_a_did_web_issuer_elsewhere_cannot_be_checked_offline():
    key = ECKey.generate_key("P-256")
    result = credential_check(token=_foreign_token("did:web:truong.example.vn", key, "ES256"))
    assert result.status == "other_issuer"
    assert did_public_jwk("did:web:truong.example.vn") is None
    assert did_public_jwk("did:key:z0OIl") is None  # not base58
