"""Kinds of background job, registered by the apps that run them (in ``AppConfig.ready()``).

A lower layer cannot import the apps above it, so the job machinery learns what to run from this
registry: ``register_job_kind("coordination.export_learners", runner=…)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class JobKind:
    """How to run one kind of job.

    ``runner(job, run) -> dict | None`` does the work and returns the result to keep (counts, a
    summary); it reports progress and stores files through ``run`` (``lms.jobs.services.JobRun``)
    and raises ``JobError`` with a message for people when the input is wrong. Runners are
    idempotent: after a killed worker the sweeper runs the job again from the start.

    ``atomic``: the runner's writes and the job's "done" commit in one transaction (all or
    nothing — imports, assignments). ``time_limit``: seconds before the worker stops the run.
    ``expiry_days``: how long the file and result are kept (None: ``JOB_EXPIRY_DAYS``).
    ``result_url(job)``: where the owner sees the result (default: the job page).
    """

    kind: str
    runner: Callable[..., dict[str, Any] | None]
    atomic: bool = False
    time_limit: int = 600
    expiry_days: int | None = None
    result_url: Callable[..., str] | None = None


job_kinds: dict[str, JobKind] = {}


def register_job_kind(kind: str, runner, **options) -> JobKind:
    job_kinds[kind] = JobKind(kind=kind, runner=runner, **options)
    return job_kinds[kind]


def job_kind(kind: str) -> JobKind | None:
    return job_kinds.get(kind)
