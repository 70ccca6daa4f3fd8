import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from courses.assignments import AssignmentError, assignment_create, assignment_exception_set
from courses.models import Enrollment, EnrollmentSource
from courses.services import enrollment_create, lesson_complete
from lms.audit.models import AuditEntry
from lms.orgunits.models import Membership
from tests.factories import course_lessons, make_course
from tests.fixtures.jobs import export, job_file

pytestmark = pytest.mark.django_db


def test_sibling_coordinators_see_only_their_own_learners_everywhere(client, world):
    client.force_login(world["ca"])
    body = client.get("/coordinate/").content.decode()
    assert "Nguyễn Văn Bình" in body and "Trần Thị An" in body and "Lê Văn Cường" not in body
    assert "Phạm Thị Dung" not in body  # self-declared, not yet confirmed
    text = job_file(export(client, "learners_csv")).decode("utf-8-sig")
    names = {row[0] for row in list(csv.reader(io.StringIO(text)))[1:]}
    assert names == {"Nguyễn Văn Bình", "Trần Thị An"}
    assert client.get(f"/coordinate/?unit={world['commune_b'].pk}").status_code == 403
    assert (
        client.post("/coordinate/exports/", {"export": "learners_csv", "unit": world["commune_b"].pk}).status_code
        == 403
    )
    other_pending = Membership.objects.get(user=world["b1"])
    assert client.post(f"/coordinate/memberships/{other_pending.pk}/confirm/").status_code == 403
    client.force_login(world["cb"])
    body = client.get("/coordinate/").content.decode()
    assert "Lê Văn Cường" in body and "Nguyễn Văn Bình" not in body


def test_learners_cannot_open_coordinator_pages(client, world):
    client.force_login(world["a1"])
    assert client.get("/coordinate/").status_code == 403
    assert client.post("/coordinate/exports/", {"export": "learners_csv"}).status_code == 403


def test_learner_list_is_sorted_by_given_name(client, world):
    client.force_login(world["ca"])
    body = client.get("/coordinate/").content.decode()
    assert body.index("Trần Thị An") < body.index("Nguyễn Văn Bình")


def test_assignment_enrols_confirmed_members_and_later_joiners_after_confirmation(client, world):
    course = make_course(modules=1, lessons_per_module=1)
    due = timezone.localdate() + timedelta(days=30)
    assignment = assignment_create(
        actor=world["ca"],
        title="Đợt 1",
        plan_reference="Kế hoạch số 138/KH-UBND",
        courses=[course],
        units=[world["commune_a"]],
        due_date=due,
    )
    enrolled = set(Enrollment.objects.filter(assignment=assignment).values_list("user__full_name", flat=True))
    assert enrolled == {"Nguyễn Văn Bình", "Trần Thị An"}
    assert Enrollment.objects.filter(assignment=assignment, source=EnrollmentSource.ASSIGNMENT).count() == 2
    client.force_login(world["ca"])
    membership = Membership.objects.get(user=world["pending"])
    client.post(f"/coordinate/memberships/{membership.pk}/confirm/")
    assert Enrollment.objects.filter(assignment=assignment, user=world["pending"]).exists()
    assert AuditEntry.objects.filter(action="membership.confirm").exists()
    client.force_login(world["a1"])
    body = client.get("/learn/").content.decode()
    assert "Hạn hoàn thành: " + due.strftime("%d/%m/%Y") in body and "Kế hoạch số 138/KH-UBND" in body


def test_assigning_outside_the_scope_is_refused(world):
    course = make_course(modules=1, lessons_per_module=1)
    with pytest.raises(AssignmentError, match="Ngoài phạm vi"):
        assignment_create(
            actor=world["ca"],
            title="Sai phạm vi",
            courses=[course],
            units=[world["commune_b"]],
            due_date=timezone.localdate(),
        )
    assert not Enrollment.objects.exists()


