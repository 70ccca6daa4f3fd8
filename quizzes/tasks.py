from celery import shared_task

from .notifications import attempt_graded_notify, graded_notices_sweep
from .services import attempts_close_overdue
from .statistics_cache import quiz_statistics_refresh, quiz_statistics_sweep


@shared_task(name="quizzes.tasks.close_overdue_attempts", ignore_result=True)
def close_overdue_attempts() -> int:
    """Beat: apply each quiz's overdue policy to attempts whose time ran out unattended."""
    return attempts_close_overdue()


@shared_task(name="quizzes.tasks.refresh_statistics", ignore_result=True)
def refresh_statistics(quiz_id: int) -> bool:
    """Recompute one quiz's cached statistics if graded attempts changed since they were computed."""
    return quiz_statistics_refresh(quiz_id=quiz_id)


@shared_task(name="quizzes.tasks.sweep_statistics", ignore_result=True)
def sweep_statistics() -> int:
    """Beat: recompute the statistics of every quiz whose cached figures are stale."""
    return quiz_statistics_sweep()


@shared_task(name="quizzes.tasks.send_graded_notice", ignore_result=True)
def send_graded_notice(attempt_id: int) -> bool:
    """E-mail a learner that a grader has graded their attempt."""
    return attempt_graded_notify(attempt_id=attempt_id)


@shared_task(name="quizzes.tasks.sweep_graded_notices", ignore_result=True)
def sweep_graded_notices() -> int:
    """Beat: send the graded notices whose task was lost."""
    return graded_notices_sweep()
