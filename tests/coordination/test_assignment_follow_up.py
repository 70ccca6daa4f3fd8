"""Coordinator follow-up: the assignments list and its counts, edit / extend / cancel (scope,
audit, past due dates confirmed) and "send reminders now" to the previewed recipients."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from coordination.assignment_selectors import assignment_plans
from coordination.models import ReminderClaim
from coordination.reminders import ReminderError, assignment_reminders_preview, assignment_reminders_queue
from courses.assignment_changes import (
    assignment_cancel,
    assignment_extend,
    assignment_overdue_at_once,
    assignment_update,
)
from courses.assignment_status import assignment_due, assignment_status
from courses.assignments import (
    AssignmentError,
    AssignmentNeedsConfirmation,
    assignment_create,
    assignment_exception_set,
    assignments_apply_for_user,
)
from courses.models import Assignment, AssignmentException, Enrollment
from courses.services import lesson_complete
from lms.audit.models import AuditEntry
from tests.coordination.conftest import member
from tests.factories import course_lessons, make_course
from tests.fixtures.jobs import run_jobs

pytestmark = pytest.mark.django_db


def plan(world, *, due_in_days=30, course=None, **extra):
    course = course or make_course("An toàn thông tin", modules=1, lessons_per_module=2)
    assignment = assignment_create(
        actor=world["ca"],
        title="Bồi dưỡng an toàn thông tin",
        plan_reference="Kế hoạch số 12/KH-UBND",
        courses=[course],
        units=[world["commune_a"]],
        due_date=timezone.localdate() + timedelta(days=due_in_days),
        **extra,
    )
    return assignment, course


@pytest.fixture
def mixed(world):
    """One assignment whose learners stand in every status: completed, in progress, not started,
    overdue (an extension already past) and exempted."""
    extra = {
        key: member(world["commune_a"], name=name) for key, name in (("late", "Đỗ Văn Muộn"), ("free", "Vũ Thị Miễn"))
    }
    assignment, course = plan(world)
    lessons = course_lessons(course)
    lesson_complete(user=world["a1"], lesson=lessons[0])
    lesson_complete(user=world["a1"], lesson=lessons[1])  # completed
    lesson_complete(user=world["a2"], lesson=lessons[0])  # in progress
    yesterday = timezone.localdate() - timedelta(days=1)
    assignment_exception_set(
        actor=world["ca"], assignment=assignment, user=extra["late"], kind="extension", due_date=yesterday, reason="x"
    )
    AssignmentException.objects.filter(user=extra["late"]).update(created_at=timezone.now() - timedelta(days=2))
    assignment_exception_set(actor=world["ca"], assignment=assignment, user=extra["free"], kind="exemption", reason="y")
    not_started = member(world["commune_a"], name="Hồ Thị Chưa")
    assignments_apply_for_user(actor=world["ca"], user=not_started)
    return {"assignment": assignment, "course": course, **extra, "not_started": not_started}


# --- The list and its counts -------------------------------------------------------------------


def test_list_counts_equal_the_status_rule_for_every_enrolment(world, mixed):
    today = timezone.localdate()
    assignment = mixed["assignment"]
    expected: dict[str, int] = {}
    for enrollment in Enrollment.objects.filter(assignment=assignment).select_related("assignment"):
        exception = AssignmentException.objects.filter(assignment=assignment, user=enrollment.user).first()
        due, exempted = assignment_due(assignment=assignment, exception=exception, today=today)
        status = assignment_status(enrollment=enrollment, today=today, due=due, exempted=exempted)
        expected[status] = expected.get(status, 0) + 1
    assert expected == {"completed": 1, "in_progress": 1, "not_started": 1, "overdue": 1, "exempted": 1}

    [found] = assignment_plans(viewer=world["ca"], today=today)
    assert found.reference == "Kế hoạch số 12/KH-UBND"
    [row] = found.rows
    [(course, counts)] = row.courses
    assert course == mixed["course"]
    assert counts.assigned == 5
    assert {name: getattr(counts, name) for name in expected} == expected


def test_list_counts_are_set_based(world, mixed, django_assert_max_num_queries):
    for n in range(10):
        assignments_apply_for_user(actor=world["ca"], user=member(world["commune_a"], name=f"Người học {n}"))
    with django_assert_max_num_queries(8):
        plans = assignment_plans(viewer=world["ca"])
    assert plans[0].rows[0].total.assigned == 15


def test_list_shows_only_assignments_in_scope(client, world, mixed):
    assert assignment_plans(viewer=world["cb"]) == []
    client.force_login(world["cb"])
    page = client.get("/coordinate/assignments/").content.decode()
    assert "Bồi dưỡng an toàn thông tin" not in page and "Chưa có đợt giao nào" in page
    assignment = mixed["assignment"]
    for url in ("edit", "cancel", "remind"):
        assert client.get(f"/coordinate/assignments/{assignment.pk}/{url}/").status_code == 404
    client.force_login(world["ca"])
    page = client.get("/coordinate/assignments/").content.decode()
    assert "Kế hoạch số 12/KH-UBND" in page and "Bồi dưỡng an toàn thông tin" in page
    assert 'href="/coordinate/assignments/"' in client.get("/coordinate/").content.decode()


def test_learners_only_may_not_open_the_list(client, world):
    client.force_login(world["a1"])
    assert client.get("/coordinate/assignments/").status_code == 403


# --- Edit, extend, cancel --------------------------------------------------------------------------


def test_changes_outside_the_scope_are_refused(world, mixed):
    assignment = mixed["assignment"]
    later = assignment.due_date + timedelta(days=5)
    with pytest.raises(AssignmentError):
        assignment_update(
            actor=world["cb"], assignment=assignment, title="X", plan_reference="", due_date=assignment.due_date
        )
    with pytest.raises(AssignmentError):
        assignment_extend(actor=world["cb"], assignment=assignment, due_date=later)
    with pytest.raises(AssignmentError):
        assignment_cancel(actor=world["cb"], assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.title == "Bồi dưỡng an toàn thông tin" and assignment.cancelled_at is None
    assert not AuditEntry.objects.filter(action__in=["assignment.update", "assignment.extend", "assignment.cancel"])


def test_an_assignment_reaching_beyond_the_scope_cannot_be_changed(world, admin_user):
    wide = assignment_create(
        actor=admin_user,
        title="Toàn tỉnh",
        courses=[make_course(modules=1, lessons_per_module=1)],
        units=[world["commune_a"], world["commune_b"]],
        due_date=timezone.localdate() + timedelta(days=9),
    )
    assert assignment_plans(viewer=world["ca"]) == []
    with pytest.raises(AssignmentError):
        assignment_cancel(actor=world["ca"], assignment=wide)


def test_edit_is_audited_with_actor_before_and_after(world, mixed):
    assignment = mixed["assignment"]
    old_due = assignment.due_date
    new_due = old_due + timedelta(days=10)
    assignment_update(
        actor=world["ca"],
        assignment=assignment,
        title="Bồi dưỡng ATTT đợt 2",
        plan_reference="Kế hoạch số 99/KH-UBND",
        due_date=new_due,
    )
    entry = AuditEntry.objects.get(action="assignment.update")
    assert entry.actor == world["ca"] and entry.target_id == str(assignment.pk)
    assert entry.data["changes"] == {
        "title": ["Bồi dưỡng an toàn thông tin", "Bồi dưỡng ATTT đợt 2"],
        "plan_reference": ["Kế hoạch số 12/KH-UBND", "Kế hoạch số 99/KH-UBND"],
        "due_date": [old_due.isoformat(), new_due.isoformat()],
    }
    assignment_extend(
        actor=world["ca"], assignment=Assignment.objects.get(pk=assignment.pk), due_date=new_due + timedelta(days=1)
    )
    extended = AuditEntry.objects.get(action="assignment.extend")
    assert extended.data["changes"] == {"due_date": [new_due.isoformat(), (new_due + timedelta(days=1)).isoformat()]}
    with pytest.raises(AssignmentError, match="phải sau hạn hiện tại"):
        assignment_extend(actor=world["ca"], assignment=Assignment.objects.get(pk=assignment.pk), due_date=new_due)


def test_a_past_due_date_needs_confirmation_naming_who_becomes_overdue(world, mixed):
    assignment = mixed["assignment"]
    past = timezone.localdate() - timedelta(days=3)
    # Overdue at once: the in-progress and the not-started learner (the completed, the exempted and
    # the one already overdue on their own extension are not newly overdue).
    assert assignment_overdue_at_once(assignment=assignment, due_date=past) == 2
    with pytest.raises(AssignmentNeedsConfirmation) as needed:
        assignment_update(
            actor=world["ca"], assignment=assignment, title=assignment.title, plan_reference="", due_date=past
        )
    assert needed.value.overdue == 2 and "2 người học sẽ quá hạn ngay" in str(needed.value)
    assignment.refresh_from_db()
    assert assignment.due_date > timezone.localdate()
    assignment_update(
        actor=world["ca"],
        assignment=assignment,
        title=assignment.title,
        plan_reference="",
        due_date=past,
        confirm_past_due=True,
    )
    [(_course, counts)] = assignment_plans(viewer=world["ca"])[0].rows[0].courses
    assert counts.overdue == 3


def test_edit_page_asks_before_a_past_due_date_then_saves(client, world, mixed):
    assignment = mixed["assignment"]
    client.force_login(world["ca"])
    url = f"/coordinate/assignments/{assignment.pk}/edit/"
    data = {"title": assignment.title, "plan_reference": assignment.plan_reference, "due_date": "01/01/2020"}
    page = client.post(url, data).content.decode()
    assert "Hạn 01/01/2020 đã qua." in page and "2 người học chưa hoàn thành sẽ bị tính là quá hạn" in page
    assignment.refresh_from_db()
    assert assignment.due_date.year != 2020
    # A confirmation for another date does not count.
    client.post(url, {**data, "confirm_past_due": "02/01/2020"})
    assignment.refresh_from_db()
    assert assignment.due_date.year != 2020
    response = client.post(url, {**data, "confirm_past_due": "01/01/2020"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.due_date.isoformat() == "2020-01-01"
    assert AuditEntry.objects.filter(action="assignment.update", actor=world["ca"]).count() == 1


def test_create_form_asks_before_a_past_due_date(client, world):
    course = make_course("Khoá mới", modules=1, lessons_per_module=1)
    client.force_login(world["ca"])
    data = {
        "title": "Đợt lùi hạn",
        "courses": [course.pk],
        "units": [world["commune_a"].pk],
        "due_date": "01/01/2020",
    }
    page = client.post("/coordinate/assignments/new/", data).content.decode()
    assert "Hạn 01/01/2020 đã qua." in page and "2 người học chưa hoàn thành" in page  # a1 and a2
    assert not Assignment.objects.filter(title="Đợt lùi hạn").exists()
    response = client.post("/coordinate/assignments/new/", {**data, "confirm_past_due": "01/01/2020"})
    assert response.status_code == 302
    run_jobs()
    assignment = Assignment.objects.get(title="Đợt lùi hạn")
    assert assignment.enrollments.count() == 2


def test_cancel_keeps_progress_and_stops_counting_learners_as_assigned(client, world, mixed):
    assignment = mixed["assignment"]
    client.force_login(world["ca"])
    url = f"/coordinate/assignments/{assignment.pk}/cancel/"
    page = client.get(url).content.decode()
    assert "vẫn giữ nguyên khoá học và tiến độ" in page and "không còn được tính là được giao" in page
    in_progress = Enrollment.objects.get(user=world["a2"], course=mixed["course"])
    assert client.post(url, {"reason": "Trùng kế hoạch"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.cancelled_at is not None and assignment.cancelled_by == world["ca"]
    assert not Enrollment.objects.filter(assignment=assignment).exists()
    kept = Enrollment.objects.get(pk=in_progress.pk)
    assert kept.progress_pct == in_progress.progress_pct > 0 and kept.assignment_id is None
    entry = AuditEntry.objects.get(action="assignment.cancel")
    assert entry.actor == world["ca"] and entry.reason == "Trùng kế hoạch" and len(entry.data["enrollments"]) == 5
    # A newcomer is not enrolled by a cancelled assignment; nothing can change it any more.
    assert assignments_apply_for_user(actor=world["ca"], user=member(world["commune_a"], name="Người mới")) == 0
    with pytest.raises(AssignmentError):
        assignment_extend(actor=world["ca"], assignment=assignment, due_date=assignment.due_date + timedelta(days=1))
    row = assignment_plans(viewer=world["ca"])[0].rows[0]
    assert row.cancelled and row.total.assigned == 0
    assert "Đã huỷ" in client.get("/coordinate/assignments/").content.decode()


# --- Send reminders now --------------------------------------------------------------------------


def test_reminders_now_go_to_exactly_the_previewed_learners(client, world, mixed):
    world["not_started_off"] = off = member(world["commune_a"], name="Lý Văn Tắt", reminder_emails=False)
    assignments_apply_for_user(actor=world["ca"], user=off)
    assignment = mixed["assignment"]
    preview = assignment_reminders_preview(viewer=world["ca"], assignment=assignment)
    previewed = sorted(r.user.email for r in preview.recipients)
    # Not the completed, the exempted, or the one who turned reminders off.
    assert previewed == sorted([world["a2"].email, mixed["late"].email, mixed["not_started"].email])
    assert preview.opted_out == 1
    assert {r.user.pk: r.kind for r in preview.recipients}[mixed["late"].pk] == "overdue"

    client.force_login(world["ca"])
    url = f"/coordinate/assignments/{assignment.pk}/remind/"
    page = client.get(url).content.decode()
    assert 'data-recipient-count="3"' in page and "1 người học chưa hoàn thành đã tắt email nhắc hạn" in page
    token = re.search(r'name="recipients" value="([^"]+)"', page).group(1)
    # A learner joining after the preview is not written to: the list was frozen.
    assignments_apply_for_user(actor=world["ca"], user=member(world["commune_a"], name="Đến Sau"))
    response = client.post(url, {"recipients": token})
    assert response.status_code == 302
    [job] = run_jobs()
    assert job.status == "done", (job.message, job.error)
    assert sorted(m.to[0] for m in mail.outbox) == previewed
    assert job.result["sent"] == 3 and "Đã gửi 3 email nhắc nhở." in job.message
    late_mail = next(m for m in mail.outbox if m.to == [mixed["late"].email])
    assert "Quá hạn" in late_mail.subject
    assert AuditEntry.objects.get(action="assignment.remind").data["recipients"] == 3
    assert AuditEntry.objects.get(action="assignment.remind_sent").actor == world["ca"]
    # The daily reminders keep their own claims; running the job again sends nobody twice.
    assert not ReminderClaim.objects.filter(kind__in=["due_soon", "overdue"]).exists()
    from coordination.reminders import assignment_reminders_send_run

    class Run:
        def progress(self, *args, **kwargs):
            pass

    assert assignment_reminders_send_run(job, Run())["sent"] == 3
    assert len(mail.outbox) == 3


def test_reminders_now_skip_who_completed_or_opted_out_after_the_preview(world, mixed):
    assignment = mixed["assignment"]
    preview = assignment_reminders_preview(viewer=world["ca"], assignment=assignment)
    lesson_complete(user=world["a2"], lesson=course_lessons(mixed["course"])[1])
    mixed["late"].reminder_emails = False
    mixed["late"].save()
    assignment_reminders_queue(actor=world["ca"], assignment=assignment, token=preview.token)
    [job] = run_jobs()
    assert [m.to[0] for m in mail.outbox] == [mixed["not_started"].email]
    assert job.result == {"sent": 1, "skipped": 2, "assignment": assignment.pk}


def test_a_tampered_or_foreign_recipient_list_is_refused(world, mixed, admin_user):
    other = assignment_create(
        actor=world["ca"],
        title="Đợt khác",
        courses=[make_course("Khoá khác", modules=1, lessons_per_module=1)],
        units=[world["commune_a"]],
        due_date=timezone.localdate() + timedelta(days=3),
    )
    token = assignment_reminders_preview(viewer=world["ca"], assignment=other).token
    with pytest.raises(ReminderError):
        assignment_reminders_queue(actor=world["ca"], assignment=mixed["assignment"], token=token)
    with pytest.raises(ReminderError):
        assignment_reminders_queue(actor=world["ca"], assignment=other, token=token + "x")
    assert not AuditEntry.objects.filter(action="assignment.remind").exists()


def test_the_audit_log_names_the_changes(client, world, mixed, admin_user):
    assignment = mixed["assignment"]
    assignment_extend(actor=world["ca"], assignment=assignment, due_date=assignment.due_date + timedelta(days=7))
    assignment_cancel(actor=world["ca"], assignment=Assignment.objects.get(pk=assignment.pk), reason="Trùng")
    client.force_login(admin_user)
    page = client.get("/admin/audit-log/").content.decode()
    assert "Gia hạn cả đợt giao" in page and "Huỷ đợt giao khoá học" in page


def test_extend_from_the_edit_page(client, world, mixed):
    assignment = mixed["assignment"]
    url = f"/coordinate/assignments/{assignment.pk}/extend/"
    client.force_login(world["cb"])
    assert client.post(url, {"due_date": "31/12/2099"}).status_code == 404
    client.force_login(world["ca"])
    earlier = (assignment.due_date - timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.post(url, {"due_date": earlier})
    assert response.status_code == 400 and "Hạn mới phải sau hạn hiện tại" in response.content.decode()
    assert client.post(url, {"due_date": "31/12/2099", "reason": "Lũ lụt"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.due_date.isoformat() == "2099-12-31"
    assert AuditEntry.objects.get(action="assignment.extend").reason == "Lũ lụt"