def test_dashboard_figures_equal_independent_counts(client, world):
    course = make_course(modules=1, lessons_per_module=1)
    other = make_course("Khoá tự học", modules=1, lessons_per_module=1)
    assignment_create(
        actor=world["ca"],
        title="Quá hạn",
        courses=[course],
        units=[world["commune_a"]],
        due_date=timezone.localdate() - timedelta(days=1),
        confirm_past_due=True,
    )
    enrollment_create(user=world["a1"], course=other)
    lesson_complete(user=world["a1"], lesson=course_lessons(other)[0])
    lesson_complete(user=world["a2"], lesson=course_lessons(course)[0])
    client.force_login(world["ca"])
    body = client.get("/coordinate/").content.decode()
    users = [world["a1"], world["a2"]]
    enrollments = Enrollment.objects.filter(user__in=users)
    completed = enrollments.filter(completed_at__isnull=False).count()
    overdue = enrollments.filter(completed_at__isnull=True, assignment__due_date__lt=timezone.localdate()).count()
    assert f'data-figure="learners">{len(users)}<' in body
    assert f'data-figure="enrolled">{enrollments.values("user").distinct().count()}<' in body
    assert f'data-figure="completed">{completed}<' in body
    assert f'data-figure="completion">{round(100 * completed / enrollments.count())}%<' in body
    assert f'data-figure="overdue">{overdue}<' in body and overdue == 1


def test_exception_extends_or_exempts_within_scope_only(world):
    course = make_course(modules=1, lessons_per_module=1)
    today = timezone.localdate()
    assignment = assignment_create(
        actor=world["ca"], title="Đợt 2", courses=[course], units=[world["commune_a"]], due_date=today
    )
    exception = assignment_exception_set(
        actor=world["ca"],
        assignment=assignment,
        user=world["a1"],
        kind="extension",
        due_date=today + timedelta(days=10),
        reason="Ốm",
    )
    assert exception.due_date == today + timedelta(days=10)
    with pytest.raises(AssignmentError):
        assignment_exception_set(
            actor=world["ca"], assignment=assignment, user=world["b1"], kind="exemption", reason="x"
        )


def test_self_declared_learner_is_absent_until_confirmed_and_transfers_keep_past_reports(client, world, admin_user):
    from datetime import date

    from coordination.selectors import coordination_report
    from coordination.services import membership_transfer_and_assign
    from courses.services import enrollment_create

    quarter_end = date(2026, 9, 30)
    for user in (world["a1"], world["a2"]):
        Membership.objects.filter(user=user).update(
            start=date(2026, 7, 1), confirmed_at=timezone.make_aware(timezone.datetime(2026, 7, 1, 9))
        )
    course = make_course(modules=1, lessons_per_module=1)
    enrollment_create(user=world["a1"], course=course)
    Enrollment.objects.filter(user=world["a1"]).update(started_at=timezone.make_aware(timezone.datetime(2026, 8, 1)))
    before = coordination_report(viewer=world["ca"], as_of=quarter_end).figures
    assert (before.learners, before.enrolled) == (2, 1)
    assert "Phạm Thị Dung" not in {
        r.membership.user.full_name for r in coordination_report(viewer=world["ca"]).learners
    }
    later = make_course("Khoá của xã B", modules=1, lessons_per_module=1)
    assignment_create(
        actor=world["cb"],
        title="Đợt xã B",
        courses=[later],
        units=[world["commune_b"]],
        due_date=timezone.localdate() + timedelta(days=30),
    )
    assert membership_transfer_and_assign(actor=admin_user, user=world["a1"], unit=world["commune_b"]) == 1
    assert Enrollment.objects.filter(user=world["a1"], course=later).exists()
    Membership.objects.filter(user=world["a1"], end__isnull=False).update(end=date(2026, 10, 14))
    after = coordination_report(viewer=world["ca"], as_of=quarter_end).figures
    assert (after.learners, after.enrolled) == (before.learners, before.enrolled)
    now = coordination_report(viewer=world["ca"]).figures
    assert now.learners == 1
    assert "Nguyễn Văn Bình" in {r.membership.user.full_name for r in coordination_report(viewer=world["cb"]).learners}
    client.force_login(world["ca"])
    body = client.get("/coordinate/", {"as_of": "30/09/2026"}).content.decode()
    assert 'data-figure="learners">2<' in body


