"""The pipeline without a worker: request, idempotency, constraints, failure and retry,
revoke, reissue, expiry, regeneration, personal data and anonymisation."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from certificates import services, tasks
from certificates.codes import code_display, code_generate, code_normalise
from certificates.models import Certificate, CertificateStatus, CertificateTemplate
from certificates.services import CertificateError
from courses.completion import Completion
from lms.accounts.personal_data import personal_data_collect
from lms.accounts.services import user_anonymise
from lms.audit.models import AuditEntry
from lms.jobs.models import BackgroundJob
from tests.factories import make_course
from tests.fixtures.jobs import run_jobs

from .conftest import NAME, complete_course, pdf_bytes

pytestmark = pytest.mark.django_db


def test_codes_have_60_bits_and_typed_codes_are_normalised():
    code = code_generate()
    assert len(code) == 12 and code_normalise(code) == code
    assert code_normalise("7k3m-q9za-h2pd") == "7K3MQ9ZAH2PD"
    assert code_normalise("7K3M Q9ZA H2PD") == "7K3MQ9ZAH2PD"
    assert code_normalise("OIL0-1111-2222") == "0110" + "11112222"
    assert code_display("7K3MQ9ZAH2PD") == "7K3M-Q9ZA-H2PD"
    for bad in ("", "7K3M-Q9ZA", "7K3M-Q9ZA-H2PU", "<script>", "x" * 100):
        assert code_normalise(bad) is None
    assert len({code_generate() for _ in range(2000)}) == 2000


def test_completion_stores_a_pending_certificate_with_frozen_data(nhung, course, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        enrollment = complete_course(nhung, course)
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.status == CertificateStatus.PENDING and certificate.kind == "course"
    assert certificate.frozen["full_name"] == NAME
    assert certificate.frozen["course_title"] == course.title
    assert certificate.frozen["completed_on"] == timezone.localdate(enrollment.completed_at).isoformat()
    assert len(callbacks) >= 1  # the enqueue, after commit


def test_the_same_completion_delivered_twice_gives_one_certificate(nhung, course):
    enrollment = complete_course(nhung, course)
    from certificates.hooks import on_completion

    event = Completion(kind="course", user=nhung, enrollment=enrollment)
    on_completion(event)
    on_completion(event)
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


def test_the_database_refuses_a_second_current_certificate(nhung, course):
    enrollment = complete_course(nhung, course)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(code=code_generate(), kind="course", user=nhung, enrollment=enrollment, frozen={})
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(code=code_generate(), kind="path", user=nhung, enrollment=enrollment, frozen={})


def test_a_broken_broker_never_breaks_the_learners_request(client, nhung, course, monkeypatch, password):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.certificate_render, "apply_async", refuse)
    from courses.services import enrollment_create
    from tests.factories import course_lessons

    enrollment_create(user=nhung, course=course)
    client.force_login(nhung)
    lessons = course_lessons(course)
    for lesson in lessons:
        response = client.post(f"/learn/lesson/{lesson.pk}/done/")
        assert response.status_code == 302
    certificate = Certificate.objects.get(user=nhung)
    assert certificate.status == CertificateStatus.PENDING and certificate.enqueued_at is None


def test_issue_is_idempotent_and_emails_the_learner_in_their_language(issued, django_capture_on_commit_callbacks):
    assert issued.status == CertificateStatus.ISSUED
    first_pdf = issued.pdf
    assert services.certificate_issue(certificate_id=issued.pk).pdf == first_pdf  # second run: no-op
    issued.user.language = "en"
    issued.user.save()
    from certificates.notifications import certificate_issued_notify

    assert certificate_issued_notify(certificate_id=issued.pk)
    assert not certificate_issued_notify(certificate_id=issued.pk)  # once
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [issued.user.email] and message.extra_headers["Content-Language"] == "en"
    assert f"/certificates/{issued.code_display}/download/" in message.body
    assert f"/verify/{issued.code_display}/" in message.body


def test_transient_errors_retry_then_fail_and_an_administrator_retries(
    nhung, course, issuer_key, monkeypatch, admin_user, client
):
    enrollment = complete_course(nhung, course)
    certificate = Certificate.objects.get(enrollment=enrollment)
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        raise OSError("storage unreachable")

    monkeypatch.setattr("certificates.rendering.certificate_pdf", flaky)
    monkeypatch.setattr(tasks.settings, "CERTIFICATE_RENDER_MAX_RETRIES", 2)
    tasks.certificate_render.apply(args=[certificate.pk])  # retries run inline here
    certificate.refresh_from_db()
    assert len(calls) == 3
    assert certificate.status == CertificateStatus.FAILED and "storage unreachable" in certificate.last_error

    monkeypatch.undo()
    client.force_login(admin_user)
    page = client.get("/admin/certificates/failed/")
    assert page.status_code == 200 and certificate.code_display in page.content.decode()
    response = client.post(f"/admin/certificates/failed/{certificate.pk}/retry/")
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.PENDING
    assert AuditEntry.objects.filter(action="certificate.retry", target_id=str(certificate.pk)).exists()
    services.certificate_issue(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.ISSUED


def test_a_failure_after_the_pdf_is_stored_leaves_no_orphan_file(nhung, course, issuer_key, monkeypatch):
    """The row lock times out (or the connection drops) after the PDF was written: that file is
    deleted, and the retry stores exactly one PDF for the certificate."""
    from django.db import OperationalError

    from certificates.assets import certificate_storage

    certificate = Certificate.objects.get(enrollment=complete_course(nhung, course))
    storage = certificate_storage()
    folder = f"certificates/{timezone.now():%Y}"

    def files_of_this_certificate():
        names = storage.listdir(folder)[1] if storage.exists(folder) else []
        return [name for name in names if name.startswith(certificate.code)]

    def lock_timeout(*args, **kwargs):
        raise OperationalError("canceling statement due to lock timeout")

    monkeypatch.setattr(services, "_certificate_mark_issued", lock_timeout)
    with pytest.raises(OperationalError):
        services.certificate_issue(certificate_id=certificate.pk)
    assert files_of_this_certificate() == []
    monkeypatch.undo()
    issued = services.certificate_issue(certificate_id=certificate.pk)
    assert issued.status == CertificateStatus.ISSUED
    assert files_of_this_certificate() == [str(issued.pdf).rsplit("/", 1)[1]]


def test_a_permanent_error_fails_at_once(nhung, course, monkeypatch):
    enrollment = complete_course(nhung, course)
    certificate = Certificate.objects.get(enrollment=enrollment)
    monkeypatch.setattr(services.settings, "CERTIFICATE_ISSUER_PKCS12", "/nonexistent/issuer.p12")
    tasks.certificate_render.apply(args=[certificate.pk])
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.FAILED
    assert "certificates_issuer_create" in certificate.last_error


def test_failed_screen_is_for_administrators_only(client, learner):
    client.force_login(learner)
    assert client.get("/admin/certificates/failed/").status_code in (302, 403)


def test_sweeper_reenqueues_old_pending_certificates(nhung, course, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.certificate_render, "apply_async", lambda args, **kw: sent.append(args[0]))
    enrollment = complete_course(nhung, course)
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert services.certificates_pending_sweep() == 0  # younger than the threshold
    Certificate.objects.filter(pk=certificate.pk).update(requested_at=timezone.now() - timedelta(minutes=10))
    assert services.certificates_pending_sweep() == 1
    assert sent == [certificate.pk]
    assert services.certificates_pending_sweep() == 0  # just enqueued: not again until it ages


def test_revoke_and_reissue(issued, admin_user):
    with pytest.raises(CertificateError):
        services.certificate_revoke(actor=admin_user, certificate=issued, reason="  ")
    issued.user.full_name = "Nguyễn Thị Hồng Nhung Sửa"
    issued.user.save()
    new = services.certificate_reissue(actor=admin_user, certificate=issued, reason="Sửa họ tên theo CCCD")
    issued.refresh_from_db()
    assert issued.status == CertificateStatus.SUPERSEDED and issued.superseded_by == new
    assert new.status == CertificateStatus.PENDING and new.frozen["full_name"] == "Nguyễn Thị Hồng Nhung Sửa"
    assert issued.frozen["full_name"] == NAME
    new = services.certificate_issue(certificate_id=new.pk)
    revoked = services.certificate_revoke(actor=admin_user, certificate=new, reason="Gian lận khi thi")
    assert revoked.status == CertificateStatus.REVOKED and revoked.revoked_by == admin_user
    assert {"certificate.reissue", "certificate.revoke"} <= set(AuditEntry.objects.values_list("action", flat=True))
    with pytest.raises(CertificateError):
        services.certificate_reissue(actor=admin_user, certificate=revoked, reason="x")


def test_a_reissue_after_a_name_correction_prints_the_corrected_name(issued, admin_user, client, tmp_path):
    from lms.accounts.services import user_name_correct

    from .conftest import pdftotext

    corrected = "Nguyễn Thị Hồng Nhung Sửa"
    user_name_correct(actor=admin_user, user=issued.user, full_name=corrected, reason="Theo đề nghị của người học")
    new = services.certificate_reissue(actor=admin_user, certificate=issued, reason="Sửa họ tên")
    assert new.frozen["full_name"] == corrected
    new = services.certificate_issue(certificate_id=new.pk)
    path = tmp_path / "new.pdf"
    path.write_bytes(pdf_bytes(new))
    assert corrected in pdftotext(path)
    old = client.get(f"/verify/{issued.code_display}/", {"format": "json"}).json()
    assert old["status"] == "superseded" and old["full_name"] == NAME
    assert old["superseded_by"]["code"] == new.code_display
    current = client.get(f"/verify/{new.code_display}/", {"format": "json"}).json()
    assert current["status"] == "valid" and current["full_name"] == corrected
    reissue = AuditEntry.objects.get(action="certificate.reissue")
    assert reissue.subject == issued.user and reissue.reason == "Sửa họ tên"
    assert reissue.data["changes"] == {"code": [issued.code, new.code], "full_name": [NAME, corrected]}
    services.certificate_revoke(actor=admin_user, certificate=new, reason="Cấp nhầm")
    revoke = AuditEntry.objects.get(action="certificate.revoke")
    assert revoke.subject == issued.user and revoke.data["changes"] == {"status": ["issued", "revoked"]}


def test_expiry_and_reminder(nhung, issuer_key):
    course = make_course("An toàn thông tin cơ bản", modules=1, lessons_per_module=1, validity_months=12)
    enrollment = complete_course(nhung, course)
    certificate = services.certificate_issue(certificate_id=Certificate.objects.get(enrollment=enrollment).pk)
    # A year after the (Vietnamese) completion day, whatever today is on this machine's clock.
    expected = date.fromisoformat(certificate.frozen["completed_on"]) + relativedelta(years=1)
    assert certificate.expires_on == expected
    from certificates.notifications import expiry_reminders_send

    assert expiry_reminders_send(today=expected - timedelta(days=60)) == 0
    assert expiry_reminders_send(today=expected - timedelta(days=10)) == 1
    assert expiry_reminders_send(today=expected - timedelta(days=9)) == 0  # once
    assert course.url.rstrip("/") in mail.outbox[-1].body
    assert services.certificates_expire(today=expected) == 0
    assert services.certificates_expire(today=expected + timedelta(days=1)) == 1
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.EXPIRED


def test_bulk_regeneration_rerenders_with_the_new_template(issued, admin_user, course, client):
    template = CertificateTemplate.objects.create(name="Mẫu mới", issuer_name="Sở Nội vụ tỉnh Bắc Ninh")
    template.courses.add(course)
    old_pdf = issued.pdf
    client.force_login(admin_user)
    response = client.post("/admin/certificates/regenerate/", {"course": course.pk})
    assert response.status_code == 302
    job = BackgroundJob.objects.get(kind="certificates.regenerate")
    assert job.progress_total == 1
    run_jobs()  # what the worker runs
    job.refresh_from_db()
    issued.refresh_from_db()
    assert (job.status, job.result, job.percent) == ("done", {"done": 1, "failed": 0}, 100)
    assert issued.pdf != old_pdf and issued.template == template and issued.code in issued.pdf
    assert b"%PDF" in pdf_bytes(issued)[:8]
    page = client.get("/admin/certificates/regenerate/")
    assert "Chữ ký số" in page.content.decode()


def test_regeneration_is_for_editors_and_administrators(client, learner):
    client.force_login(learner)
    assert client.get("/admin/certificates/regenerate/").status_code in (302, 403)


def test_certificates_are_in_my_data_and_survive_anonymisation(issued, client):
    user = issued.user
    rows = personal_data_collect(user=user)["certificates"]["rows"]
    assert rows[0]["code"] == issued.code_display and rows[0]["full_name_on_certificate"] == NAME
    user_anonymise(user=user)
    response = client.get(f"/verify/{issued.code_display}/?format=json")
    assert response.json()["status"] == "valid" and response.json()["full_name"] == NAME
