from .models import Attempt


def attempt_rows(user) -> list[dict]:
    return [
        {
            "quiz": attempt.quiz.title,
            "number": attempt.number,
            "state": attempt.state,
            "started_at": attempt.started_at,
            "submitted_at": attempt.submitted_at,
            "score_pct": attempt.score_pct,
            "passed": attempt.passed,
        }
        for attempt in Attempt.objects.filter(user=user).select_related("quiz").order_by("started_at")
    ]
