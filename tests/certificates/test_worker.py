"""With real processes: a worker subprocess issues the certificate; killed workers,
a stopped broker and duplicate deliveries still end in exactly one issued certificate."""

import hashlib
import os
import signal
import time

import pytest

from certificates.models import Certificate, CertificateStatus
from certificates.selectors import verify_url
from certificates.services import certificate_enqueue, certificates_pending_sweep
from tests.factories import UserFactory, course_lessons, make_course
from tests.fixtures.worker import Slowdown, WorkerProcess, wait_for
from tests.services import require

from .conftest import (
    COURSE,
    NAME,
    complete_course,
    pdf_bytes,
    pdffonts,
    pdfsig_validation,
    pdftotext,
    pyhanko_status,
    qr_decode,
)
from .processes import FAULT_QUEUE, PrivateRedis

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RENDER_TASK = "certificates.tasks.certificate_render"
# The kill window: the PDF is rendered and signed, not yet stored, the row still
# ``pending``. A test kills as soon as the sleep begins; the sleep only has to
# outlast the test's reaction on a loaded machine.
PAUSE_AFTER_SIGNING = Slowdown("certificates.signing:pdf_sign", 3, "after")


def issued_in_time(certificate_id: int, timeout: float = 120) -> Certificate | None:
    return wait_for(
        lambda: Certificate.objects.filter(pk=certificate_id, status=CertificateStatus.ISSUED).first(),
        timeout=timeout,
        interval=0.3,
    )


def assert_one_valid_certificate(user) -> Certificate:
    certificates = list(Certificate.objects.filter(user=user))
    assert [c.status for c in certificates] == [CertificateStatus.ISSUED], certificates
    certificate = certificates[0]
    data = pdf_bytes(certificate)
    _signature, status = pyhanko_status(data)
    assert status.intact and status.valid
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    return certificate


