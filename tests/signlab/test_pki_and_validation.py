"""The practice PKI, signing and the platform's own validator (acceptance lines 1 and 2 of issue 16)."""

import hashlib
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.utils import timezone

from signlab import cases, pki, validation
from signlab.documents import document_pdf, sample_document
from signlab.models import PracticeCertificate
from signlab.signing import pdf_sign
from signlab.validation import Verdict
from tests.certificates.conftest import tool
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def learner_signed_pdf(user) -> tuple[bytes, PracticeCertificate]:
    record = pki.certificate_for_signing(user)
    document = sample_document(kind="to_trinh", drafter=user.full_name, issued_on=timezone.localdate())
    signed = pdf_sign(
        document_pdf(document), identity=pki.identity_of(record), field_name="ChuKy", place="signature_block"
    )
    return signed, record


def test_each_of_the_six_cases_is_classified_as_generated():
    documents = cases.check_set_generate(drafter="Trần Thị Mai")
    assert sorted(d.case for d in documents) == sorted(cases.CASES)
    for document in documents:
        report = validation.pdf_validate(document.pdf)
        assert report.verdict == document.case, (document.case, report.as_dict())


def test_two_learners_get_different_files():
    first = cases.check_set_generate(drafter="Trần Thị Mai")
    second = cases.check_set_generate(drafter="Lý Văn Tùng")
    digests_first = {hashlib.sha256(d.pdf).hexdigest() for d in first}
    digests_second = {hashlib.sha256(d.pdf).hexdigest() for d in second}
    assert not digests_first & digests_second
    assert b"" not in {d.pdf for d in first}


def test_a_learner_signature_validates_with_pyhanko_and_pdfsig_and_names_the_learner(tmp_path):
    learner = UserFactory(full_name="Đặng Thu Thảo", email="thao@example.vn")
    signed, record = learner_signed_pdf(learner)
    report = validation.pdf_validate(signed)
    assert report.verdict == Verdict.VALID
    [signature] = report.signatures
    assert signature.signer == "Đặng Thu Thảo" and signature.signer_email == "thao@example.vn"
    assert signature.covers_whole_document and signature.trusted and not signature.revoked
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    output = subprocess.run([tool("pdfsig"), str(path)], capture_output=True, text=True, check=False).stdout
    assert "Signature is Valid" in output and "Total document signed" in output
    assert "Đặng Thu Thảo" in output


def test_a_revoked_practice_certificate_is_reported_revoked_and_listed_in_the_served_crl(client):
    learner = UserFactory(full_name="Võ Minh Khang")
    signed, record = learner_signed_pdf(learner)
    assert validation.pdf_validate(signed).verdict == Verdict.VALID
    pki.certificate_revoke(record=record, reason="Mất điện thoại")
    assert validation.pdf_validate(signed).verdict == Verdict.REVOKED
    response = client.get("/thuc-hanh-ky-so/ca/hoc-so-ca-thuc-hanh.crl")
    assert response.status_code == 200 and response["Content-Type"] == "application/pkix-crl"
    crl = x509.load_der_x509_crl(response.content)
    assert crl.get_revoked_certificate_by_serial_number(int(record.serial_number)) is not None
    root = x509.load_der_x509_certificate(client.get("/thuc-hanh-ky-so/ca/hoc-so-ca-thuc-hanh.crt").content)
    assert crl.is_signature_valid(root.public_key())
    # The certificate names where its CRL is served.
    certificate = pki.load(record.certificate_pem)
    points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert points[0].full_name[0].value.endswith("/thuc-hanh-ky-so/ca/hoc-so-ca-thuc-hanh.crl")
    # After a revocation the learner's next signature uses a new certificate.
    assert pki.certificate_for_signing(learner).pk != record.pk


def test_private_keys_are_encrypted_at_rest():
    learner = UserFactory(full_name="Hà Thị Nga")
    record = pki.certificate_for_signing(learner)
    key = pki.key_decrypt(record.key_encrypted)
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    assert der not in bytes(record.key_encrypted)
    assert key.public_key().public_numbers() == pki.load(record.certificate_pem).public_key().public_numbers()


def test_not_a_pdf_and_a_damaged_pdf_are_reported_unreadable():
    assert validation.pdf_validate(b"GIF89a not a pdf").verdict == Verdict.UNREADABLE
    damaged = validation.pdf_validate(b"%PDF-1.7\n garbage")
    assert damaged.verdict == Verdict.UNREADABLE and "hỏng" in damaged.error


def test_an_expired_practice_certificate_is_replaced_at_the_next_signature():
    learner = UserFactory(full_name="Chu Văn An")
    first = pki.certificate_for_signing(learner)
    PracticeCertificate.objects.filter(pk=first.pk).update(not_valid_after=timezone.now())
    second = pki.certificate_for_signing(learner)
    assert second.pk != first.pk and second.not_valid_after > timezone.now()
    assert pki.load(second.certificate_pem).subject.rfc4514_string().startswith("CN=Chu Văn An,")
