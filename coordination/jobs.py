"""The coordination app's background jobs (registered in ``CoordinationConfig.ready``)."""

from django.conf import settings
from django.urls import reverse

from lms.jobs.registry import register_job_kind

from . import exports
from .importing import IMPORT_APPLY, IMPORT_PREVIEW, import_apply_run, import_preview_run
from .invitations import INVITATIONS_SEND, invitations_send_run
from .reminders import ASSIGNMENT_REMINDERS_SEND, assignment_reminders_send_run


def register() -> None:
    register_job_kind(
        IMPORT_PREVIEW,
        import_preview_run,
        result_url=lambda job: reverse("coordination_import_job", args=[job.pk]),
        expiry_days=settings.JOB_PREVIEW_EXPIRY_DAYS,
    )
    register_job_kind(IMPORT_APPLY, import_apply_run, atomic=True)
    register_job_kind(INVITATIONS_SEND, invitations_send_run)
    register_job_kind(ASSIGNMENT_REMINDERS_SEND, assignment_reminders_send_run)
    exports.register()
