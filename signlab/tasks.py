"""Celery tasks of the lab: thin wrappers over services, each taking ids and idempotent."""

from __future__ import annotations

from celery import shared_task

from . import checker


@shared_task(name="signlab.tasks.signature_check_run", acks_late=True, ignore_result=True)
def signature_check_run(check_id: int) -> None:
    """Validate one upload of the public checker; a no-op unless the check is still queued
    (``signlab.checker.signature_check_run``). No retries: a failure is recorded on the row."""
    checker.signature_check_run(check_id=check_id)
