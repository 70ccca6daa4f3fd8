from celery import shared_task
from django.contrib.auth import get_user_model

from .exports import export_job_run
from .importing import import_apply, import_progress_set
from .models import ExportJob, ImportJob
from .reminders import digests_send, reminders_send


@shared_task(name="coordination.tasks.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """Beat (daily): due-soon and overdue reminders, each sent at most once."""
    return reminders_send()


@shared_task(name="coordination.tasks.send_digests", ignore_result=True)
def send_digests() -> int:
    """Beat (Mondays): each coordinator's weekly digest, at most once a week."""
    return digests_send()


@shared_task(name="coordination.tasks.import_apply", ignore_result=True, acks_late=True)
def import_apply_task(job_id: int, actor_id: int) -> None:
    """Apply a large learner file in the background (all or nothing), reporting progress."""

    job = ImportJob.objects.filter(pk=job_id).first()
    actor = get_user_model().objects.filter(pk=actor_id).first()
    if job is None or actor is None or job.status == ImportJob.Status.APPLIED:
        return
    total = len(job.rows)
    import_progress_set(job_id, done=0, total=total)
    try:
        counts = import_apply(actor=actor, job=job)
    except ValueError as error:
        import_progress_set(job_id, done=0, total=total, state="failed", message=str(error))
        return
    import_progress_set(job_id, done=total, total=total, state="applied", message=str(counts))


@shared_task(name="coordination.tasks.export_xlsx", ignore_result=True, acks_late=True)
def export_xlsx_task(job_id: int) -> None:
    """Build a large XLSX export (idempotent: a finished job is left alone)."""

    job = ExportJob.objects.select_related("created_by").filter(pk=job_id, status=ExportJob.Status.QUEUED).first()
    if job is None:
        return
    try:
        export_job_run(job=job)
    except Exception as error:
        ExportJob.objects.filter(pk=job_id).update(status=ExportJob.Status.FAILED, error=str(error)[:2000])
        raise
