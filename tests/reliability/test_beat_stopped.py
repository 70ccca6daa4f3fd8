"""Beat stopped: the deep health check turns red within the configured heartbeat age (2 minutes at
most in production; a short one here), and a worker sweeps in beat's place meanwhile."""

import pytest
from django.utils import timezone

from certificates.models import Certificate, CertificateStatus
from lms import health
from lms.jobs.sweeps import BEAT, heartbeat_age
from tests.factories import UserFactory, make_course
from tests.fixtures.worker import wait_for

from .conftest import broker_of_this_process, side_effect_counts, wait_until_settled

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

STALE = 6  # HEALTHZ_BEAT_STALE_SECONDS for the test (production: 90)


def deep(client) -> tuple[int, dict]:
    health.deep_check_forget()
    response = client.get("/healthz/deep")
    return response.status_code, response.json()


def test_a_stopped_beat_turns_the_deep_check_red_and_a_worker_sweeps_instead(
    private_redis, processes, client, issuer_key, settings, reliability_report
):
    start_worker, start_beat, mail_dir = processes
    settings.HEALTHZ_BEAT_STALE_SECONDS = STALE
    settings.HEALTHZ_WORKER_WAIT_SECONDS = 10
    broker = private_redis("broker")
    with broker_of_this_process(broker.url):
        worker = start_worker(broker.url, SWEEP_SECONDS=1, SWEEP_FALLBACK_AFTER_SECONDS=STALE)
        beat = start_beat(broker.url, SWEEP_SECONDS=1)
        assert wait_for(lambda: (heartbeat_age(name=BEAT) or 99) < 2, timeout=120), beat.log_text()[-2000:]
        status, body = deep(client)
        assert status == 200 and body["checks"]["beat"]["ok"], body

        beat.kill()
        stopped = timezone.now()
        red = wait_for(lambda: deep(client)[0] == 503, timeout=120, interval=0.5)
        seconds_to_red = round((timezone.now() - stopped).total_seconds(), 1)
        status, body = deep(client)
        assert red and status == 503, body
        assert body["checks"]["beat"]["ok"] is False
        assert {name for name, check in body["checks"].items() if not check["ok"]} == {"beat"}, body
        # The heartbeat's age passes STALE, then one deep check sees it (a loaded machine adds seconds).
        assert seconds_to_red <= STALE + 30

        # Beat is still down: a completion whose render's publish the broker refused is swept by
        # the worker's fallback thread.
        learner = UserFactory(full_name="Lê Thị Thu")
        course = make_course("Bảo mật thông tin cá nhân", modules=1, lessons_per_module=1)
        from tests.certificates.conftest import complete_course

        broker.stop()
        complete_course(learner, course)
        broker.start()
        certificate = Certificate.objects.get(user=learner)
        assert certificate.status == CertificateStatus.PENDING and certificate.enqueued_at is None
        settled = wait_until_settled([certificate], mail_dir, timeout=120)
        assert settled is not None, worker.log_text()[-3000:]
        assert "sweeps in its place" in worker.log_text()
        assert deep(client)[1]["checks"]["beat"]["fallback_age_seconds"] is not None
        counts = side_effect_counts([certificate], mail_dir)
    assert counts["lost_renders"] == counts["duplicate_renders"] == 0, counts
    assert counts["lost_emails"] == counts["duplicate_emails"] == 0, counts
    reliability_report(**counts, red_after_beat_stopped_s=seconds_to_red, stale_threshold_s=STALE,
                       fallback_issued_s=settled)  # fmt: skip
