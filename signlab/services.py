"""Writes of the practice lab: sign, countersign, the check-documents set and its grading,
revoking one's practice certificate. Each activity records a ``LabResult``; when the last
activity of a lesson is passed the lesson is completed through the courses service."""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.services import LearningError, lesson_complete
from lms.audit.services import audit_record

from . import pki
from .cases import CASES, check_set_generate
from .documents import LEADER_PLACE, SIGNATURE_PLACES, document_pdf, sample_document
from .models import CheckDocument, LabActivity, LabResult, PracticeCertificate
from .otp import code_consume
from .selectors import lab_block_ids, lab_blocks_missing
from .validation import DocumentReport, Verdict, pdf_validate

logger = logging.getLogger(__name__)

LEARNER_FIELD = "ChuKyHocVien"
LEADER_FIELD = "ChuKyLanhDao"
COUNTERSIGN_PLACE = "bottom_left"
BASE_POSITION = 0  # the leader-signed document of the countersign activity, kept per learner


class LabError(Exception):
    """The activity cannot be done as asked; the message is for the learner."""


@dataclass(frozen=True)
class LabOutcome:
    result: LabResult
    report: DocumentReport | None
    lesson_completed: bool


def _seed(user, lesson, block_id: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"signlab:{user.pk}:{lesson.pk}:{block_id}".encode(), hashlib.sha256
    ).hexdigest()


def activity_document(*, user, lesson, block) -> tuple[str, bytes]:
    """The unsigned sample document of a sign activity (always the same for this learner)."""
    document = sample_document(
        kind=block.value["document_kind"],
        drafter=user.full_name,
        issued_on=timezone.localdate(),
        seed=_seed(user, lesson, block.id),
    )
    return document.file_name, document_pdf(document)


def countersign_base(*, user, lesson, block) -> CheckDocument:
    """The document the practice leader signed first, made once per learner and activity."""
    existing = CheckDocument.objects.filter(user=user, lesson=lesson, block_id=block.id, position=BASE_POSITION).first()
    if existing is not None:
        return existing
    from .signing import pdf_sign  # noqa: PLC0415 — pyHanko loads on first use

    name, pdf = activity_document(user=user, lesson=lesson, block=block)
    signed = pdf_sign(
        pdf, identity=pki.leader_identity(), field_name=LEADER_FIELD, place=LEADER_PLACE, reason="Phê duyệt"
    )
    try:
        with transaction.atomic():
            return CheckDocument.objects.create(
                user=user,
                lesson=lesson,
                block_id=block.id,
                position=BASE_POSITION,
                case="leader",
                file_name=name,
                pdf=signed,
            )
    except IntegrityError:  # a double click made it first
        return CheckDocument.objects.get(user=user, lesson=lesson, block_id=block.id, position=BASE_POSITION)


def _signature_problem(report: DocumentReport, *, record: PracticeCertificate, expected: int) -> str | None:
    """Why a learner's signed PDF does not pass (None: it passes): every signature valid, the last
    one covering the whole document and made with the learner's own certificate."""
    if len(report.signatures) != expected:
        return _("Văn bản cần có %(count)s chữ ký.") % {"count": expected}
    if report.verdict != Verdict.VALID:
        return _("Chữ ký chưa hợp lệ: %(verdict)s.") % {"verdict": report.verdict}
    last = report.signatures[-1]
    if not last.covers_whole_document:
        return _("Chữ ký của bạn chưa bao trùm toàn bộ văn bản.")
    if last.signer != record.subject_name[:64]:
        return _("Chữ ký cuối cùng không phải của bạn.")
    return None


def _record(
    *, user, lesson, block, activity, passed, score=0, max_score=0, details=None, signed_pdf=None
) -> LabOutcome:
    now = timezone.now()
    with transaction.atomic():
        result, _created = LabResult.objects.select_for_update().get_or_create(
            user=user, lesson=lesson, block_id=block.id, defaults={"activity": activity}
        )
        result.activity = activity
        result.attempts += 1
        if passed or not result.passed:  # a later failed try never takes a pass away
            result.passed = passed
            result.score, result.max_score = score, max_score
            result.details = details or {}
            if signed_pdf is not None:
                result.signed_pdf = signed_pdf
            result.completed_at = now if passed else None
        result.save()
    return LabOutcome(result=result, report=None, lesson_completed=_complete_lesson_if_done(user=user, lesson=lesson))


def _complete_lesson_if_done(*, user, lesson) -> bool:
    """Complete the lesson once every lab block in it is passed (as passing a quiz does)."""
    if not lab_block_ids(lesson) or lab_blocks_missing(user=user, lesson=lesson):
        return False
    try:
        return lesson_complete(user=user, lesson=lesson).lesson_newly_completed
    except LearningError as error:  # not enrolled, locked, another rule: the lesson page says why
        logger.info("Lab passed but lesson %s not completed for %s: %s", lesson.pk, user.pk, error)
        return False


