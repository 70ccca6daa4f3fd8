from .models import Attempt, QuizOverride


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