@pytest.mark.embedded
def test_completing_a_course_issues_a_signed_certificate(celery_worker_process, issuer_key, client, tmp_path):
    user = UserFactory(full_name=NAME)
    course = make_course(COURSE, modules=1, lessons_per_module=2)
    client.force_login(user)
    assert client.post(f"/learn/course/{course.pk}/enrol/").status_code == 302
    started = time.monotonic()
    for lesson in course_lessons(course):
        assert client.post(f"/learn/lesson/{lesson.pk}/done/").status_code == 302
    pending = Certificate.objects.get(user=user)
    certificate = issued_in_time(pending.pk)
    assert certificate is not None, celery_worker_process.log_text()[-3000:]
    print(f"issued {time.monotonic() - started:.2f} s after the completing request")
    data = pdf_bytes(certificate)
    path = tmp_path / "certificate.pdf"
    path.write_bytes(data)
    text = pdftotext(path)
    assert NAME in text and COURSE in text
    assert all(row["emb"] == "yes" for row in pdffonts(path))
    assert qr_decode(path, tmp_path) == verify_url(certificate.code)
    _signature, status = pyhanko_status(data)
    assert status.intact and status.valid
    assert pdfsig_validation(path) == "Signature is Valid."
    tampered = bytearray(data)
    tampered[len(data) // 3] ^= 0x01
    path.write_bytes(bytes(tampered))
    assert not pyhanko_status(bytes(tampered))[1].intact
    assert pdfsig_validation(path) != "Signature is Valid."
    # Downloads serve the stored bytes; nothing is rendered again.
    download = b"".join(client.get(f"/certificates/{certificate.code_display}/download/").streaming_content)
    assert download == data
    assert wait_for(
        lambda: Certificate.objects.filter(pk=certificate.pk, notified_at__isnull=False).exists(), timeout=120
    )
    response = client.get(f"/verify/{certificate.code_display}/?format=json")
    assert response.json()["status"] == "valid"


@pytest.mark.embedded
def test_the_same_render_delivered_twice_issues_once(celery_worker_process, issuer_key, published_tasks):
    user = UserFactory(full_name=NAME)
    course = make_course("Dịch vụ công trực tuyến", modules=1, lessons_per_module=1)
    complete_course(user, course)  # enqueues once after commit
    certificate = Certificate.objects.get(user=user)
    assert certificate_enqueue(certificate_id=certificate.pk)  # and twice more
    assert certificate_enqueue(certificate_id=certificate.pk)
    assert issued_in_time(certificate.pk), celery_worker_process.log_text()[-3000:]
    deliveries = published_tasks[RENDER_TASK]
    assert len(deliveries) == 3
    assert wait_for(lambda: all(map(celery_worker_process.task_finished, deliveries)), timeout=120), (
        celery_worker_process.log_text()[-3000:]
    )
    assert assert_one_valid_certificate(user).render_attempts >= 1


@pytest.fixture
def fault_worker(tmp_path, settings):
    """Ready workers on a queue of their own (``slow``: a Slowdown, ``env``: extra environment); stopped at the end."""
    settings.CERTIFICATE_TASK_QUEUE = FAULT_QUEUE
    started = []

    def start(*, slow: Slowdown | None = None, **env):
        worker = WorkerProcess(
            tmp_path / f"fault-worker-{len(started)}.log", queue=FAULT_QUEUE, extra_env=env, slow=slow
        )
        started.append(worker)
        worker.start()
        return worker

    yield start
    for worker in started:
        worker.stop()


def signed_not_stored(worker: WorkerProcess) -> bool:
    """The worker rendered and signed a PDF and now sleeps before storing it."""
    return worker.slowed_calls() >= 1


@pytest.mark.embedded
def test_sigkill_of_the_pool_child_mid_render_is_redelivered(fault_worker, issuer_key):
    worker = fault_worker(slow=PAUSE_AFTER_SIGNING, CELERY_WORKER_LOST_WAIT="2")
    user = UserFactory(full_name=NAME)
    complete_course(user, make_course(COURSE, modules=1, lessons_per_module=1))
    certificate = Certificate.objects.get(user=user)
    assert wait_for(lambda: signed_not_stored(worker), timeout=120), worker.log_text()[-3000:]
    children = worker.pool_children()
    assert children
    os.kill(children[0], signal.SIGKILL)
    assert issued_in_time(certificate.pk), worker.log_text()[-4000:]
    assert "WorkerLostError" in worker.log_text() or "signal 9" in worker.log_text()
    issued = assert_one_valid_certificate(user)
    assert issued.render_attempts >= 2


@pytest.mark.embedded
def test_sigkill_of_the_worker_main_process_is_recovered(fault_worker, issuer_key, published_tasks):
    first = fault_worker(slow=PAUSE_AFTER_SIGNING)
    user = UserFactory(full_name=NAME)
    complete_course(user, make_course(COURSE, modules=1, lessons_per_module=1))
    certificate = Certificate.objects.get(user=user)
    assert wait_for(lambda: signed_not_stored(first), timeout=120), first.log_text()[-3000:]
    first.kill_main_and_children()
    published_before_kill = len(published_tasks[RENDER_TASK])
    assert Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.PENDING
    # Recovery: Redis redelivers after the (here short) visibility timeout; the
    # filesystem transport deleted the message, so the sweeper (here: 3 s) re-enqueues.
    second = fault_worker(CELERY_VISIBILITY_TIMEOUT="8", CELERY_UNACKED_RESTORE_INTERVAL="1",
                          CELERY_UNACKED_RESTORE_THROTTLE="1")  # fmt: skip

    def recovered():
        certificates_pending_sweep(older_than_seconds=3)
        return Certificate.objects.filter(pk=certificate.pk, status=CertificateStatus.ISSUED).exists()

    assert wait_for(recovered, timeout=120, interval=1), second.log_text()[-4000:]
    # Every render the sweeper enqueued has run, and none issued a second certificate.
    sweeps = published_tasks[RENDER_TASK][published_before_kill:]
    assert wait_for(lambda: all(map(second.task_finished, sweeps)), timeout=120), second.log_text()[-4000:]
    assert_one_valid_certificate(user)


@pytest.fixture
def private_broker(tmp_path, settings):
    """A private Redis as the broker of this process and of the worker the test starts."""
    require(PrivateRedis.available(), "redis-server is not installed")
    from lms.celery import app

    redis = PrivateRedis(tmp_path)
    redis.start()
    saved = {key: app.conf[key] for key in ("broker_url", "broker_write_url", "broker_read_url")}
    saved_options = dict(app.conf.broker_transport_options or {})
    for key in saved:
        app.conf[key] = redis.url
    app.conf.broker_transport_options = {"socket_connect_timeout": 2, "visibility_timeout": 3600}
    app._pool, app.amqp._producer_pool = None, None
    yield redis
    redis.stop()
    for key, value in saved.items():
        app.conf[key] = value
    app.conf.broker_transport_options = saved_options
    app._pool, app.amqp._producer_pool = None, None


def test_redis_down_at_completion_then_back(private_broker, fault_worker, issuer_key, client):
    worker = fault_worker(CELERY_BROKER_URL=private_broker.url)
    user = UserFactory(full_name=NAME)
    course = make_course(COURSE, modules=1, lessons_per_module=2)
    client.force_login(user)
    client.post(f"/learn/course/{course.pk}/enrol/")
    private_broker.stop()
    started = time.monotonic()
    for lesson in course_lessons(course):
        response = client.post(f"/learn/lesson/{lesson.pk}/done/")
        assert response.status_code == 302
    assert time.monotonic() - started < 10
    certificate = Certificate.objects.get(user=user)
    assert certificate.status == CertificateStatus.PENDING and certificate.enqueued_at is None
    time.sleep(1)  # a negative check: with the broker down, nothing may issue it meanwhile
    assert Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.PENDING
    private_broker.start()  # same port and folder

    def swept_and_issued():
        certificates_pending_sweep(older_than_seconds=2)
        return Certificate.objects.filter(pk=certificate.pk, status=CertificateStatus.ISSUED).exists()

    assert wait_for(swept_and_issued, timeout=90, interval=1), worker.log_text()[-4000:]
    assert_one_valid_certificate(user)
