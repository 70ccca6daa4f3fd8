"""Preparing the embedded Celery transport's folders."""

from pathlib import Path

from django.conf import settings


def ensure_embedded_queue_dirs() -> None:
    """Create the filesystem transport's folders when that transport is in use.

    kombu's filesystem transport expects its folders to exist; web, worker and
    beat all import Django, so every process creates them before use.
    """
    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        return
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
