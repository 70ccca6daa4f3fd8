import re
from datetime import timedelta
from email import message_from_bytes

import pytest
from django.core import mail
from django.utils import timezone

from coordination.models import ReminderClaim
from coordination.reminders import reminders_send, unsubscribe_user_id
from courses.assignments import assignment_create, assignment_exception_set
from lms.orgunits.models import MembershipSource
from lms.orgunits.services import coordinator_scope_grant, membership_declare
from tests.factories import UserFactory, make_course, make_province_tree
from tests.fixtures.worker import Slowdown, WorkerProcess, _purge_embedded_queue, wait_for

# A queue of its own: no other worker of the test session may take these tasks.
QUEUE = "reminders-test"
UNSUBSCRIBE_LINK = re.compile(r"/coordinate/reminders/off/([^/\s]+)/")


def setup_assignment(admin_user, learners: int, *, due_in_days: int = 1, today=None):
    units = make_province_tree()
    coordinator = UserFactory()
    coordinator_scope_grant(actor=admin_user, user=coordinator, unit=units["commune_a"])
    users = []
    for n in range(learners):
        user = UserFactory(email=f"nhac{n}@example.vn")
        membership = membership_declare(user=user, unit=units["commune_a"], source=MembershipSource.IMPORT)
        membership.confirmed_at = timezone.now()
        membership.save()
        users.append(user)
    assignment = assignment_create(
        actor=coordinator,
        title="Đợt nhắc hạn",
        courses=[make_course(modules=1, lessons_per_module=1)],
        units=[units["commune_a"]],
        due_date=(today or timezone.localdate()) + timedelta(days=due_in_days),
    )
    return coordinator, assignment, users


@pytest.mark.django_db
def test_each_reminder_is_sent_once_and_respects_exemption_and_opt_out(client, admin_user):
    today = timezone.localdate()  # once: the test may run across midnight
    coordinator, assignment, users = setup_assignment(admin_user, 3, today=today)
    assignment_exception_set(actor=coordinator, assignment=assignment, user=users[0], kind="exemption", reason="Nghỉ")
    assert reminders_send(today=today) == 2
    assert reminders_send(today=today) == 0  # claimed: never again
    assert sorted(m.to[0] for m in mail.outbox) == ["nhac1@example.vn", "nhac2@example.vn"]
    assert "Sắp đến hạn" in mail.outbox[0].subject
    # The token is signed with a timestamp: compare what it carries, not a token signed again here.
    message = next(m for m in mail.outbox if m.to == [users[1].email])
    token = UNSUBSCRIBE_LINK.search(message.body).group(1)
    assert unsubscribe_user_id(token) == users[1].pk
    client.post(f"/coordinate/reminders/off/{token}/")
    users[1].refresh_from_db()
    assert users[1].reminder_emails is False
    later = today + timedelta(days=2)  # now overdue: only the subscribed learner hears
    assert reminders_send(today=later) == 1 and mail.outbox[-1].to == ["nhac2@example.vn"]
    assert "Quá hạn" in mail.outbox[-1].subject
    assert client.get("/coordinate/reminders/off/sai-token/").status_code == 400


@pytest.mark.integration
@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_worker_restarted_mid_run_sends_no_reminder_twice(admin_user, tmp_path, django_db_blocker):
    from coordination.tasks import send_reminders

    _coordinator, _assignment, users = setup_assignment(admin_user, 12)
    outbox = tmp_path / "mail"
    outbox.mkdir()
    env = {"EMAIL_URL": f"file://{outbox}"}
    _purge_embedded_queue()
    # Each reminder is claimed, then the worker pauses a second before sending it:
    # the kill below lands in a pause, long enough for a test on a loaded machine.
    pause_before_sending = Slowdown("coordination.reminders:_send", 1, "before")
    worker = WorkerProcess(tmp_path / "w1.log", extra_env=env, pool="solo", queue=QUEUE, slow=pause_before_sending)
    try:
        worker.start()
        send_reminders.apply_async(queue=QUEUE)
        # Four sent, the fifth claimed and pausing.
        assert wait_for(lambda: worker.slowed_calls() >= 5, timeout=120), worker.log_text()[-2000:]
        worker.kill()  # SIGKILL mid-run
        claimed_at_kill = ReminderClaim.objects.count()
        assert claimed_at_kill < len(users)
    finally:
        worker.stop()
    restarted = WorkerProcess(tmp_path / "w2.log", extra_env=env, pool="solo", queue=QUEUE)
    try:
        restarted.start()
        run = send_reminders.apply_async(queue=QUEUE)  # the next beat run
        assert wait_for(lambda: restarted.task_finished(run.id), timeout=120), restarted.log_text()[-2000:]
    finally:
        restarted.stop()
    assert ReminderClaim.objects.count() == len(users)
    recipients = []
    for path in outbox.iterdir():
        for chunk in path.read_bytes().split(b"-" * 79):
            if chunk.strip():
                recipients.append(message_from_bytes(chunk.strip())["To"])
    assert len(recipients) == len(set(recipients)), "a learner got the same reminder twice"
    unsent = ReminderClaim.objects.filter(sent_at__isnull=True).count()
    assert unsent <= 1  # at most the one claimed when the worker died
    assert len(recipients) == len(users) - unsent


@pytest.mark.django_db
def test_weekly_digest_once_per_coordinator_per_week(admin_user):
    from coordination.reminders import digests_send

    coordinator, _assignment, _users = setup_assignment(admin_user, 2)
    today = timezone.localdate()  # once: two calls may straddle midnight
    monday = today - timedelta(days=today.weekday())
    assert digests_send(today=monday) == 1
    assert digests_send(today=monday + timedelta(days=3)) == 0  # same ISO week
    assert mail.outbox[-1].to == [coordinator.email] and "Người học: 2" in mail.outbox[-1].body
    assert digests_send(today=monday + timedelta(days=7)) == 1
