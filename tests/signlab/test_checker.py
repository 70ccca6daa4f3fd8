"""The public "Kiểm tra chữ ký số" tool (acceptance line 4 of issue 16): upload, the worker's check,
the report page, the limits and the clean-up."""

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from signlab import cases, checker, pki
from signlab.documents import document_pdf, sample_document
from signlab.models import PracticeCertificateRole, SignatureCheck, SignatureCheckStatus
from signlab.signing import pdf_sign
from signlab.tasks import signature_check_run
from signlab.validation import VERDICT_LABELS, Verdict
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/kiem-tra-chu-ky-so/"


def upload(client, data: bytes, name: str = "van-ban.pdf", **extra):
    return client.post(URL, {"document": SimpleUploadedFile(name, data, content_type="application/pdf")}, **extra)


def check_and_run(client, data: bytes, name: str = "van-ban.pdf") -> SignatureCheck:
    """Upload as the form does, run the published task inline as a worker would, return the row."""
    response = upload(client, data, name)
    assert response.status_code == 302, response.content[:800]
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    check = SignatureCheck.objects.get(token=token)
    assert response["Location"] == f"{URL}{token}/"
    signature_check_run.apply(args=[check.pk])
    check.refresh_from_db()
    return check


def page_text(client, check: SignatureCheck) -> str:
    response = client.get(f"{URL}{check.token}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_form_is_public_and_linked_from_the_footer(client):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'enctype="multipart/form-data"' in body and "Kiểm tra chữ ký số" in body
    assert f'<a href="{URL}">Kiểm tra chữ ký số</a>' in body


def test_each_of_the_six_cases_gets_its_verdict_on_the_report_page(client):
    for document in cases.check_set_generate(drafter="Trần Thị Mai"):
        check = check_and_run(client, document.pdf, document.file_name)
        assert check.status == SignatureCheckStatus.DONE, check.error
        assert check.report["verdict"] == document.case, (document.case, check.report)
        assert check.upload is None
        body = page_text(client, check)
        assert str(VERDICT_LABELS[document.case]) in body, document.case
        assert "Đang kiểm tra" not in body and 'http-equiv="refresh"' not in body
        assert "không được lưu lại" in body
        if document.case == Verdict.ALTERED:
            assert "Văn bản ĐÃ bị sửa sau khi ký" in body
        if document.case == Verdict.REVOKED:
            assert "Chứng thư số đã bị thu hồi" in body
        if document.case == Verdict.UNTRUSTED:
            assert "Chứng thư số không có trong danh sách tin cậy" in body
            assert "CA Tự Lập Không Được Công Nhận" in body
        if document.case == Verdict.EXPIRED:
            assert "đã hết hạn (hoặc chưa có hiệu lực) khi ký" in body
        if document.case == Verdict.VALID:
            assert "Văn bản không bị sửa sau khi ký" in body and "Chứng thư số còn hiệu lực khi ký" in body
            assert "Nguyễn Thị Lan - Chánh Văn phòng (mẫu)" in body and pki.CA_NAME in body
            assert "Chứng thư số được tin cậy" in body


def test_a_learner_signature_names_the_signer_their_email_and_the_time_in_vietnam(client):
    learner = UserFactory(full_name="Đặng Thu Thảo", email="thao@example.vn")
    record = pki.certificate_for_signing(learner)
    document = sample_document(kind="to_trinh", drafter=learner.full_name, issued_on=timezone.localdate())
    signed = pdf_sign(
        document_pdf(document), identity=pki.identity_of(record), field_name="ChuKy", place="signature_block"
    )
    check = check_and_run(client, signed)
    body = page_text(client, check)
    assert "Người ký: Đặng Thu Thảo" in body and "thao@example.vn" in body
    signed_at = datetime.fromisoformat(check.report["signatures"][0]["signed_at"])
    signed_at = signed_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert f"Thời điểm ký (theo máy người ký): {signed_at:%d/%m/%Y %H:%M}" in body


def test_while_queued_the_page_says_so_and_reloads_itself(client):
    response = upload(
        client, document_pdf(sample_document(kind="cong_van", drafter="A", issued_on=timezone.localdate()))
    )
    body = client.get(response["Location"]).content.decode()
    assert "Đang kiểm tra…" in body and '<meta http-equiv="refresh" content="2">' in body
    assert "<script>" not in body


def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_stored(client):
    response = upload(client, b"GIF89a" + b"\0" * 2000, "anh.pdf")
    assert response.status_code == 400
    assert "Tệp không phải là PDF." in response.content.decode()
    assert not SignatureCheck.objects.exists()


def test_a_50_mb_upload_is_refused_with_a_clear_message_and_nothing_is_stored(client, monkeypatch):
    def parse(self):
        raise AssertionError("the body of a refused upload was parsed")

    monkeypatch.setattr("django.http.multipartparser.MultiPartParser.parse", parse)
    response = upload(client, b"%PDF-1.7\n" + b"0" * (50 * 1024 * 1024), "lon.pdf")
    assert response.status_code == 413
    body = response.content.decode()
    assert "Tệp quá lớn: chỉ kiểm tra được tệp PDF đến 10,0" in body, body[:2000]
    assert not SignatureCheck.objects.exists()


def test_a_file_just_over_the_limit_is_refused_by_the_form(client, settings):
    settings.SIGNLAB_CHECK_MAX_BYTES = 100_000  # within the multipart slack: the form measures the file
    response = upload(client, b"%PDF-1.7\n" + b"0" * 100_000)
    assert response.status_code == 400 and "Tệp quá lớn" in response.content.decode()
    assert not SignatureCheck.objects.exists()


def test_uploads_are_limited_per_address(client, settings):
    settings.SIGNLAB_CHECK_RATE = "2/600"
    pdf = b"%PDF-1.7\n%%EOF\n"
    assert upload(client, pdf).status_code == 302
    assert upload(client, pdf).status_code == 302
    response = upload(client, pdf)
    assert response.status_code == 429 and "quá nhiều tệp" in response.content.decode()
    assert SignatureCheck.objects.count() == 2


def test_the_upload_is_published_after_commit_and_a_refusing_broker_is_not_an_error(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    published = []
    monkeypatch.setattr(signature_check_run, "apply_async", lambda **kwargs: published.append(kwargs))
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(client, b"%PDF-1.7\n%%EOF\n").status_code == 302
    check = SignatureCheck.objects.get()
    assert published == [{"args": [check.pk], "retry": False}] and check.enqueued_at is not None

    def refuse(**kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(signature_check_run, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(client, b"%PDF-1.7\n%%EOF\n").status_code == 302
    second = SignatureCheck.objects.latest("pk")
    assert second.status == SignatureCheckStatus.QUEUED and second.enqueued_at is None


def twenty_times_signed() -> bytes:
    record = pki.certificate_issue(common_name="Lê Thị Hồng - Văn thư (mẫu)", role=PracticeCertificateRole.SAMPLE)
    identity = pki.identity_of(record)
    pdf = document_pdf(sample_document(kind="cong_van", drafter="Lê Thị Hồng", issued_on=timezone.localdate()))
    for number in range(1, 21):
        pdf = pdf_sign(pdf, identity=identity, field_name=f"ChuKy{number:02d}", place="bottom_left")
    return pdf


def test_twenty_signatures_are_all_checked_in_bounded_time(client):
    pdf = twenty_times_signed()
    started = time.monotonic()
    check = check_and_run(client, pdf)
    seconds = time.monotonic() - started
    print(f"20 signatures checked in {seconds:.1f} s")
    assert check.status == SignatureCheckStatus.DONE, check.error
    assert check.report["total"] == 20 and check.report["checked"] == 20
    assert len(check.report["signatures"]) == 20
    assert check.report["verdict"] == Verdict.VALID, [s["verdict"] for s in check.report["signatures"]]
    assert seconds < 60
    assert check.upload is None


def test_more_signatures_than_the_limit_are_reported_as_such(client, settings):
    settings.SIGNLAB_CHECK_MAX_SIGNATURES = 2
    record = pki.certificate_issue(common_name="Lê Văn Nam (mẫu)", role=PracticeCertificateRole.SAMPLE)
    pdf = document_pdf(sample_document(kind="to_trinh", drafter="Lê Văn Nam", issued_on=timezone.localdate()))
    for number in range(1, 4):
        pdf = pdf_sign(pdf, identity=pki.identity_of(record), field_name=f"ChuKy{number}", place="top_right")
    check = check_and_run(client, pdf)
    assert (check.report["checked"], check.report["total"]) == (2, 3)
    assert "Đã kiểm tra 2/3 chữ ký" in page_text(client, check)


def test_a_redelivered_task_finds_the_check_done_and_returns(client):
    check = check_and_run(client, b"%PDF-1.7\n garbage")
    assert check.status == SignatureCheckStatus.DONE and check.report["verdict"] == Verdict.UNREADABLE
    finished_at = check.finished_at
    assert checker.signature_check_run(check_id=check.pk) is False
    check.refresh_from_db()
    assert check.finished_at == finished_at


def test_the_sweeper_republishes_gives_up_and_purges(client, monkeypatch):
    published = []
    monkeypatch.setattr(signature_check_run, "apply_async", lambda **kwargs: published.append(kwargs["args"][0]))
    pdf = b"%PDF-1.7\n%%EOF\n"
    now = timezone.now()
    fresh, lost, stale, old = (checker.signature_check_create(data=pdf, file_name="a.pdf") for _ in range(4))
    done = check_and_run(client, pdf)
    SignatureCheck.objects.filter(pk=lost.pk).update(created_at=now - timedelta(minutes=1))
    SignatureCheck.objects.filter(pk=stale.pk).update(created_at=now - timedelta(minutes=11))
    SignatureCheck.objects.filter(pk=old.pk).update(created_at=now - timedelta(hours=25))
    SignatureCheck.objects.filter(pk=done.pk).update(created_at=now - timedelta(hours=25))
    result = checker.signature_checks_sweep(now=now)
    assert result == {"given_up": 2, "published": 1, "deleted": 2}
    assert published == [lost.pk]
    assert set(SignatureCheck.objects.values_list("pk", flat=True)) == {fresh.pk, lost.pk, stale.pk}
    stale.refresh_from_db()
    assert stale.status == SignatureCheckStatus.FAILED and stale.upload is None
    assert "Không kiểm tra được" in page_text(client, stale)
    # Published a moment ago: not again until it looks lost.
    assert checker.signature_checks_sweep(now=now)["published"] == 0


def test_the_sweep_is_registered_with_the_outbox_sweeps():
    from lms.jobs.sweeps import sweeps, sweeps_run  # noqa: PLC0415

    assert sweeps["signlab.checks"] is checker.signature_checks_sweep
    assert sweeps_run()["signlab.checks"] == {"given_up": 0, "published": 0, "deleted": 0}


def test_an_unknown_token_is_404(client):
    assert client.get(f"{URL}khong-co-ma-nay/").status_code == 404


def test_the_form_posts_with_its_csrf_token_and_refuses_a_post_without_it():
    browser = Client(enforce_csrf_checks=True)
    form = browser.get(URL).content.decode()
    token = form.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
    assert browser.post(URL, {"document": pdf, "csrfmiddlewaretoken": token}).status_code == 302
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
    assert Client(enforce_csrf_checks=True).post(URL, {"document": pdf}).status_code == 403
    assert SignatureCheck.objects.count() == 1
