"""Open Badges 3.0 credentials: one per issued certificate, VC-JWT verifiable with the published
keys, revocation through the Bitstring Status List (docs/open-badges.md)."""

import hashlib
import io
import json

import pytest
from django.core.management import call_command
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from certificates.credential_keys import credential_key_ensure
from certificates.credentials import credential_issue, status_list_decode
from certificates.models import Certificate, Credential, CredentialKey
from certificates.selectors import verify_url
from certificates.services import certificate_issue, certificate_reissue, certificate_revoke
from courses.models import Topic
from tests.factories import UserFactory, make_course

from .conftest import COURSE, NAME, complete_course

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8781"
DID = "did:web:127.0.0.1%3A8781"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def published_keys(client) -> KeySet:
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwk-set+json"
    return KeySet.import_key_set(response.json())


def verified(token: str, keys: KeySet):
    """The JWS verified with ES256 against ``keys`` (raises ``JoseError`` otherwise)."""
    return jws.deserialize_compact(token, keys, algorithms=["ES256"])


def claims_of(certificate) -> dict:
    return json.loads(jws.extract_compact(certificate.credential.jwt.encode()).payload)


def test_an_issued_certificate_has_exactly_one_credential(issued):
    credential = Credential.objects.get(certificate=issued)
    # A duplicate delivery of the render task, and a second call of the service itself.
    assert certificate_issue(certificate_id=issued.pk).status == "issued"
    assert credential_issue(certificate=Certificate.objects.get(pk=issued.pk)) == credential
    assert Credential.objects.filter(certificate=issued).count() == 1
    assert Credential.objects.get(certificate=issued).jwt == credential.jwt
    assert credential.jwt.count(".") == 2


def test_the_jwt_verifies_with_the_key_published_in_the_jwks(issued, client):
    credential = issued.credential
    result = verified(credential.jwt, published_keys(client))
    header = result.headers()
    assert header["alg"] == "ES256"
    assert header["typ"] == "vc+jwt"
    assert header["kid"] == f"{DID}#{credential.key.kid}"
    assert json.loads(result.payload)["id"] == credential.payload["id"]


@pytest.mark.parametrize("segment", [0, 1, 2])
def test_changing_one_character_breaks_verification(issued, client, segment):
    keys = published_keys(client)
    token = issued.credential.jwt
    parts = token.split(".")
    middle = len(parts[segment]) // 2  # not the last character: its low bits may be padding
    original = parts[segment][middle]
    parts[segment] = parts[segment][:middle] + ("A" if original != "A" else "B") + parts[segment][middle + 1 :]
    tampered = ".".join(parts)
    assert tampered != token
    verified(token, keys)  # the original still verifies
    with pytest.raises(JoseError):
        verified(tampered, keys)


