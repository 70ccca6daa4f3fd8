"""The lab activities through their pages: one-time codes, signing, countersigning, the
check-documents task and the lesson rule (issue 16, acceptance lines 1–2)."""

import pytest
from django.core import mail

from courses.models import LessonProgress
from signlab import otp, services
from signlab.models import CheckDocument, LabResult, OneTimeCode
from signlab.selectors import lab_block
from signlab.validation import Verdict, pdf_validate

from .conftest import CHECK, COUNTERSIGN, SIGN, last_code

pytestmark = pytest.mark.django_db


def url(lesson, block_id, tail=""):
    return f"/thuc-hanh-ky-so/{lesson.pk}/{block_id}/{tail}"


def sign(client, lesson, block_id, code, place="signature_block"):
    return client.post(url(lesson, block_id, "ky/"), {"code": code, "place": place}, follow=True)


def test_signing_needs_a_fresh_code_and_a_wrong_or_reused_code_fails(client, lab_lesson, lab_learner):
    client.force_login(lab_learner)
    page = client.get(url(lab_lesson, SIGN))
    assert page.status_code == 200 and "Gửi mã xác nhận" in page.content.decode()
    # No code asked yet.
    response = sign(client, lab_lesson, SIGN, "123456")
    assert "Gửi mã xác nhận" in response.content.decode()
    assert not LabResult.objects.filter(user=lab_learner).exists()
    client.post(url(lab_lesson, SIGN, "gui-ma/"))
    code = last_code(mail.outbox)
    assert mail.outbox[-1].to == ["ngoc@example.vn"]
    assert code not in OneTimeCode.objects.get(user=lab_learner).code_hash
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = sign(client, lab_lesson, SIGN, wrong)
    assert "Mã xác nhận không đúng" in response.content.decode()
    assert not LabResult.objects.filter(user=lab_learner).exists()
    response = sign(client, lab_lesson, SIGN, code)
    assert "Ký số thành công" in response.content.decode()
    result = LabResult.objects.get(user=lab_learner, block_id=SIGN)
    assert result.passed
    # The same code again: refused, nothing signed.
    response = sign(client, lab_lesson, SIGN, code)
    assert "Mã này đã được dùng" in response.content.decode()
    assert LabResult.objects.get(pk=result.pk).attempts == 1
    # The signed PDF names the learner and validates.
    signed = client.get(url(lab_lesson, SIGN, "tep/ket-qua/"))
    report = pdf_validate(signed.content)
    assert report.verdict == Verdict.VALID and report.signatures[0].signer == "Nguyễn Thị Bích Ngọc"


def test_too_many_wrong_codes_spend_the_code(lab_lesson, lab_learner, settings):
    otp.code_send(user=lab_learner)
    code = last_code(mail.outbox)
    for _ in range(settings.SIGNLAB_CODE_MAX_FAILURES):
        with pytest.raises(otp.CodeRefused):
            otp.code_consume(user=lab_learner, code="000000" if code != "000000" else "111111")
    with pytest.raises(otp.CodeRefused, match="quá nhiều"):
        otp.code_consume(user=lab_learner, code=code)


def test_countersigning_keeps_both_signatures_valid(client, lab_lesson, lab_learner):
    client.force_login(lab_learner)
    base = client.get(url(lab_lesson, COUNTERSIGN, "tep/da-ky-lanh-dao/"))
    assert pdf_validate(base.content).verdict == Verdict.VALID
    client.post(url(lab_lesson, COUNTERSIGN, "gui-ma/"))
    response = sign(client, lab_lesson, COUNTERSIGN, last_code(mail.outbox))
    assert "Ký số thành công" in response.content.decode()
    signed = client.get(url(lab_lesson, COUNTERSIGN, "tep/ket-qua/")).content
    report = pdf_validate(signed)
    assert report.verdict == Verdict.VALID
    assert [s.signer for s in report.signatures] == ["Trần Quốc Minh - Giám đốc Sở (mẫu)", "Nguyễn Thị Bích Ngọc"]
    assert not report.signatures[0].changed_after_signing and report.signatures[1].covers_whole_document
    assert signed.startswith(base.content[:1000]) and len(signed) > len(base.content)  # an incremental update


def test_check_documents_are_graded_against_the_learners_own_key(client, lab_lesson, lab_learner):
    client.force_login(lab_learner)
    page = client.get(url(lab_lesson, CHECK))
    assert page.status_code == 200
    documents = list(CheckDocument.objects.filter(user=lab_learner, block_id=CHECK, position__gt=0))
    assert len(documents) == 6
    # The platform's validator agrees with the key of every file the learner downloads.
    for document in documents:
        download = client.get(url(lab_lesson, CHECK, f"tep/{document.position}/"))
        assert pdf_validate(download.content).verdict == document.case
    # One wrong answer with a pass mark of 6: not passed, the explanation names the right answer.
    answers = {f"document-{d.position}": d.case for d in documents}
    wrong = documents[0]
    answers[f"document-{wrong.position}"] = Verdict.VALID if wrong.case != Verdict.VALID else Verdict.REVOKED
    response = client.post(url(lab_lesson, CHECK, "nop-bai/"), answers, follow=True)
    assert "5/6" in response.content.decode() and "chưa đạt" in response.content.decode()
    result = LabResult.objects.get(user=lab_learner, block_id=CHECK)
    assert not result.passed and result.score == 5
    # A new set, then every answer right: passed.
    client.post(url(lab_lesson, CHECK, "bo-moi/"))
    fresh = list(CheckDocument.objects.filter(user=lab_learner, block_id=CHECK, position__gt=0))
    assert {bytes(d.pdf) for d in fresh}.isdisjoint({bytes(d.pdf) for d in documents})
    response = client.post(
        url(lab_lesson, CHECK, "nop-bai/"), {f"document-{d.position}": d.case for d in fresh}, follow=True
    )
    assert "6/6" in response.content.decode()
    assert LabResult.objects.get(user=lab_learner, block_id=CHECK).passed


