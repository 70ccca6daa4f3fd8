"""Views of the practice lab: thin — the work is in services, reads in selectors."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses.models import LessonPage
from courses.selectors import course_for_lesson, enrollment_current

from . import pki, services
from .cases import CASES, EXPLANATIONS
from .documents import SIGNATURE_PLACES
from .models import CheckDocument, LabActivity, LabResult
from .otp import CodeRefused, code_send
from .selectors import lab_block
from .validation import VERDICT_LABELS

PLACE_LABELS = {
    "signature_block": _("Khối chữ ký, dưới chức danh “GIÁM ĐỐC” (đúng thể thức)"),
    "bottom_left": _("Cuối trang, bên trái"),
    "top_right": _("Đầu trang, bên phải"),
}


@require_GET
def root_certificate(request):
    """The practice CA's root certificate, for learners to install (it is practice only)."""
    certificate = pki.load(pki.practice_authority().certificate_pem)
    response = HttpResponse(certificate.public_bytes(serialization.Encoding.DER), content_type="application/pkix-cert")
    response["Content-Disposition"] = 'attachment; filename="hoc-so-ca-thuc-hanh.crt"'
    return response


@require_GET
def revocation_list(request):
    """The practice CA's current CRL (the URL named in every practice certificate)."""
    response = HttpResponse(pki.crl_der(), content_type="application/pkix-crl")
    response["Cache-Control"] = "public, max-age=300"
    return response


