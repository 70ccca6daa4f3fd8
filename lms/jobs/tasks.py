"""Celery tasks of the job machinery and the outbox sweeps: thin wrappers over services."""

from celery import shared_task
from celery.signals import worker_ready

from . import services, sweeps


@shared_task(name="lms.jobs.tasks.job_run", acks_late=True, ignore_result=True)
def job_run(job_id: int) -> None:
    """Run one background job (a no-op unless this run can claim it)."""
    services.job_execute(job_id=job_id)


@shared_task(name="lms.jobs.tasks.jobs_sweep", ignore_result=True)
def jobs_sweep() -> dict:
    """Recover lost or stalled jobs and purge expired files and results (also one of the sweeps)."""
    return services.jobs_sweep()


@shared_task(name="lms.jobs.tasks.sweeps_run", ignore_result=True, expires=60)
def sweeps_run() -> dict:
    """Beat, every SWEEP_SECONDS: every registered outbox sweep, then the beat heartbeat."""
    return sweeps.sweeps_run(by=sweeps.BEAT)


@worker_ready.connect
def _fallback_sweeper(**kwargs) -> None:
    """Each worker watches beat's heartbeat and sweeps itself when beat is silent."""
    sweeps.fallback_sweeper_start()
