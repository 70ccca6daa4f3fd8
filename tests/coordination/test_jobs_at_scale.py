"""Work that grows with learners runs in a worker: an assignment to 10,000 learners and a publish
that completes 10,000 enrolments. The requests that start them return in under a second; a worker
killed in the middle of the assignment is recovered by the sweeper and the job finishes exactly once."""

import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from certificates.models import Certificate
from courses.models import Enrollment, LessonProgress
from lms.accounts.models import User
from lms.audit.models import AuditEntry
from lms.jobs.models import BackgroundJob
from lms.jobs.services import jobs_sweep
from lms.orgunits.models import Membership, MembershipSource
from lms.orgunits.services import coordinator_scope_grant
from tests.factories import UserFactory, course_lessons, make_course, make_province_tree
from tests.fixtures.worker import Slowdown, WorkerProcess, wait_for

LEARNERS = 10_000


def _purge(queue: str) -> None:
    from lms.celery import app

    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)


def _learners(unit) -> None:
    """10,000 confirmed members of ``unit``, written in bulk."""
    users = [User(email=f"quy-mo-{n}@example.vn", full_name=f"Người Học {n}", password="!") for n in range(LEARNERS)]
    User.objects.bulk_create(users, batch_size=2000)
    ids = User.objects.filter(email__startswith="quy-mo-").values_list("pk", flat=True)
    now = timezone.now()
    Membership.objects.bulk_create(
        [
            Membership(user_id=pk, unit=unit, start=now.date(), source=MembershipSource.IMPORT, confirmed_at=now)
            for pk in ids
        ],
        batch_size=2000,
    )


@pytest.mark.integration
@pytest.mark.embedded  # recovery is proven with the filesystem transport too
@pytest.mark.django_db(transaction=True)
def test_ten_thousand_learners_are_assigned_and_completed_in_the_worker_exactly_once(
    client, admin_user, settings, tmp_path
):
    queue = f"jobs-test-{uuid.uuid4().hex[:8]}"
    renders = f"renders-unconsumed-{uuid.uuid4().hex[:8]}"  # 10,000 PDFs are not this test's business
    settings.JOB_TASK_QUEUE = queue
    env = {"JOB_TASK_QUEUE": queue, "CERTIFICATE_TASK_QUEUE": renders}
    units = make_province_tree()
    coordinator = UserFactory()
    coordinator_scope_grant(actor=admin_user, user=coordinator, unit=units["commune_a"])
    _learners(units["commune_a"])
    course = make_course("Khoá quy mô tỉnh", modules=1, lessons_per_module=2)
    first, second = course_lessons(course)

    slow = WorkerProcess(
        tmp_path / "slow.log",
        queue=queue,
        extra_env=env,
        pool="solo",
        slow=Slowdown("courses.assignments:_enrol_chunk", 30, "before"),
    )
    slow.start()
    try:
        client.force_login(coordinator)
        started = time.monotonic()
        response = client.post(
            "/coordinate/assignments/new/",
            {"title": "Phổ cập", "courses": [course.pk], "units": [units["commune_a"].pk], "due_date": "31/12/2099"},
        )
        assert time.monotonic() - started < 1 and response.status_code == 302
        job = BackgroundJob.objects.get(kind="courses.assignment_apply")
        assert wait_for(lambda: slow.slowed_calls() >= 1, timeout=120), slow.log_text()[-2000:]
        slow.kill()  # SIGKILL in the middle of the job: its transaction never commits
    finally:
        slow.stop()
    job.refresh_from_db()
    assert job.status == "running" and not Enrollment.objects.exists()
    assert jobs_sweep(now=timezone.now() + timedelta(seconds=settings.JOB_STALE_SECONDS + 1))["recovered"] == 1

    worker = WorkerProcess(tmp_path / "worker.log", queue=queue, extra_env=env)
    worker.start()
    try:
        assert wait_for(lambda: BackgroundJob.objects.get(pk=job.pk).status == "done", timeout=300), worker.log_text()[
            -3000:
        ]
        job.refresh_from_db()
        assert job.attempts == 2 and job.result["enrolled"] == LEARNERS
        assert Enrollment.objects.filter(course=course).count() == LEARNERS
        assert AuditEntry.objects.filter(action="assignment.enrol").count() == LEARNERS  # exactly once

        LessonProgress.objects.bulk_create(
            [
                LessonProgress(
                    enrollment_id=pk, lesson=first, first_viewed_at=timezone.now(), completed_at=timezone.now()
                )
                for pk in Enrollment.objects.filter(course=course).values_list("pk", flat=True)
            ],
            batch_size=2000,
        )
        client.force_login(admin_user)
        started = time.monotonic()
        response = client.post(f"/admin/pages/{second.pk}/unpublish/")  # the one lesson nobody has done
        assert time.monotonic() - started < 1 and response.status_code == 302
        recompute = BackgroundJob.objects.get(kind="courses.progress_recompute")
        assert wait_for(lambda: BackgroundJob.objects.get(pk=recompute.pk).status == "done", timeout=300), (
            worker.log_text()[-3000:]
        )
        assert Enrollment.objects.filter(course=course, completed_at__isnull=False).count() == LEARNERS
        assert Certificate.objects.filter(enrollment__course=course).count() == LEARNERS  # one each
    finally:
        worker.stop()
        _purge(renders)
