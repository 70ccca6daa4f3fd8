"""Project-level tasks: the worker heartbeat used by ``/healthz``."""

from celery import shared_task

from lms import health


@shared_task(name="lms.tasks.worker_heartbeat", ignore_result=True)
def worker_heartbeat(nonce: str | None = None) -> None:
    """Record that a worker took a task off the broker (and echo ``nonce``)."""
    health.heartbeat_record(nonce=nonce)