def _activity_or_404(request, lesson_id: int, block_id: str):
    """The lesson and its lab block, for an enrolled learner (others go back to the lesson)."""
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id).specific
    block = lab_block(lesson, block_id)
    if block is None:
        raise Http404
    course = course_for_lesson(lesson)
    enrollment = enrollment_current(user=request.user, course=course) if course else None
    return lesson, block, enrollment


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(bytes(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def activity(request, lesson_id: int, block_id: str):
    lesson, block, enrollment = _activity_or_404(request, lesson_id, block_id)
    if enrollment is None:
        messages.info(request, _("Hãy ghi danh khoá học để làm bài thực hành."))
        return redirect(lesson.url)
    kind = block.value["activity"]
    result = LabResult.objects.filter(user=request.user, lesson=lesson, block_id=block.id).first()
    context = {
        "lesson": lesson,
        "lab": block,
        "kind": kind,
        "result": result,
        "certificate": pki.current_certificate_for(request.user),
        "places": [(key, PLACE_LABELS[key]) for key in SIGNATURE_PLACES],
        "verdict_choices": [(case, VERDICT_LABELS[case]) for case in CASES],
    }
    if kind == LabActivity.CHECK:
        documents = services.check_set_for(user=request.user, lesson=lesson, block=block)
        answers = {row["position"]: row for row in (result.details.get("answers", []) if result else [])}
        context["documents"] = [
            {
                "document": d,
                "answer": answers.get(d.position, {}).get("answer"),
                "answer_label": VERDICT_LABELS.get(answers.get(d.position, {}).get("answer"), ""),
                "key_label": VERDICT_LABELS[d.case],
                "explanation": EXPLANATIONS[d.case],
                "graded": d.position in answers,
                "correct": answers.get(d.position, {}).get("answer") == d.case,
            }
            for d in documents
        ]
    if result and result.details.get("report"):
        context["report"] = result.details["report"]
        context["verdict_labels"] = VERDICT_LABELS
    return TemplateResponse(request, "signlab/activity.html", context)


@require_POST
@login_required
def code_request(request, lesson_id: int, block_id: str):
    lesson, block, enrollment = _activity_or_404(request, lesson_id, block_id)
    if enrollment is None:
        return redirect(lesson.url)
    code_send(user=request.user)
    messages.success(
        request, _("Đã gửi mã xác nhận đến %(email)s. Mã có hiệu lực trong vài phút.") % {"email": request.user.email}
    )
    return redirect("signlab:activity", lesson.pk, block.id)


@require_POST
@login_required
def sign(request, lesson_id: int, block_id: str):
    lesson, block, enrollment = _activity_or_404(request, lesson_id, block_id)
    if enrollment is None:
        return redirect(lesson.url)
    code = request.POST.get("code", "")
    try:
        if block.value["activity"] == LabActivity.COUNTERSIGN:
            outcome = services.lab_countersign(user=request.user, lesson=lesson, block=block, code=code)
        elif block.value["activity"] == LabActivity.SIGN:
            outcome = services.lab_sign(
                user=request.user, lesson=lesson, block=block, place=request.POST.get("place", ""), code=code
            )
        else:
            raise Http404
    except (CodeRefused, services.LabError) as error:
        messages.error(request, str(error))
        return redirect("signlab:activity", lesson.pk, block.id)
    if outcome.result.passed:
        messages.success(request, _("Ký số thành công. Nền tảng đã kiểm tra chữ ký: hợp lệ."))
    else:
        messages.error(request, outcome.result.details.get("problem") or _("Chữ ký chưa đạt yêu cầu."))
    return redirect("signlab:activity", lesson.pk, block.id)


@require_POST
@login_required
def check_submit(request, lesson_id: int, block_id: str):
    lesson, block, enrollment = _activity_or_404(request, lesson_id, block_id)
    if enrollment is None or block.value["activity"] != LabActivity.CHECK:
        return redirect(lesson.url)
    answers = {}
    for key, value in request.POST.items():
        if key.startswith("document-") and key[9:].isdigit():
            answers[int(key[9:])] = value
    try:
        outcome = services.check_grade(user=request.user, lesson=lesson, block=block, answers=answers)
    except services.LabError as error:
        messages.error(request, str(error))
        return redirect("signlab:activity", lesson.pk, block.id)
    result = outcome.result
    if result.passed:
        messages.success(
            request,
            _("Bạn đánh giá đúng %(score)s/%(total)s văn bản: đạt.")
            % {"score": result.score, "total": result.max_score},
        )
    else:
        messages.error(
            request,
            _("Bạn đánh giá đúng %(score)s/%(total)s văn bản: chưa đạt. Đọc giải thích rồi làm lại với bộ văn bản mới.")
            % {"score": result.score, "total": result.max_score},
        )
    return redirect("signlab:activity", lesson.pk, block.id)


@require_POST
@login_required
def check_renew(request, lesson_id: int, block_id: str):
    lesson, block, enrollment = _activity_or_404(request, lesson_id, block_id)
    if enrollment is None:
        return redirect(lesson.url)
    try:
        services.check_set_renew(user=request.user, lesson=lesson, block=block)
        LabResult.objects.filter(user=request.user, lesson=lesson, block_id=block.id, passed=False).update(details={})
    except services.LabError as error:
        messages.error(request, str(error))
    return redirect("signlab:activity", lesson.pk, block.id)


@login_required
@require_GET
def document(request, lesson_id: int, block_id: str, which: str):
    """A file of the activity: the document to sign, the leader-signed one, the learner's signed
    result, or one of their six documents to check."""
    lesson, block, enrollment = _activity_or_404(request, lesson_id, block_id)
    if enrollment is None:
        raise Http404
    if which == "van-ban":
        name, pdf = services.activity_document(user=request.user, lesson=lesson, block=block)
        return _pdf(pdf, name)
    if which == "da-ky-lanh-dao":
        base = services.countersign_base(user=request.user, lesson=lesson, block=block)
        return _pdf(base.pdf, f"da-ky-{base.file_name}")
    if which == "ket-qua":
        result = get_object_or_404(
            LabResult, user=request.user, lesson=lesson, block_id=block.id, signed_pdf__isnull=False
        )
        return _pdf(result.signed_pdf, "van-ban-da-ky-so.pdf")
    if which.isdigit():
        item = get_object_or_404(
            CheckDocument, user=request.user, lesson=lesson, block_id=block.id, position=int(which), position__gt=0
        )
        return _pdf(item.pdf, item.file_name)
    raise Http404


@require_POST
@login_required
def certificate_revoke(request):
    record = services.practice_certificate_revoke(user=request.user, reason=_("Người học báo mất thiết bị"))
    if record is None:
        messages.info(request, _("Bạn chưa có chứng thư số thực hành nào đang hiệu lực."))
    else:
        messages.success(request, _("Đã thu hồi chứng thư số thực hành. Lần ký sau bạn sẽ được cấp chứng thư mới."))
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/") and not back.startswith("//") else "/")
