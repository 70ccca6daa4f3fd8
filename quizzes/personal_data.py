"""The learner's quiz attempts, answers and overrides in "Dữ liệu của tôi"."""

import json

from django.utils.translation import gettext_lazy as _

from lms.accounts.personal_data import Field, register_section

from .models import Attempt, AttemptAnswer, AttemptState, QuizOverride
from .scores import score_display

QUIZ = {"quiz": _("Bài kiểm tra"), "cycle": _("Đợt học")}


def attempt_rows(user) -> list[dict]:
    return [
        {
            "quiz": attempt.quiz.title,
            "cycle": attempt.cycle,
            "number": attempt.number,
            "state": attempt.state,
            "started_at": attempt.started_at,
            "submitted_at": attempt.submitted_at,
            "score_pct": attempt.score_pct,
            "passed": attempt.passed,
        }
        for attempt in Attempt.objects.filter(user=user).select_related("quiz").order_by("started_at")
    ]


def answer_rows(user) -> list[dict]:
    """The learner's own answers, with the mark and the grader's comment (not the grader's identity)."""
    answers = (
        AttemptAnswer.objects.filter(attempt__user=user)
        .select_related("attempt__quiz")
        .order_by("attempt__started_at", "slot")
    )
    return [
        {
            "quiz": answer.attempt.quiz.title,
            "cycle": answer.attempt.cycle,
            "attempt": answer.attempt.number,
            "slot": answer.slot,
            "question": answer.slot + 1,
            "response": json.dumps(answer.response, ensure_ascii=False),
            "mark": answer.mark,
            "flagged": answer.flagged,
            "comment": answer.comment,
            "graded_at": answer.graded_at,
        }
        for answer in answers
    ]


def override_rows(user) -> list[dict]:
    return [
        {
            "quiz": override.quiz.title,
            "extra_minutes": override.extra_minutes,
            "extra_attempts": override.extra_attempts,
            "reason": override.reason,
            "created_at": override.created_at,
        }
        for override in QuizOverride.objects.filter(user=user).select_related("quiz")
    ]


def register() -> None:
    register_section(
        key="quiz_attempts",
        title=_("Bài kiểm tra đã làm"),
        rows=attempt_rows,
        fields={
            **QUIZ,
            "number": _("Lần làm"),
            "state": Field(_("Trạng thái"), dict(AttemptState.choices)),
            "started_at": _("Bắt đầu lúc"),
            "submitted_at": _("Nộp bài lúc"),
            "score_pct": Field(_("Điểm (%)"), score_display),
            "passed": _("Đạt"),
        },
    )
    register_section(
        key="quiz_answers",
        title=_("Câu trả lời trong bài kiểm tra"),
        rows=answer_rows,
        fields={
            **QUIZ,
            "attempt": _("Lần làm"),
            "question": _("Câu số"),
            "response": _("Câu trả lời"),
            "mark": _("Điểm"),
            "flagged": _("Đã đánh dấu"),
            "comment": _("Nhận xét của người chấm"),
            "graded_at": _("Chấm lúc"),
        },
    )
    register_section(
        key="quiz_overrides",
        title=_("Ngoại lệ bài kiểm tra"),
        rows=override_rows,
        fields={
            "quiz": _("Bài kiểm tra"),
            "extra_minutes": _("Thêm thời gian (phút)"),
            "extra_attempts": _("Thêm lượt làm"),
            "reason": _("Lý do"),
            "created_at": _("Tạo lúc"),
        },
    )