def test_xlsx_export_has_vietnamese_headers_codes_as_text_and_only_scope_rows(client, world):
    import io

    from openpyxl import load_workbook

    client.force_login(world["ca"])
    sheet = load_workbook(io.BytesIO(job_file(export(client, "learners_xlsx")))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Họ và tên", "Email", "Điện thoại", "Mã đơn vị")
    assert {row[0] for row in rows[1:]} == {"Nguyễn Văn Bình", "Trần Thị An"}
    assert all(row[3] == "09325" for row in rows[1:])  # text, leading zero kept


def test_learner_list_filters_by_group_position_and_status(client, world):
    from lms.accounts.models import User

    User.objects.filter(pk=world["a1"].pk).update(learner_group="vien_chuc", position="van_thu")
    course = make_course(modules=1, lessons_per_module=1)
    enrollment_create(user=world["a2"], course=course)
    lesson_complete(user=world["a2"], lesson=course_lessons(course)[0])
    client.force_login(world["ca"])

    def names(**params):
        body = client.get("/coordinate/", params).content.decode()
        return {name for name in ("Nguyễn Văn Bình", "Trần Thị An") if f">{name}</a></td>" in body}

    assert names() == {"Nguyễn Văn Bình", "Trần Thị An"}
    assert names(group="vien_chuc") == {"Nguyễn Văn Bình"}
    assert names(position="van_thu") == {"Nguyễn Văn Bình"}
    assert names(status="completed") == {"Trần Thị An"}
    assert names(course=course.pk, status="completed") == {"Trần Thị An"}


def test_dashboard_charts_are_inline_svg_with_this_months_completions(client, world):
    course = make_course(modules=1, lessons_per_module=1)
    enrollment_create(user=world["a1"], course=course)
    lesson_complete(user=world["a1"], lesson=course_lessons(course)[0])
    client.force_login(world["ca"])
    body = client.get("/coordinate/").content.decode()
    completed_at = Enrollment.objects.get(user=world["a1"], course=course).completed_at
    month = timezone.localdate(completed_at).strftime("%m/%Y")  # not "now": a month may end mid-test
    assert "<svg" in body and f"<title>{month}: 1</title>" in body
    assert "cdn" not in body.lower()


def test_learner_detail_only_within_scope(client, world):
    client.force_login(world["ca"])
    body = client.get(f"/coordinate/learners/{world['a1'].pk}/").content.decode()
    assert "Nguyễn Văn Bình" in body
    assert client.get(f"/coordinate/learners/{world['b1'].pk}/").status_code == 404
    client.force_login(world["a2"])
    assert client.get(f"/coordinate/learners/{world['a1'].pk}/").status_code == 403


def test_units_are_ranked_red_amber_green_against_the_target(settings):
    from coordination.selectors import Figures

    settings.COORDINATION_TARGET_PCT = 90
    settings.COORDINATION_AMBER_MARGIN_PCT = 20
    assert Figures(enrollments=10, completed=9).rag == "green"
    assert Figures(enrollments=10, completed=7).rag == "amber"
    assert Figures(enrollments=10, completed=6).rag == "red"


def test_manual_completion_and_exceptions_from_the_learner_page_are_audited(client, world):
    course = make_course(modules=1, lessons_per_module=1)
    assignment = assignment_create(
        actor=world["ca"],
        title="Đợt 3",
        courses=[course],
        units=[world["commune_a"]],
        due_date=timezone.localdate(),
    )
    client.force_login(world["ca"])
    page = f"/coordinate/learners/{world['a1'].pk}/"
    assert "Ghi nhận hoàn thành" in client.get(page).content.decode()
    client.post(
        f"{page}exception/",
        {"assignment": assignment.pk, "kind": "extension", "due_date": "31/12/2099", "reason": "Ốm"},
    )
    assert AuditEntry.objects.filter(action="assignment.extension").exists()
    client.post(f"{page}complete/", {"course": course.pk, "note": "Lớp tập huấn trực tiếp ngày 05/02/2026"})
    enrollment = Enrollment.objects.get(user=world["a1"], course=course)
    assert enrollment.completed_at is not None and enrollment.progress_pct == 100
    entry = AuditEntry.objects.get(action="enrollment.manual_completion")
    assert entry.reason.startswith("Lớp tập huấn") and entry.actor == world["ca"]
    response = client.post(f"{page}complete/", {"course": course.pk, "note": ""}, follow=True)
    assert AuditEntry.objects.filter(action="enrollment.manual_completion").count() == 1
    other = f"/coordinate/learners/{world['b1'].pk}/complete/"
    assert client.post(other, {"course": course.pk, "note": "x"}).status_code == 404
    assert response.status_code == 200


def test_a_coordinator_transfers_only_their_own_learners_into_their_own_units(client, world, admin_user):
    from lms.orgunits.services import coordinator_scope_grant
    from tests.factories import UserFactory

    province_coordinator = UserFactory()
    coordinator_scope_grant(actor=admin_user, user=province_coordinator, unit=world["province"])
    client.force_login(world["ca"])
    url = f"/coordinate/learners/{world['a1'].pk}/transfer/"
    assert client.post(url, {"unit": world["commune_b"].pk}).status_code == 403  # target outside the scope
    assert (
        client.post(f"/coordinate/learners/{world['b1'].pk}/transfer/", {"unit": world["commune_a"].pk}).status_code
        == 404
    )
    assert Membership.objects.get(user=world["b1"], end__isnull=True).unit == world["commune_b"]
    client.force_login(province_coordinator)
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y")
    client.post(url, {"unit": world["commune_b"].pk, "on": tomorrow})
    assert Membership.objects.get(user=world["a1"], end__isnull=True).unit == world["commune_a"]  # refused
    response = client.post(url, {"unit": world["commune_b"].pk}, follow=True)
    assert "Đã chuyển" in response.content.decode()
    current = Membership.objects.get(user=world["a1"], end__isnull=True)
    assert current.unit == world["commune_b"] and current.confirmed_at is not None
    assert AuditEntry.objects.filter(action="membership.transfer", target_id=str(world["a1"].pk)).exists()


def test_a_self_declared_unit_waits_for_its_coordinator_and_the_confirmed_one_stays(client, world):
    """A learner of commune A declares commune B: A's coordinator keeps them; B's sees only the name
    and the declared unit until confirming — then the learner moves and the audit names the change."""
    from lms.orgunits.services import membership_declare

    learner = world["a1"]
    membership_declare(user=learner, unit=world["commune_b"])
    client.force_login(world["ca"])
    assert "Nguyễn Văn Bình" in client.get("/coordinate/").content.decode()
    client.force_login(world["cb"])
    assert "Nguyễn Văn Bình" not in client.get("/coordinate/").content.decode()
    assert client.get(f"/coordinate/learners/{learner.pk}/").status_code == 404
    pending = client.get("/coordinate/memberships/").content.decode()
    assert "Nguyễn Văn Bình" in pending and learner.email not in pending and "Xã Gia Bình" in pending
    declared = Membership.objects.get(user=learner, end__isnull=True, confirmed_at__isnull=True)
    client.post(f"/coordinate/memberships/{declared.pk}/confirm/", {"answer": "confirm"})
    assert Membership.objects.get(user=learner, end__isnull=True).unit == world["commune_b"]
    entry = AuditEntry.objects.get(action="membership.confirm", subject=learner)
    assert entry.data["changes"]["unit"] == ["Xã Tiên Du (09325)", "Xã Gia Bình (09367)"]
    client.force_login(world["ca"])
    assert f"/coordinate/learners/{learner.pk}/" not in client.get("/coordinate/").content.decode()


def test_a_coordinator_declines_a_declaration_and_nothing_moves(client, world):
    from lms.orgunits.services import membership_declare

    membership_declare(user=world["a1"], unit=world["commune_b"])
    declared = Membership.objects.get(user=world["a1"], confirmed_at__isnull=True)
    client.force_login(world["ca"])  # not the declared unit's coordinator
    assert client.post(f"/coordinate/memberships/{declared.pk}/confirm/", {"answer": "decline"}).status_code == 403
    client.force_login(world["cb"])
    client.post(f"/coordinate/memberships/{declared.pk}/confirm/", {"answer": "decline"})
    assert not Membership.objects.filter(pk=declared.pk).exists()
    assert Membership.objects.get(user=world["a1"], end__isnull=True).unit == world["commune_a"]
    assert AuditEntry.objects.filter(action="membership.decline", subject=world["a1"]).exists()
