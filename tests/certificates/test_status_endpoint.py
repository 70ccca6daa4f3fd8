"""The learner's own certificate status as JSON, which the completion page polls (issue 13)."""

import pytest
from django.utils import timezone

from certificates.models import Certificate, CertificateStatus
from tests.certificates.conftest import complete_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_status_endpoint_answers_only_the_owner_and_flips_once_issued(client, nhung, course):
    complete_course(nhung, course)
    certificate = Certificate.objects.get(enrollment__user=nhung)
    url = f"/learn/certificates/{certificate.code_display}/status/"

    assert client.get(url)["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404  # someone else's certificate looks absent

    client.force_login(nhung)
    data = client.get(url).json()
    assert data["status"] == "pending" and data["ready"] is False
    assert data["label"] == "Đang tạo" and data["download_url"] == "" and data["verify_url"] == ""

    Certificate.objects.filter(pk=certificate.pk).update(
        status=CertificateStatus.ISSUED, issued_at=timezone.now(), pdf="certificates/x.pdf"
    )
    response = client.get(url)
    assert response["Cache-Control"].startswith("max-age=0")
    data = response.json()
    assert data["status"] == "issued" and data["ready"] is True and data["label"] == "Đã cấp"
    assert data["download_url"] == f"/certificates/{certificate.code_display}/download/"
    assert data["verify_url"] == f"/verify/{certificate.code_display}/"
    assert client.get("/learn/certificates/KHONG-CO-MA/status/").status_code == 404
