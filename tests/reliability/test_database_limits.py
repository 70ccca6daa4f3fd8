"""PostgreSQL limits: a row lock no longer stalls a worker slot silently, and marking a
certificate failed works whatever state a broken task left the connection in."""

import threading
import time

import psycopg
import pytest
from django.db import connection

from certificates.models import Certificate, CertificateStatus
from certificates.services import certificate_mark_failed
from lms.database import REQUEST, TASK, database_timeouts, database_timeouts_apply
from tests.factories import UserFactory, make_course
from tests.fixtures.worker import wait_for

from .conftest import broker_of_this_process, side_effect_counts, wait_until_settled

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def postgres_only():
    """SQLite has no such limits (its busy timeout is a setting): not a missing service, not applicable."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL limits: run with DATABASE_URL=postgres://…")


def raw_connection():
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    return psycopg.connect(**params, autocommit=False)


def committed_status(certificate_id: int) -> str:
    """The status another connection sees: what was committed."""
    with raw_connection() as other:
        row = other.execute("SELECT status FROM certificates_certificate WHERE id = %s", [certificate_id]).fetchone()
    return row[0]


def test_requests_run_with_the_request_limits():
    postgres_only()
    database_timeouts_apply(REQUEST)
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        lock = cursor.fetchone()[0]
        cursor.execute("SHOW statement_timeout")
        statement = cursor.fetchone()[0]
    lock_ms, statement_ms = database_timeouts(REQUEST)
    assert (lock, statement) == (f"{lock_ms // 1000}s", f"{statement_ms // 1000}s")
    assert database_timeouts(TASK)[1] > statement_ms


def test_marking_failed_works_after_the_driver_was_left_inside_a_transaction(db_certificate):
    postgres_only()
    # What a soft time limit raised mid-query leaves behind: psycopg inside a transaction that
    # Django believes is autocommit ("can't change 'autocommit' now" before the fix).
    connection.ensure_connection()
    connection.connection.autocommit = False
    connection.connection.execute("SELECT 1")  # BEGIN is sent: the driver is now inside a transaction
    assert connection.connection.info.transaction_status != 0
    certificate_mark_failed(certificate_id=db_certificate.pk, error="SoftTimeLimitExceeded()")
    assert committed_status(db_certificate.pk) == CertificateStatus.FAILED


def test_marking_failed_works_after_an_aborted_transaction(db_certificate):
    postgres_only()
    connection.ensure_connection()
    raw = connection.connection
    raw.autocommit = False
    with pytest.raises(psycopg.errors.DivisionByZero):
        raw.execute("SELECT 1/0")
    certificate_mark_failed(certificate_id=db_certificate.pk, error="DivisionByZero")
    assert committed_status(db_certificate.pk) == CertificateStatus.FAILED


@pytest.fixture
def db_certificate(issuer_key):
    from tests.certificates.conftest import complete_course

    learner = UserFactory(full_name="Phạm Minh Châu")
    complete_course(learner, make_course("Khai thác dữ liệu mở", modules=1, lessons_per_module=1))
    yield Certificate.objects.get(user=learner)
    connection.close()  # whatever a failing test left behind, the flush gets a clean connection


def test_a_row_lock_makes_the_render_retry_not_stall(private_redis, processes, issuer_key, reliability_report):
    """The certificate row is locked longer than the task's lock_timeout: the render fails fast with
    a lock timeout, retries with backoff, and issues once the lock is gone — not 120 s stuck."""
    postgres_only()
    start_worker, start_beat, mail_dir = processes
    broker = private_redis("broker")
    learner = UserFactory(full_name="Đỗ Văn Hải")
    course = make_course("Chính quyền số", modules=1, lessons_per_module=1)
    with broker_of_this_process(broker.url):
        limits = {"DATABASE_TASK_LOCK_TIMEOUT_MS": 1000, "CERTIFICATE_RETRY_BACKOFF_MAX": 2}
        worker = start_worker(broker.url, CERTIFICATE_NOTIFY_SWEEP_AGE=5, **limits)
        start_beat(broker.url, SWEEP_SECONDS=2)
        from tests.certificates.conftest import complete_course

        holder = raw_connection()
        locked = threading.Event()
        release = threading.Event()

        def hold_the_row():
            certificate_id = Certificate.objects.get(user=learner).pk
            holder.execute("SELECT id FROM certificates_certificate WHERE id = %s FOR UPDATE", [certificate_id])
            locked.set()
            release.wait(60)
            holder.rollback()
            holder.close()

        complete_course(learner, course)
        certificate = Certificate.objects.get(user=learner)
        thread = threading.Thread(target=hold_the_row, daemon=True)
        thread.start()
        assert locked.wait(30)
        # The worker renders, then meets the lock: a lock timeout, a retry (the log says so).
        assert wait_for(lambda: "LockNotAvailable" in worker.log_text() or "lock timeout" in worker.log_text(),
                        timeout=120), worker.log_text()[-3000:]  # fmt: skip
        assert Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.PENDING
        release.set()
        released = time.monotonic()
        thread.join(30)
        settled = wait_until_settled([certificate], mail_dir, timeout=120)
        assert settled is not None, worker.log_text()[-3000:]
        counts = side_effect_counts([certificate], mail_dir)
    assert counts["lost_renders"] == counts["duplicate_renders"] == 0, counts
    assert counts["lost_emails"] == counts["duplicate_emails"] == 0, counts
    reliability_report(**counts, issued_after_lock_released_s=round(time.monotonic() - released, 1))
