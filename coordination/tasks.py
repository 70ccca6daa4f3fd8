from celery import shared_task

from .figures_cache import figures_snapshot_recount
from .reminders import digests_send, reminders_send


@shared_task(name="coordination.tasks.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """Beat (daily): due-soon and overdue reminders, each sent at most once."""
    return reminders_send()


@shared_task(name="coordination.tasks.send_digests", ignore_result=True)
def send_digests() -> int:
    """Beat (Mondays): each coordinator's weekly digest, at most once a week."""
    return digests_send()


@shared_task(name="coordination.tasks.refresh_figures", ignore_result=True)
def refresh_figures(*, viewer_id: int, unit_id: int | None, course_id: int | None, as_of: str | None) -> bool:
    """Count a province-sized report's kept aggregates again (coordination.figures_cache)."""
    return figures_snapshot_recount(viewer_id=viewer_id, unit_id=unit_id, course_id=course_id, as_of=as_of)
