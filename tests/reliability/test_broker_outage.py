"""The broker stopped during completions: every completion answers at once, the learner is told
the certificate waits ("Đang chờ cấp"), and once the broker is back beat's sweep publishes what was
refused — every certificate issued and e-mailed exactly once within 60 s of the broker's return."""

import time

import pytest

from certificates.models import Certificate, CertificateStatus
from certificates.services import certificate_issue
from tests.factories import UserFactory, course_lessons, make_course

from .conftest import broker_of_this_process, side_effect_counts, wait_until_settled

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

LEARNERS = 6
RETURN_BUDGET_SECONDS = 60


def test_completions_during_a_broker_outage_are_issued_within_60_s_of_its_return(
    private_redis, processes, client, issuer_key, settings, reliability_report
):
    start_worker, start_beat, mail_dir = processes
    broker = private_redis("broker")
    with broker_of_this_process(broker.url):
        worker = start_worker(broker.url)
        beat = start_beat(broker.url)  # production's sweep interval and retry age (10 s each)
        course = make_course("Chữ ký số cho cán bộ", modules=1, lessons_per_module=1)
        (lesson,) = course_lessons(course)
        learners = [UserFactory(full_name=f"Người học số {n}") for n in range(LEARNERS)]
        for learner in learners:
            client.force_login(learner)
            assert client.post(f"/learn/course/{course.pk}/enrol/").status_code == 302

        broker.stop()
        slowest = 0.0
        for learner in learners:
            client.force_login(learner)
            started = time.monotonic()
            response = client.post(f"/learn/lesson/{lesson.pk}/done/")
            slowest = max(slowest, time.monotonic() - started)
            assert response.status_code == 302 and response["Location"].endswith("/completed/")
            page = client.get(response["Location"]).content.decode()
            assert "Đang chờ cấp" in page and "vài giây" not in page
        assert slowest < 2, f"a completion took {slowest:.1f} s with the broker down"
        certificates = list(Certificate.objects.filter(user__in=learners))
        assert len(certificates) == LEARNERS
        assert all(c.status == CertificateStatus.PENDING and c.enqueue_failed_at for c in certificates)

        broker.start()  # same port and folder
        settled = wait_until_settled(certificates, mail_dir, timeout=RETURN_BUDGET_SECONDS + 60)
        assert settled is not None, worker.log_text()[-3000:] + beat.log_text()[-2000:]
        assert settled <= RETURN_BUDGET_SECONDS, f"issued {settled} s after the broker's return"
        # Later sweeps find nothing owed: nothing is rendered or sent twice.
        time.sleep(2 * settings.SWEEP_SECONDS)  # two more sweeps
        counts = side_effect_counts(certificates, mail_dir)
    assert counts == {
        "certificates": LEARNERS,
        "lost_renders": 0,
        "duplicate_renders": 0,
        "lost_emails": 0,
        "duplicate_emails": 0,
    }
    reliability_report(**counts, slowest_completion_s=round(slowest, 2), issued_after_return_s=settled)


def test_an_email_whose_publish_was_refused_is_sent_once_after_the_broker_returns(
    private_redis, processes, issuer_key, settings, reliability_report
):
    start_worker, start_beat, mail_dir = processes
    broker = private_redis("broker")
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(mail_dir)
    with broker_of_this_process(broker.url):
        learners = [UserFactory(full_name=f"Học viên {n}") for n in range(3)]
        course = make_course("Thủ tục hành chính điện tử", modules=1, lessons_per_module=1)
        from tests.certificates.conftest import complete_course

        broker.stop()
        for learner in learners:
            complete_course(learner, course)  # the render's publish is refused…
        certificates = list(Certificate.objects.filter(user__in=learners))
        for certificate in certificates:  # …it is issued here; the e-mail's publish is refused too
            assert certificate_issue(certificate_id=certificate.pk).status == CertificateStatus.ISSUED
        assert Certificate.objects.filter(pk__in=[c.pk for c in certificates], notified_at__isnull=True).count() == 3

        broker.start()
        start_worker(broker.url, CERTIFICATE_NOTIFY_SWEEP_AGE=1)  # the sweep runs in the worker
        start_beat(broker.url, SWEEP_SECONDS=2)
        settled = wait_until_settled(certificates, mail_dir, timeout=90)
        assert settled is not None
        time.sleep(3 * 2)  # three more sweeps: none may send again
        counts = side_effect_counts(certificates, mail_dir)
    assert counts["lost_emails"] == 0 and counts["duplicate_emails"] == 0, counts
    assert counts["lost_renders"] == 0 and counts["duplicate_renders"] == 0, counts
    reliability_report(**counts, emailed_after_return_s=settled)