def test_an_incomplete_answer_sheet_is_refused(client, lab_lesson, lab_learner):
    client.force_login(lab_learner)
    client.get(url(lab_lesson, CHECK))
    response = client.post(url(lab_lesson, CHECK, "nop-bai/"), {"document-1": "valid"}, follow=True)
    assert "Hãy đánh giá đủ 6 văn bản" in response.content.decode()
    assert not LabResult.objects.filter(user=lab_learner).exists()


def test_the_lesson_completes_only_when_every_activity_is_passed(client, lab_lesson, lab_learner):
    client.force_login(lab_learner)
    response = client.post(f"/learn/lesson/{lab_lesson.pk}/done/", follow=True)
    assert "Bạn cần hoàn thành 3 bài thực hành ký số trong bài này trước." in response.content.decode()
    for block_id in (SIGN, COUNTERSIGN):
        otp.code_send(user=lab_learner)
        block = lab_block(lab_lesson, block_id)
        if block_id == SIGN:
            services.lab_sign(
                user=lab_learner, lesson=lab_lesson, block=block, place="top_right", code=last_code(mail.outbox)
            )
        else:
            services.lab_countersign(user=lab_learner, lesson=lab_lesson, block=block, code=last_code(mail.outbox))
    assert not LessonProgress.objects.filter(lesson=lab_lesson, completed_at__isnull=False).exists()
    block = lab_block(lab_lesson, CHECK)
    documents = services.check_set_for(user=lab_learner, lesson=lab_lesson, block=block)
    outcome = services.check_grade(
        user=lab_learner, lesson=lab_lesson, block=block, answers={d.position: d.case for d in documents}
    )
    assert outcome.result.passed and outcome.lesson_completed
    assert LessonProgress.objects.filter(lesson=lab_lesson, completed_at__isnull=False).count() == 1


def test_a_learner_revokes_their_certificate_and_old_signatures_say_so(client, lab_lesson, lab_learner):
    client.force_login(lab_learner)
    client.post(url(lab_lesson, SIGN, "gui-ma/"))
    sign(client, lab_lesson, SIGN, last_code(mail.outbox))
    signed = client.get(url(lab_lesson, SIGN, "tep/ket-qua/")).content
    response = client.post("/thuc-hanh-ky-so/chung-thu/thu-hoi/", {"next": url(lab_lesson, SIGN)}, follow=True)
    assert "Đã thu hồi chứng thư số thực hành" in response.content.decode()
    assert pdf_validate(signed).verdict == Verdict.REVOKED


def test_pages_are_for_enrolled_learners_and_files_for_their_owner(client, lab_lesson, lab_learner):
    from tests.factories import UserFactory

    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(url(lab_lesson, SIGN)).status_code == 302  # back to the lesson: enrol first
    assert client.get(url(lab_lesson, CHECK, "tep/1/")).status_code == 404
    client.force_login(lab_learner)
    assert client.get(url(lab_lesson, "no-such-block")).status_code == 404
    client.logout()
    assert client.get(url(lab_lesson, SIGN)).status_code == 302


def test_my_data_lists_the_lab_and_anonymisation_erases_keys_names_and_files(client, lab_lesson, lab_learner):
    from lms.accounts.personal_data import personal_data_collect
    from lms.accounts.services import user_anonymise
    from signlab import pki
    from signlab.models import PracticeCertificate

    otp.code_send(user=lab_learner)
    services.lab_sign(
        user=lab_learner,
        lesson=lab_lesson,
        block=lab_block(lab_lesson, SIGN),
        place="top_right",
        code=last_code(mail.outbox),
    )
    signed = bytes(LabResult.objects.get(user=lab_learner).signed_pdf)
    data = personal_data_collect(user=lab_learner)
    assert data["practice_certificates"]["rows"][0]["subject"] == "Nguyễn Thị Bích Ngọc"
    assert data["signature_lab_results"]["rows"][0]["passed"] is True
    user_anonymise(user=lab_learner)
    record = PracticeCertificate.objects.get(user=lab_learner)
    assert record.subject_name == "" and record.certificate_pem == "" and bytes(record.key_encrypted) == b""
    assert record.revoked_at is not None
    result = LabResult.objects.get(user=lab_learner)
    assert result.passed and result.signed_pdf is None  # the result stays, the file naming them goes
    assert pdf_validate(signed).verdict == Verdict.REVOKED  # a copy they kept reads "revoked"
    assert pki.current_certificate_for(lab_learner) is None
