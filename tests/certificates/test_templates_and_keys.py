"""CMS templates (Pillow pre-processing, versions), the issuer key lifecycle, the commands and the demo."""

import io
from pathlib import Path

import pytest
from django.core.files.images import ImageFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Collection

from certificates import services, signing
from certificates.demo import demo_certificates_ensure
from certificates.images import PAGE_PIXELS
from certificates.models import Certificate, CertificateStatus, CertificateTemplate, IssuerKey
from certificates.selectors import certificate_verify
from courses.models import Enrollment, EnrollmentStatus
from lms.audit.services import SYSTEM
from tests.factories import UserFactory, make_course

from .conftest import complete_course

pytestmark = pytest.mark.django_db


def wagtail_image(title: str, size=(2400, 1700), mode="RGBA") -> Image:
    if Collection.get_first_root_node() is None:  # a flushed database (after transactional tests)
        Collection.add_root(name="Root")
    picture = PILImage.effect_noise(size, 60).convert(mode)
    data = io.BytesIO()
    picture.save(data, format="PNG")
    return Image.objects.create(title=title, file=ImageFile(io.BytesIO(data.getvalue()), name=f"{title}.png"))


def test_editing_a_template_in_the_admin_versions_it_and_prepares_images(client, admin_user, course):
    background = wagtail_image("nen")
    seal = wagtail_image("dau", size=(900, 900))
    client.force_login(admin_user)
    data = {
        "name": "Mẫu Sở KH&CN",
        "layout": "classic",
        "title": "GIẤY CHỨNG NHẬN",
        "body": "Đã hoàn thành “{khoa_hoc}”.",
        "issuer_name": "Sở Khoa học và Công nghệ tỉnh Bắc Ninh",
        "place": "Bắc Ninh",
        "signatory_name": "Trần Văn Ký",
        "signatory_title": "Giám đốc",
        "background_image": background.pk,
        "seal_image": seal.pk,
        "is_default": "on",
        "courses": [course.pk],
    }
    response = client.post("/admin/snippets/certificates/certificatetemplate/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    template = CertificateTemplate.objects.get()
    assert template.prepared_version == template.version
    with template.prepared_background.open("rb") as handle:
        prepared = handle.read()
    with PILImage.open(io.BytesIO(prepared)) as image:
        assert (image.format, image.size) == ("JPEG", PAGE_PIXELS)
    assert len(prepared) < background.file.size
    with template.prepared_seal.open("rb") as handle, PILImage.open(handle) as image:
        assert image.format == "PNG" and max(image.size) <= 480
    version = template.version
    data["title"] = "CHỨNG NHẬN"
    response = client.post(f"/admin/snippets/certificates/certificatetemplate/edit/{template.pk}/", data)
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.version == version + 1 and template.prepared_version == template.version


def test_issuer_key_replacement_keeps_old_certificates_valid_until_compromised(settings, tmp_path, admin_user):
    from certificates.demo import issuer_key_ensure

    settings.CERTIFICATE_ISSUER_PKCS12 = str(tmp_path / "issuer.p12")
    first_fingerprint = issuer_key_ensure()
    course = make_course("Văn phòng điện tử", modules=1, lessons_per_module=1)
    first_user, second_user = UserFactory(), UserFactory()
    first = Certificate.objects.get(enrollment=complete_course(first_user, course))
    first = services.certificate_issue(certificate_id=first.pk)
    second_fingerprint = issuer_key_ensure(replace=True)  # the replacement procedure, step 1
    assert second_fingerprint != first_fingerprint
    second = Certificate.objects.get(enrollment=complete_course(second_user, course))
    second = services.certificate_issue(certificate_id=second.pk)
    assert (first.issuer_key.fingerprint, second.issuer_key.fingerprint) == (first_fingerprint, second_fingerprint)
    assert list(IssuerKey.objects.filter(active=True).values_list("fingerprint", flat=True)) == [second_fingerprint]
    assert certificate_verify(typed_code=first.code).status == "valid"
    assert certificate_verify(typed_code=first.code).fingerprint == first.issuer_key.fingerprint_display
    out = io.StringIO()
    call_command("certificates_issuer_compromised", first_fingerprint, "--reason", "Lộ khoá", "--reissue", stdout=out)
    assert "Reissued 1" in out.getvalue()
    assert certificate_verify(typed_code=first.code).status == "superseded"
    assert certificate_verify(typed_code=second.code).status == "valid"
    replacement = Certificate.objects.get(enrollment=first.enrollment, status=CertificateStatus.PENDING)
    replacement = services.certificate_issue(certificate_id=replacement.pk)
    assert replacement.issuer_key.fingerprint == second_fingerprint


def test_a_compromised_key_signs_nothing_more(settings, tmp_path, nhung, course):
    from certificates.assets import issuer_key_declare_compromised
    from certificates.demo import issuer_key_ensure

    settings.CERTIFICATE_ISSUER_PKCS12 = str(tmp_path / "issuer.p12")
    fingerprint = issuer_key_ensure()
    from certificates.assets import issuer_key_record

    key = issuer_key_record(issuer=signing.issuer_signer())
    assert key.fingerprint == fingerprint
    issuer_key_declare_compromised(actor=SYSTEM, key=key, reason="Lộ khoá")
    certificate = Certificate.objects.get(enrollment=complete_course(nhung, course))
    with pytest.raises(signing.IssuerKeyMissing):
        services.certificate_issue(certificate_id=certificate.pk)


def test_issuer_create_command(settings, tmp_path):
    settings.CERTIFICATE_ISSUER_PKCS12 = str(tmp_path / "dev" / "issuer.p12")
    out = io.StringIO()
    call_command("certificates_issuer_create", stdout=out)
    assert Path(settings.CERTIFICATE_ISSUER_PKCS12).stat().st_mode & 0o777 == 0o600
    assert "SHA-256 fingerprint" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("certificates_issuer_create", stdout=out)
    call_command("certificates_issuer_create", "--force", stdout=out)


def test_demo_requests_missing_certificates_without_waiting(settings, tmp_path, monkeypatch):
    from certificates import tasks

    sent = []
    monkeypatch.setattr(tasks.certificate_render, "apply_async", lambda args, **kw: sent.append(args[0]))
    settings.CERTIFICATE_ISSUER_PKCS12 = str(tmp_path / "issuer.p12")
    course = make_course("An toàn thông tin", modules=1, lessons_per_module=1)
    user = UserFactory()
    enrollment = Enrollment.objects.create(
        user=user, course=course, status=EnrollmentStatus.COMPLETED, completed_at=timezone.now()
    )  # completed before certificates existed: no hook ran
    assert demo_certificates_ensure() == 1
    assert Path(settings.CERTIFICATE_ISSUER_PKCS12).exists()
    assert CertificateTemplate.objects.filter(is_default=True).count() == 1
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.status == CertificateStatus.PENDING and sent == [certificate.pk]
    assert demo_certificates_ensure() == 0
