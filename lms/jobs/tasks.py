"""Celery tasks of the job machinery: thin wrappers over ``lms.jobs.services``."""

from celery import shared_task

from . import services


@shared_task(name="lms.jobs.tasks.job_run", acks_late=True, ignore_result=True)
def job_run(job_id: int) -> None:
    """Run one background job (a no-op unless this run can claim it)."""
    services.job_execute(job_id=job_id)


@shared_task(name="lms.jobs.tasks.jobs_sweep", ignore_result=True)
def jobs_sweep() -> dict:
    """Beat: recover lost or stalled jobs and purge expired files and results."""
    return services.jobs_sweep()
