"""Private storage for the files jobs produce (exports, zips, reports) and the uploads they read.

Never the public media URL: files are streamed to their owner by ``lms.jobs.views.job_download``.
``JOB_STORAGE_ALIAS`` names a STORAGES alias instead (e.g. S3 via django-storages).
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import Storage, storages


def job_storage() -> Storage:
    if settings.JOB_STORAGE_ALIAS:
        return storages[settings.JOB_STORAGE_ALIAS]
    return storages.create_storage(
        {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(Path(settings.VAR_DIR) / "private" / "jobs")},
        }
    )
