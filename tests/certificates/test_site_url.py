"""The QR code and URL printed in a signed certificate, and certificate e-mails, are on SITE_URL."""

import re
from datetime import timedelta

import pytest
from django.core import mail

from certificates import services
from certificates.models import Certificate
from certificates.notifications import certificate_issued_notify, expiry_reminders_send
from tests.factories import make_course

from .conftest import COURSE, complete_course, pdf_bytes, pdftotext, qr_decode

pytestmark = pytest.mark.django_db

SITE = "http://hocso.test:8781"
LINK = re.compile(r"https?://[^\s<>\"']+")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def links(message) -> list[str]:
    found = LINK.findall(message.body)
    assert found, f"no link in {message.subject!r}"
    return found


def assert_links_on_site_url(message):
    for link in links(message):
        assert link.startswith(SITE + "/"), link
    assert "127.0.0.1:8000" not in message.body


def test_qr_code_and_printed_url_use_site_url(issuer_key, nhung, tmp_path):
    course = make_course(COURSE, modules=1, lessons_per_module=1)
    enrollment = complete_course(nhung, course)
    certificate = services.certificate_issue(certificate_id=Certificate.objects.get(enrollment=enrollment).pk)
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf_bytes(certificate))
    expected = f"{SITE}/verify/{certificate.code_display}/"
    assert qr_decode(path, tmp_path) == expected
    text = re.sub(r"\s+", "", pdftotext(path))
    assert expected in text and "127.0.0.1:8000" not in text


def test_certificate_emails_link_to_site_url(issuer_key, nhung):
    course = make_course("An toàn thông tin cơ bản", modules=1, lessons_per_module=1, validity_months=12)
    enrollment = complete_course(nhung, course)
    certificate = services.certificate_issue(certificate_id=Certificate.objects.get(enrollment=enrollment).pk)
    mail.outbox.clear()
    Certificate.objects.filter(pk=certificate.pk).update(notified_at=None)
    assert certificate_issued_notify(certificate_id=certificate.pk)
    (issued,) = mail.outbox
    assert f"{SITE}/verify/{certificate.code_display}/" in links(issued)
    assert_links_on_site_url(issued)
    assert expiry_reminders_send(today=certificate.expires_on - timedelta(days=10)) == 1
    expiry = mail.outbox[-1]
    assert any(link.startswith(SITE + course.url.rstrip("/")) for link in links(expiry))
    assert_links_on_site_url(expiry)
