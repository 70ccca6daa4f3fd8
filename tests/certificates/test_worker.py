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
from tests.fixtures.worker import wait_for
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
from .processes import FAULT_QUEUE, PrivateRedis, QueueWorker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FAULT_DELAY = "3"


def issued_in_time(certificate_id: int, timeout: float = 60) -> Certificate | None:
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
    certificate = issued_in_time(pending.pk, timeout=60)
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
        lambda: Certificate.objects.filter(pk=certificate.pk, notified_at__isnull=False).exists(), timeout=30
    )
    response = client.get(f"/verify/{certificate.code_display}/?format=json")
    assert response.json()["status"] == "valid"


@pytest.mark.embedded
def test_the_same_render_delivered_twice_issues_once(celery_worker_process, issuer_key):
    user = UserFactory(full_name=NAME)
    course = make_course("Dịch vụ công trực tuyến", modules=1, lessons_per_module=1)
    complete_course(user, course)  # enqueues once after commit
    certificate = Certificate.objects.get(user=user)
    assert certificate_enqueue(certificate_id=certificate.pk)  # and twice more
    assert certificate_enqueue(certificate_id=certificate.pk)
    assert issued_in_time(certificate.pk), celery_worker_process.log_text()[-3000:]
    time.sleep(1.5)  # let the duplicates run
    assert assert_one_valid_certificate(user).render_attempts >= 1


@pytest.fixture
def fault_worker(tmp_path, settings):
    """Workers on a queue of their own that sleep FAULT_DELAY s mid-render; stopped at the end."""
    settings.CERTIFICATE_TASK_QUEUE = FAULT_QUEUE
    started = []

    def start(**env):
        worker = QueueWorker(tmp_path / f"fault-worker-{len(started)}.log", env=env)
        worker.start()
        started.append(worker)
        assert worker.wait_ready(), worker.log_text()[-3000:]
        return worker

    yield start
    for worker in started:
        worker.stop()


def rendering_started(certificate_id: int) -> bool:
    return Certificate.objects.filter(pk=certificate_id, render_attempts__gte=1).exists()


@pytest.mark.embedded
def test_sigkill_of_the_pool_child_mid_render_is_redelivered(fault_worker, issuer_key):
    worker = fault_worker(CERTIFICATE_FAULT_RENDER_DELAY=FAULT_DELAY, CELERY_WORKER_LOST_WAIT="2")
    user = UserFactory(full_name=NAME)
    complete_course(user, make_course(COURSE, modules=1, lessons_per_module=1))
    certificate = Certificate.objects.get(user=user)
    assert wait_for(lambda: rendering_started(certificate.pk), timeout=30), worker.log_text()[-3000:]
    time.sleep(0.5)
    children = worker.pool_children()
    assert children
    os.kill(children[0], signal.SIGKILL)
    assert issued_in_time(certificate.pk, timeout=60), worker.log_text()[-4000:]
    assert "WorkerLostError" in worker.log_text() or "signal 9" in worker.log_text()
    issued = assert_one_valid_certificate(user)
    assert issued.render_attempts >= 2


@pytest.mark.embedded
def test_sigkill_of_the_worker_main_process_is_recovered(fault_worker, issuer_key):
    first = fault_worker(CERTIFICATE_FAULT_RENDER_DELAY=FAULT_DELAY)
    user = UserFactory(full_name=NAME)
    complete_course(user, make_course(COURSE, modules=1, lessons_per_module=1))
    certificate = Certificate.objects.get(user=user)
    assert wait_for(lambda: rendering_started(certificate.pk), timeout=30), first.log_text()[-3000:]
    first.kill_main_and_children()
    assert Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.PENDING
    # Recovery: Redis redelivers after the (here short) visibility timeout; the
    # filesystem transport deleted the message, so the sweeper (here: 3 s) re-enqueues.
    second = fault_worker(CELERY_VISIBILITY_TIMEOUT="8", CELERY_UNACKED_RESTORE_INTERVAL="1",
                          CELERY_UNACKED_RESTORE_THROTTLE="1")  # fmt: skip

    def recovered():
        certificates_pending_sweep(older_than_seconds=3)
        return Certificate.objects.filter(pk=certificate.pk, status=CertificateStatus.ISSUED).exists()

    assert wait_for(recovered, timeout=60, interval=1), second.log_text()[-4000:]
    time.sleep(1)
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
    time.sleep(1)
    assert Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.PENDING
    private_broker.start()  # same port and folder

    def swept_and_issued():
        certificates_pending_sweep(older_than_seconds=2)
        return Certificate.objects.filter(pk=certificate.pk, status=CertificateStatus.ISSUED).exists()

    assert wait_for(swept_and_issued, timeout=90, interval=1), worker.log_text()[-4000:]
    assert_one_valid_certificate(user)
