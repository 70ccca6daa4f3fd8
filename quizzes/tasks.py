from celery import shared_task

from .services import attempts_close_overdue


@shared_task(name="quizzes.tasks.close_overdue_attempts", ignore_result=True)
def close_overdue_attempts() -> int:
    """Beat: apply each quiz's overdue policy to attempts whose time ran out unattended."""
    return attempts_close_overdue()
