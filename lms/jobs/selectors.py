"""Reads of background jobs: only their owner sees them."""

from django.db.models import QuerySet
from django.http import Http404

from .models import BackgroundJob


def jobs_of(*, owner, kind_prefix: str = "") -> QuerySet[BackgroundJob]:
    jobs = BackgroundJob.objects.filter(owner=owner)
    if kind_prefix:
        jobs = jobs.filter(kind__startswith=kind_prefix)
    return jobs.order_by("-created_at")


def job_of_owner(*, owner, job_id: int, kinds: tuple[str, ...] = ()) -> BackgroundJob:
    """The owner's job, or 404 — nobody else learns whether it exists."""
    jobs = BackgroundJob.objects.filter(pk=job_id, owner_id=owner.pk)
    if kinds:
        jobs = jobs.filter(kind__in=kinds)
    job = jobs.first()
    if job is None:
        raise Http404
    return job
