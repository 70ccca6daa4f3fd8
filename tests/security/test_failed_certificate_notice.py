"""A failed certificate says administrators were told — and they are: an e-mail to each, with the reason."""

import pytest
from django.core import mail

from certificates.models import Certificate, CertificateStatus
from certificates.services import certificate_retry
from certificates.tasks import certificate_render
from lms.accounts.models import User
from lms.accounts.services import user_name_correct
from tests.certificates.conftest import complete_course
from tests.factories import UserFactory, make_course

pytestmark = pytest.mark.django_db


def test_a_failed_certificate_emails_every_administrator_with_the_reason(client, issuer_key, admin_user, settings):
    settings.ADMINS = [("Trực kỹ thuật", "kythuat@example.vn")]
    english_admin = UserFactory(is_superuser=True, is_staff=True, language="en", email="admin.en@example.vn")
    UserFactory(is_superuser=True, is_active=False, email="cu@example.vn")  # a former administrator
    learner = UserFactory(full_name="Nguyễn Văn Hùng")
    User.objects.filter(pk=learner.pk).update(full_name="王小明")  # stored before the name policy
    enrollment = complete_course(learner, make_course("Chữ ký số", modules=1, lessons_per_module=1))
    certificate = Certificate.objects.get(enrollment=enrollment)
    mail.outbox.clear()

    certificate_render.apply(args=[certificate.pk])

    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.FAILED
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([admin_user.email, english_admin.email, "kythuat@example.vn"])
    vietnamese = next(message for message in mail.outbox if message.to == [admin_user.email])
    assert certificate.code_display in vietnamese.subject
    assert "王" in vietnamese.body and "Họ và tên có ký tự không in được" in vietnamese.body
    assert "/admin/certificates/failed/" in vietnamese.body
    english = next(message for message in mail.outbox if message.to == [english_admin.email])
    assert "Could not" in english.subject or "could not" in english.body.lower()

    client.force_login(learner)
    body = client.get("/learn/certificates/").content.decode()
    assert "Quản trị viên đã được báo qua email để xử lý." in body

    mail.outbox.clear()
    certificate_render.apply(args=[certificate.pk])  # already failed: nothing more to tell
    assert mail.outbox == []

    # The administrator corrects the name and retries: the certificate prints the corrected name.
    user_name_correct(actor=admin_user, user=learner, full_name="Vương Tiểu Minh", reason="Theo giấy tờ")
    certificate_retry(actor=admin_user, certificate=certificate)
    certificate_render.apply(args=[certificate.pk])
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.ISSUED
    assert certificate.frozen["full_name"] == "Vương Tiểu Minh"