def test_the_credential_is_an_open_badge_from_the_frozen_data(issued, nhung):
    claims = claims_of(issued)
    assert claims["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["issuer"]["id"] == DID
    assert claims["issuer"]["type"] == ["Profile"]
    assert claims["issuer"]["name"] == issued.frozen["issuer_name"]
    assert claims["name"] == COURSE
    # OB 3.0 §8.2.4: registered claims mirror the credential.
    assert claims["iss"] == DID
    assert claims["jti"] == claims["id"] and claims["id"].startswith("urn:uuid:")
    assert claims["validFrom"].endswith("Z")
    assert claims["nbf"] == int(issued.issued_at.timestamp())
    assert "validUntil" not in claims and "exp" not in claims  # the course has no validity period

    subject = claims["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    email, name = subject["identifier"]
    assert email["type"] == "IdentityObject"
    assert email["identityType"] == "emailAddress"
    assert email["hashed"] is True
    assert len(email["salt"]) == 32
    expected = hashlib.sha256((nhung.email.lower() + email["salt"]).encode()).hexdigest()
    assert email["identityHash"] == f"sha256${expected}"
    assert nhung.email not in json.dumps(claims)  # the address itself never travels
    assert name == {"type": "IdentityObject", "identityHash": NAME, "identityType": "name", "hashed": False}

    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["id"].startswith("urn:uuid:")
    assert achievement["name"] == COURSE
    assert achievement["description"]
    assert COURSE in achievement["criteria"]["narrative"]
    course = issued.enrollment.course
    assert achievement["criteria"]["id"] == SITE + course.url
    (alignment,) = achievement["alignment"]
    assert alignment["type"] == ["Alignment"]
    assert alignment["targetCode"] == course.topic
    assert alignment["targetName"] == str(dict(Topic.choices)[course.topic])
    assert alignment["targetUrl"] == f"{SITE}{course.get_parent().url}?topic={course.topic}"

    assert claims["evidence"][0]["id"] == verify_url(issued.code)
    assert claims["evidence"][0]["id"].startswith(SITE + "/")
    status = claims["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["statusListCredential"] == f"{SITE}/credentials/status/{issued.credential.status_list}"
    assert status["statusListIndex"] == str(issued.credential.status_index)


def test_validity_period_becomes_valid_until_and_exp(issuer_key, nhung):
    course = make_course("An toàn thông tin cơ bản", modules=1, lessons_per_module=1)
    course.validity_months = 24
    course.save()
    enrollment = complete_course(nhung, course)
    certificate = certificate_issue(certificate_id=Certificate.objects.get(enrollment=enrollment).pk)
    claims = claims_of(certificate)
    assert claims["validUntil"].startswith(str(certificate.expires_on.year))
    assert claims["exp"] > claims["nbf"]


def test_did_document_lists_the_published_keys(issued, client):
    jwk = client.get("/.well-known/jwks.json").json()["keys"][0]
    assert set(jwk) == {"kty", "crv", "x", "y", "kid", "alg", "use"}  # no private "d"
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200
    document = response.json()
    assert document["id"] == DID
    method = document["verificationMethod"][0]
    assert method["id"] == jwk["kid"] == f"{DID}#{issued.credential.key.kid}"
    assert method["type"] == "JsonWebKey"
    assert method["controller"] == DID
    assert method["publicKeyJwk"] == {name: jwk[name] for name in ("kty", "crv", "x", "y")}
    assert document["assertionMethod"] == [method["id"]]


def test_after_a_key_rotation_old_and_new_credentials_both_verify(issued, client, course):
    old = issued.credential
    credential_key_ensure(replace=True)  # a new key file: the rotation
    other = UserFactory(full_name="Trần Văn Bình", email="binh@example.vn")
    enrollment = complete_course(other, course)
    new = certificate_issue(certificate_id=Certificate.objects.get(enrollment=enrollment).pk).credential
    assert new.key != old.key
    assert CredentialKey.objects.get(active=True) == new.key
    keys = published_keys(client)
    assert len(keys.keys) == 2
    verified(old.jwt, keys)
    verified(new.jwt, keys)


def status_bits(client, status_list: int) -> bytes:
    response = client.get(f"/credentials/status/{status_list}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    result = verified(response.content.decode(), published_keys(client))  # the list's signature verifies
    assert result.headers()["typ"] == "vc+jwt"
    status = json.loads(result.payload)
    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status["issuer"] == status["iss"] == DID
    subject = status["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    assert subject["encodedList"].startswith("u")
    bits = status_list_decode(subject["encodedList"])
    assert len(bits) * 8 >= 131072
    return bits


def bit(bits: bytes, index: int) -> int:
    return (bits[index // 8] >> (7 - index % 8)) & 1


def test_revoking_a_certificate_flips_its_bit_in_the_signed_status_list(issued, client, admin_user):
    credential = issued.credential
    assert bit(status_bits(client, credential.status_list), credential.status_index) == 0
    certificate_revoke(actor=admin_user, certificate=issued, reason="Gian lận trong bài kiểm tra")
    bits = status_bits(client, credential.status_list)
    assert bit(bits, credential.status_index) == 1
    assert sum(bin(byte).count("1") for byte in bits) == 1  # no other credential's bit


def test_a_reissue_revokes_the_old_credential_and_the_new_one_gets_its_own(issued, client, admin_user):
    old = issued.credential
    new_certificate = certificate_reissue(actor=admin_user, certificate=issued, reason="Sửa họ tên")
    new = certificate_issue(certificate_id=new_certificate.pk).credential
    assert (new.status_list, new.status_index) != (old.status_list, old.status_index)
    bits = status_bits(client, old.status_list)
    assert bit(bits, old.status_index) == 1
    assert bit(bits, new.status_index) == 0


def test_an_unused_status_list_is_not_found(client):
    assert client.get("/credentials/status/99").status_code == 404


def test_backfill_gives_older_certificates_their_credential_once(issued, client):
    Credential.objects.filter(certificate=issued).delete()  # as if issued before Open Badges
    out = io.StringIO()
    call_command("credentials_backfill", stdout=out)
    assert out.getvalue().startswith("1 credential(s)")
    credential = Credential.objects.get(certificate=issued)
    verified(credential.jwt, published_keys(client))
    out = io.StringIO()
    call_command("credentials_backfill", stdout=out)
    assert out.getvalue().startswith("0 credential(s)")
    assert Credential.objects.filter(certificate=issued).count() == 1


def test_a_published_change_to_the_course_shows_in_the_next_credential(issued, course):
    """What the achievement takes from the course page is kept with the published content: a
    publish retires it, so the next credential describes the course as it is now."""
    assert claims_of(issued)["credentialSubject"]["achievement"]["description"] != "Tóm tắt mới sau khi biên tập."
    course.summary = "Tóm tắt mới sau khi biên tập."
    course.save_revision().publish()

    learner = UserFactory(full_name="Lê Văn Hai", email="hai@example.vn")
    enrollment = complete_course(learner, course)
    certificate = certificate_issue(certificate_id=Certificate.objects.get(enrollment=enrollment).pk)

    achievement = claims_of(certificate)["credentialSubject"]["achievement"]
    assert achievement["description"] == "Tóm tắt mới sau khi biên tập."
    assert achievement["criteria"]["id"] == SITE + course.url
