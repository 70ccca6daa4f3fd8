"""Workers killed with SIGKILL mid-render — a pool child, then the main process with its children —
lose nothing and duplicate nothing: every certificate issued once (one stored PDF) and e-mailed once.

Recovery paths measured here (docs/reliability.md): a killed pool child's message is redelivered at
once (``acks_late`` + ``task_reject_on_worker_lost``, after ``CELERY_WORKER_LOST_WAIT``); a killed
main process's messages stay unacknowledged in Redis until ``visibility_timeout`` (short here) and
the restore scan, or until the sweeper publishes them again (``CERTIFICATE_PENDING_SWEEP_AGE``)."""

import os
import signal
import time

import pytest

from certificates.models import Certificate, CertificateStatus
from tests.factories import UserFactory, make_course
from tests.fixtures.worker import Slowdown, wait_for

from .conftest import broker_of_this_process, side_effect_counts, wait_until_settled

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CERTIFICATES = 4
# Rendered and signed, not yet stored: the window in which a kill hurts most.
PAUSE_AFTER_SIGNING = Slowdown("certificates.signing:pdf_sign", 2, "after")
FAST_RECOVERY = {
    "CELERY_WORKER_LOST_WAIT": 2,
    "CELERY_VISIBILITY_TIMEOUT": 10,
    "CELERY_UNACKED_RESTORE_INTERVAL": 1,
    "CELERY_UNACKED_RESTORE_THROTTLE": 1,
    "CERTIFICATE_NOTIFY_SWEEP_AGE": 5,
}


def test_sigkill_of_a_pool_child_and_of_the_main_process_loses_and_duplicates_nothing(
    private_redis, processes, issuer_key, reliability_report
):
    start_worker, start_beat, mail_dir = processes
    broker = private_redis("broker")
    with broker_of_this_process(broker.url):
        first = start_worker(broker.url, slow=PAUSE_AFTER_SIGNING, **FAST_RECOVERY)
        start_beat(broker.url, SWEEP_SECONDS=2)
        from tests.certificates.conftest import complete_course

        course = make_course("An toàn thông tin", modules=1, lessons_per_module=1)
        learners = [UserFactory(full_name=f"Cán bộ {n}") for n in range(CERTIFICATES)]
        for learner in learners:
            complete_course(learner, course)
        certificates = list(Certificate.objects.filter(user__in=learners))

        # 1. A pool child killed mid-render: redelivered to the replacement child.
        assert wait_for(lambda: first.slowed_calls() >= 1, timeout=120), first.log_text()[-3000:]
        os.kill(first.pool_children()[0], signal.SIGKILL)
        child_killed = time.monotonic()
        assert wait_for(lambda: first.slowed_calls() >= 2, timeout=120), first.log_text()[-3000:]
        child_recovery = round(time.monotonic() - child_killed, 1)

        # 2. The main process and its children killed mid-render: a new worker picks the work up.
        first.kill_main_and_children()
        main_killed = time.monotonic()
        pending = Certificate.objects.filter(pk__in=[c.pk for c in certificates], status=CertificateStatus.PENDING)
        assert pending.exists()
        second = start_worker(broker.url, **FAST_RECOVERY)
        settled = wait_until_settled(certificates, mail_dir, timeout=180)
        assert settled is not None, second.log_text()[-4000:]
        main_recovery = round(time.monotonic() - main_killed, 1)
        time.sleep(15)  # past one more visibility timeout: a late redelivery must not issue or send again
        counts = side_effect_counts(certificates, mail_dir)
    assert counts == {
        "certificates": CERTIFICATES,
        "lost_renders": 0,
        "duplicate_renders": 0,
        "lost_emails": 0,
        "duplicate_emails": 0,
    }
    reliability_report(**counts, child_kill_redelivered_s=child_recovery, main_kill_settled_s=main_recovery)