def _sign_as_learner(*, user, code: str, pdf: bytes, place: str) -> tuple[bytes, PracticeCertificate]:
    if place not in SIGNATURE_PLACES:
        raise LabError(_("Hãy chọn vị trí đặt chữ ký."))
    code_consume(user=user, code=code)
    from .signing import pdf_sign  # noqa: PLC0415 — pyHanko loads on first use

    record = pki.certificate_for_signing(user)
    signed = pdf_sign(
        pdf, identity=pki.identity_of(record), field_name=LEARNER_FIELD, place=place, reason="Thực hành ký số"
    )
    return signed, record


def lab_sign(*, user, lesson, block, place: str, code: str) -> LabOutcome:
    """Sign the activity's document with the learner's practice certificate (after the code)."""
    _name, pdf = activity_document(user=user, lesson=lesson, block=block)
    signed, record = _sign_as_learner(user=user, code=code, pdf=pdf, place=place)
    report = pdf_validate(signed)
    problem = _signature_problem(report, record=record, expected=1)
    outcome = _record(
        user=user, lesson=lesson, block=block, activity=LabActivity.SIGN, passed=problem is None,
        score=int(problem is None), max_score=1, signed_pdf=signed,
        details={"place": place, "problem": problem or "", "report": report.as_dict()},
    )  # fmt: skip
    return LabOutcome(result=outcome.result, report=report, lesson_completed=outcome.lesson_completed)


def lab_countersign(*, user, lesson, block, code: str) -> LabOutcome:
    """Sign, after the practice leader, the document the leader signed: two signatures, both valid."""
    base = countersign_base(user=user, lesson=lesson, block=block)
    signed, record = _sign_as_learner(user=user, code=code, pdf=bytes(base.pdf), place=COUNTERSIGN_PLACE)
    report = pdf_validate(signed)
    problem = _signature_problem(report, record=record, expected=2)
    outcome = _record(
        user=user, lesson=lesson, block=block, activity=LabActivity.COUNTERSIGN, passed=problem is None,
        score=int(problem is None), max_score=1, details={"problem": problem or "", "report": report.as_dict()},
        signed_pdf=signed,
    )  # fmt: skip
    return LabOutcome(result=outcome.result, report=report, lesson_completed=outcome.lesson_completed)


def check_set_for(*, user, lesson, block) -> list[CheckDocument]:
    """The learner's six documents for this activity, generated on first use."""
    documents = list(CheckDocument.objects.filter(user=user, lesson=lesson, block_id=block.id, position__gt=0))
    if documents:
        return documents
    generated = check_set_generate(drafter=user.full_name)
    try:
        with transaction.atomic():
            CheckDocument.objects.bulk_create(
                CheckDocument(
                    user=user,
                    lesson=lesson,
                    block_id=block.id,
                    position=position,
                    case=item.case,
                    file_name=item.file_name,
                    pdf=item.pdf,
                )  # fmt: skip
                for position, item in enumerate(generated, start=1)
            )
    except IntegrityError:  # generated twice at once: keep the first
        pass
    return list(CheckDocument.objects.filter(user=user, lesson=lesson, block_id=block.id, position__gt=0))


def check_set_renew(*, user, lesson, block) -> list[CheckDocument]:
    """A new set after a failed try (the old answers no longer help); a passed activity keeps its set."""
    if LabResult.objects.filter(user=user, lesson=lesson, block_id=block.id, passed=True).exists():
        raise LabError(_("Bạn đã đạt hoạt động này."))
    CheckDocument.objects.filter(user=user, lesson=lesson, block_id=block.id, position__gt=0).delete()
    return check_set_for(user=user, lesson=lesson, block=block)


def check_grade(*, user, lesson, block, answers: dict[int, str]) -> LabOutcome:
    """Grade the learner's verdicts (position → verdict) against the key of their own set."""
    documents = check_set_for(user=user, lesson=lesson, block=block)
    if any(answers.get(d.position) not in CASES for d in documents):
        raise LabError(_("Hãy đánh giá đủ %(count)s văn bản.") % {"count": len(documents)})
    rows = [{"position": d.position, "answer": answers[d.position], "key": d.case} for d in documents]
    score = sum(1 for row in rows if row["answer"] == row["key"])
    passed = score >= min(block.value.get("pass_mark") or len(documents), len(documents))
    return _record(
        user=user, lesson=lesson, block=block, activity=LabActivity.CHECK, passed=passed,
        score=score, max_score=len(documents), details={"answers": rows},
    )  # fmt: skip


def practice_certificate_revoke(*, user, reason: str) -> PracticeCertificate | None:
    """The learner revokes their practice certificate ("I lost my phone"): signatures made with it
    are reported revoked; the next signature gets a new certificate."""
    record = pki.current_certificate_for(user)
    if record is None:
        return None
    pki.certificate_revoke(record=record, reason=reason or _("Người học tự thu hồi"))
    audit_record(actor=user, action="signlab.certificate_revoke", target=record, data={"serial": record.serial_number})
    return record
