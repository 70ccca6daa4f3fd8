import json

from .models import Attempt, AttemptAnswer, QuizOverride


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
