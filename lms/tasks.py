"""Project-level tasks: the worker heartbeat used by ``/healthz``."""

from celery import shared_task
from celery.signals import worker_init, worker_process_init

from lms import health
from lms.database import TASK, database_timeouts_apply


@worker_init.connect
@worker_process_init.connect
def _task_database_timeouts(**kwargs) -> None:
    """Worker processes (the main one, which sweeps when beat is silent, and each pool child)
    run with the tasks' database limits."""
    database_timeouts_apply(TASK)


@shared_task(name="lms.tasks.worker_heartbeat", ignore_result=True)
def worker_heartbeat(nonce: str | None = None) -> None:
    """Record that a worker took a task off the broker (and echo ``nonce``)."""
    health.heartbeat_record(nonce=nonce)
