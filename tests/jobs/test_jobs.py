"""The background-job machinery: claim once, progress, cancel, owner-only files, recovery, purge."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lms.audit.models import AuditEntry
from lms.audit.services import audit_record
from lms.jobs.models import BackgroundJob, JobStatus
from lms.jobs.registry import job_kinds, register_job_kind
from lms.jobs.services import (
    JobError,
    JobLost,
    JobRun,
    job_cancel,
    job_create,
    job_execute,
    jobs_purge_expired,
    jobs_sweep,
)
from lms.jobs.storage import job_storage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CALLS = []


def _export(job, run):
    CALLS.append(job.pk)
    for done in range(1, 4):
        run.progress(done, total=3)
    run.store_file(b"a,b\n", name="bao-cao.csv", content_type="text/csv")
    return {"rows": 3}


def _atomic_write_then_fail(job, run):
    audit_record(actor=job.owner, action="test.write")
    if job.params.get("fail"):
        raise JobError("Tệp có lỗi ở dòng 2.")
    return {"written": 1}


def _cancellable(job, run):
    run.progress(1, total=10)
    BackgroundJob.objects.filter(pk=job.pk).update(cancel_requested_at=timezone.now())
    run.progress(2)
    raise AssertionError("not reached")


@pytest.fixture(autouse=True)
def kinds():
    register_job_kind("test.export", _export)
    register_job_kind("test.atomic", _atomic_write_then_fail, atomic=True)
    register_job_kind("test.cancellable", _cancellable)
    CALLS.clear()
    yield
    for kind in ("test.export", "test.atomic", "test.cancellable"):
        job_kinds.pop(kind, None)


def test_a_job_runs_once_reports_progress_and_keeps_its_file_for_its_owner_only(
    client, django_capture_on_commit_callbacks
):
    owner, other = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks() as published:
        job = job_create(owner=owner, kind="test.export", title="Xuất báo cáo")
    assert job.status == JobStatus.QUEUED and len(published) == 1
    job_execute(job_id=job.pk)
    assert job_execute(job_id=job.pk) is None  # a duplicate delivery does nothing
    job.refresh_from_db()
    assert [job.pk] == CALLS
    assert (job.status, job.progress_done, job.progress_total, job.result) == ("done", 3, 3, {"rows": 3})
    assert job.expires_at > timezone.now() + timedelta(days=6)
    client.force_login(other)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
    client.force_login(owner)
    assert "Tải bao-cao.csv" in client.get(f"/jobs/{job.pk}/").content.decode()
    download = client.get(f"/jobs/{job.pk}/download/")
    assert b"".join(download.streaming_content) == b"a,b\n"
    assert 'filename="bao-cao.csv"' in download["Content-Disposition"]


def test_an_atomic_job_commits_its_writes_with_done_or_not_at_all():
    owner = UserFactory()
    bad = job_create(owner=owner, kind="test.atomic", title="Nhập", params={"fail": True})
    job_execute(job_id=bad.pk)
    bad.refresh_from_db()
    assert (bad.status, bad.message) == ("failed", "Tệp có lỗi ở dòng 2.")
    assert not AuditEntry.objects.filter(action="test.write").exists()
    good = job_create(owner=owner, kind="test.atomic", title="Nhập")
    job_execute(job_id=good.pk)
    good.refresh_from_db()
    assert good.status == "done" and AuditEntry.objects.filter(action="test.write").count() == 1


def test_cancel_stops_a_queued_job_at_once_and_a_running_one_at_its_next_checkpoint(client):
    owner = UserFactory()
    queued = job_create(owner=owner, kind="test.export", title="Xuất")
    client.force_login(UserFactory())
    client.post(f"/jobs/{queued.pk}/cancel/")
    queued.refresh_from_db()
    assert queued.status == "queued"  # nobody else can cancel it
    client.force_login(owner)
    client.post(f"/jobs/{queued.pk}/cancel/")
    queued.refresh_from_db()
    assert queued.status == "cancelled"
    assert job_execute(job_id=queued.pk) is None and CALLS == []
    running = job_create(owner=owner, kind="test.cancellable", title="Dài")
    job_execute(job_id=running.pk)
    running.refresh_from_db()
    assert running.status == "cancelled" and running.progress_done == 2


def test_a_job_on_a_dead_worker_is_recovered_and_the_dead_run_cannot_finish_it(django_capture_on_commit_callbacks):
    owner = UserFactory()
    job = job_create(owner=owner, kind="test.export", title="Xuất")
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, claim="dead-run", attempts=1, heartbeat_at=timezone.now() - timedelta(minutes=5)
    )
    dead = JobRun(BackgroundJob.objects.get(pk=job.pk), "dead-run")
    counts = jobs_sweep()
    assert counts["recovered"] == 1
    assert BackgroundJob.objects.get(pk=job.pk).status == "queued"
    job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, CALLS) == ("done", 2, [job.pk])
    with pytest.raises(JobLost):
        dead.progress(1)


def test_a_job_whose_worker_keeps_dying_fails_with_a_message():
    job = job_create(owner=UserFactory(), kind="test.export", title="Xuất")
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, claim="x", attempts=3, heartbeat_at=timezone.now() - timedelta(minutes=5)
    )
    assert jobs_sweep()["failed"] == 1
    job.refresh_from_db()
    assert job.status == "failed" and job.message


def test_expired_jobs_lose_their_files_and_results():
    owner = UserFactory()
    job = job_create(owner=owner, kind="test.export", title="Xuất")
    job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job_storage().exists(job.file)
    stored = job.file
    assert jobs_purge_expired() == 0
    assert jobs_purge_expired(now=timezone.now() + timedelta(days=8)) == 1
    job.refresh_from_db()
    assert (job.status, job.file, job.result) == ("expired", "", {})
    assert not job_storage().exists(stored)


def test_only_the_owner_cancels_through_the_service():
    job = job_create(owner=UserFactory(), kind="test.export", title="Xuất")
    with pytest.raises(JobError):
        job_cancel(actor=UserFactory(), job=job)
