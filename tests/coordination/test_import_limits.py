"""Hostile files sent to the learner import: refused quickly with a message, nothing saved.

An over-size file is refused by the upload page itself; every other one is refused by the worker that
checks the file (the preview job fails with the reader's message), with its peak memory bounded."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lms.accounts.models import User
from lms.jobs.models import BackgroundJob
from lms.jobs.storage import job_storage
from lms.orgunits.services import coordinator_scope_grant
from tests.factories import UserFactory, make_province_tree
from tests.fixtures.jobs import run_jobs
from tests.lms.hostile_tables import HOSTILE_UPLOADS, dimension_lie

pytestmark = pytest.mark.django_db
OVER_SIZE = {"long-cell.csv", "oversize.csv"}


@pytest.fixture
def coordinator(client, admin_user):
    units = make_province_tree()
    user = UserFactory()
    coordinator_scope_grant(actor=admin_user, user=user, unit=units["commune_a"])
    client.force_login(user)
    return user


def _page_text(response) -> str:
    return response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")


@pytest.mark.parametrize("filename", list(HOSTILE_UPLOADS))
def test_hostile_file_is_refused_with_a_message_and_nothing_saved(client, coordinator, filename):
    build, message = HOSTILE_UPLOADS[filename]
    accounts = User.objects.count()
    response = client.post("/coordinate/import/", {"file": SimpleUploadedFile(filename, build())})
    if filename in OVER_SIZE:
        assert response.status_code == 400 and message in _page_text(response)
        assert not BackgroundJob.objects.exists()
    else:
        assert response.status_code == 302
        (job,) = run_jobs()
        assert job.status == "failed" and message in job.message, (job.status, job.message)
        assert message in _page_text(client.get(response["Location"]))
        assert job.result == {}
        assert not job_storage().exists(job.params["upload"])  # the upload itself is gone
    assert User.objects.count() == accounts


def test_a_declared_dimension_alone_does_not_refuse_a_small_file(client, coordinator):
    response = client.post("/coordinate/import/", {"file": SimpleUploadedFile("hoc-vien.xlsx", dimension_lie())})
    assert response.status_code == 302
    (job,) = run_jobs()
    assert [row["email"] for row in job.result["rows"]] == ["hv2@example.vn", "hv3@example.vn"]


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_worker_refuses_every_hostile_file_quickly_within_300_mb(client, admin_user, tmp_path, settings):
    """In a real worker process (solo pool: the files are read in the process we measure).

    How quickly each file is refused is printed by ``bench/import_limits_bench.py``; here a file the
    worker does not refuse within a minute fails the test."""
    import uuid

    from tests.fixtures.worker import WorkerProcess, wait_for

    queue = f"hostile-{uuid.uuid4().hex[:8]}"
    settings.JOB_TASK_QUEUE = queue
    units = make_province_tree()
    user = UserFactory()
    coordinator_scope_grant(actor=admin_user, user=user, unit=units["commune_a"])
    client.force_login(user)
    worker = WorkerProcess(tmp_path / "worker.log", queue=queue, pool="solo", extra_env={"JOB_TASK_QUEUE": queue})
    worker.start()
    try:
        for filename, (build, message) in HOSTILE_UPLOADS.items():
            if filename in OVER_SIZE:
                continue
            client.post("/coordinate/import/", {"file": SimpleUploadedFile(filename, build())})
            job = BackgroundJob.objects.latest("pk")
            assert wait_for(lambda job=job: BackgroundJob.objects.get(pk=job.pk).status == "failed", timeout=60), (
                filename,
                worker.log_text()[-2000:],
            )
            assert message in BackgroundJob.objects.get(pk=job.pk).message
        status = Path(f"/proc/{worker.process.pid}/status").read_text()
        peak_kb = int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1])
        assert peak_kb < 300 * 1024, f"worker peak RSS {peak_kb / 1024:.0f} MB"
    finally:
        worker.stop()
    assert not User.objects.exclude(pk__in=[admin_user.pk, user.pk]).exists()
