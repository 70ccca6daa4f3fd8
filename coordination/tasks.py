from celery import shared_task

from .reminders import digests_send, reminders_send


@shared_task(name="coordination.tasks.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """Beat (daily): due-soon and overdue reminders, each sent at most once."""
    return reminders_send()


@shared_task(name="coordination.tasks.send_digests", ignore_result=True)
def send_digests() -> int:
    """Beat (Mondays): each coordinator's weekly digest, at most once a week."""
    return digests_send()
