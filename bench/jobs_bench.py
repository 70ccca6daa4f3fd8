"""The two jobs that grow most with learners, timed on the database they run on.

Creates N learners confirmed in one commune and a course of two required lessons, then times, as
the worker runs them (``lms.jobs.services.job_execute``, the same call the Celery task makes):

1. ``courses.assignment_apply`` — an assignment of the course to the commune (N enrolments, N audit
   entries);
2. ``courses.progress_recompute`` — after every learner has done the first lesson, the second
   lesson is unpublished, so the recompute completes N enrolments (N certificates requested, their
   renders published after commit).

It also times the two requests that start them (they only queue the job). Run it on a database of
its own, with a broker (the render tasks go to a queue nobody consumes and are purged at the end):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hocso_jobs_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python bench/jobs_bench.py --learners 10000

Target (issue #10): each job ≤ 30 s for 10,000 learners on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("CERTIFICATE_TASK_QUEUE", f"bench-renders-{uuid.uuid4().hex[:8]}")
os.environ.setdefault("JOB_TASK_QUEUE", f"bench-jobs-{uuid.uuid4().hex[:8]}")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)

    from cms.services import site_home_ensure
    from courses.models import Enrollment, LessonProgress
    from lms.accounts.models import User
    from lms.jobs.models import BackgroundJob
    from lms.jobs.services import job_execute
    from lms.orgunits.models import Membership, MembershipSource
    from lms.orgunits.services import coordinator_scope_grant
    from tests.factories import UserFactory, course_lessons, make_catalogue, make_course, make_unit

    tag = uuid.uuid4().hex[:6]
    site_home_ensure()
    commune = make_unit(f"B{tag}", f"Xã đo {tag}", kind="commune")
    admin = UserFactory(email=f"admin-{tag}@bench.vn", is_staff=True, is_superuser=True)
    coordinator = UserFactory(email=f"dp-{tag}@bench.vn")
    coordinator_scope_grant(actor=admin, user=coordinator, unit=commune)
    started = time.perf_counter()
    User.objects.bulk_create(
        [User(email=f"{tag}-{n}@bench.vn", full_name=f"Người Học {n}", password="!") for n in range(args.learners)],
        batch_size=5000,
    )
    now = timezone.now()
    Membership.objects.bulk_create(
        [
            Membership(user_id=pk, unit=commune, start=now.date(), source=MembershipSource.IMPORT, confirmed_at=now)
            for pk in User.objects.filter(email__startswith=f"{tag}-").values_list("pk", flat=True)
        ],
        batch_size=5000,
    )
    course = make_course(f"Khoá đo {tag}", index=make_catalogue(), modules=1, lessons_per_module=2)
    first, second = course_lessons(course)
    print(f"database: {connection.vendor}; {args.learners} learners created in {time.perf_counter() - started:.1f} s")

    client = Client()
    client.force_login(coordinator)
    started = time.perf_counter()
    response = client.post(
        "/coordinate/assignments/new/",
        {"title": "Đo", "courses": [course.pk], "units": [commune.pk], "due_date": "31/12/2099"},
    )
    assert response.status_code == 302, response.status_code
    request_seconds = time.perf_counter() - started
    job = BackgroundJob.objects.filter(kind="courses.assignment_apply", owner=coordinator).latest("pk")
    started = time.perf_counter()
    job_execute(job_id=job.pk)
    apply_seconds = time.perf_counter() - started
    job.refresh_from_db()
    print(
        f"assignment to {args.learners} learners: request {request_seconds * 1000:.0f} ms, "
        f"job {apply_seconds:.1f} s ({job.status}, {job.result.get('enrolled')} enrolled)"
    )

    LessonProgress.objects.bulk_create(
        [
            LessonProgress(enrollment_id=pk, lesson=first, first_viewed_at=now, completed_at=now)
            for pk in Enrollment.objects.filter(course=course).values_list("pk", flat=True)
        ],
        batch_size=5000,
    )
    client.force_login(admin)
    started = time.perf_counter()
    response = client.post(f"/admin/pages/{second.pk}/unpublish/")
    assert response.status_code == 302, response.status_code
    request_seconds = time.perf_counter() - started
    job = BackgroundJob.objects.filter(kind="courses.progress_recompute", owner=admin).latest("pk")
    started = time.perf_counter()
    job_execute(job_id=job.pk)
    recompute_seconds = time.perf_counter() - started
    completed = Enrollment.objects.filter(course=course, completed_at__isnull=False).count()
    print(
        f"publish completing {args.learners} enrolments: request {request_seconds * 1000:.0f} ms, "
        f"job {recompute_seconds:.1f} s ({completed} completed, renders published after commit included)"
    )
    from lms.celery import app

    with app.connection_for_write() as broker, transaction.atomic():
        broker.default_channel.queue_purge(settings.CERTIFICATE_TASK_QUEUE)


if __name__ == "__main__":
    main()
