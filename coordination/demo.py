"""Demo data for coordinators: a coordinator per agency, learners across units, two assignments."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from courses.assignments import assignment_create
from courses.models import Assignment, CoursePage
from courses.selectors import course_outline
from courses.services import lesson_complete
from lms.accounts.demo import demo_account_ensure
from lms.accounts.models import LearnerGroup, Position, User
from lms.orgunits.models import OrgUnit, UnitKind
from lms.orgunits.services import coordinator_scope_grant

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hùng", "Lan", "Mai", "Nam", "Oanh", "Phúc", "Quân", "Thảo"]


@transaction.atomic
def demo_coordination_load(*, admin: User, password: str, learners_per_unit: int = 3) -> list[tuple[str, str]]:
    """Idempotent. Returns (role, email) lines for the new demo coordinator accounts."""
    printed = []
    agencies = OrgUnit.objects.filter(kind=UnitKind.AGENCY, valid_to__isnull=True).order_by("path")
    for agency in agencies:
        email = f"dieuphoi.{agency.code.split('.')[-1].lower()}@hocso.local"
        user = demo_account_ensure(
            email=email,
            full_name=f"Điều phối {agency.name}",
            unit=agency,
            password=password,
            group=LearnerGroup.CONG_CHUC,
            position=Position.CHUYEN_VIEN,
        )
        coordinator_scope_grant(actor=admin, user=user, unit=agency, reason="seed_demo")
        printed.append((f"coordinator ({agency.name})", email))
    leaves = OrgUnit.objects.filter(kind__in=[UnitKind.COMMUNE, UnitKind.DIVISION], valid_to__isnull=True).order_by(
        "path"
    )
    number = 0
    for unit in leaves:
        for _ in range(learners_per_unit):
            name = f"{FAMILY[number % 10]} {MIDDLE[number % 6]} {GIVEN[number % 14]}"
            group = LearnerGroup.NGUOI_DAN if unit.kind == UnitKind.COMMUNE and number % 2 else LearnerGroup.CONG_CHUC
            demo_account_ensure(
                email=f"hocvien{number:03d}@hocso.local",
                full_name=name,
                unit=unit,
                password=password,
                group=group,
                position=Position.CHUYEN_VIEN,
            )
            number += 1
    _assignments(admin)
    return printed


def _assignments(admin: User) -> None:
    province = OrgUnit.objects.filter(kind=UnitKind.PROVINCE, valid_to__isnull=True).first()
    services = CoursePage.objects.filter(slug__startswith="dich-vu-cong").first()
    drafting = CoursePage.objects.filter(slug__startswith="soan-thao").first()
    today = timezone.localdate()
    if province and services and not Assignment.objects.filter(title="Phổ cập dịch vụ công trực tuyến").exists():
        assignment_create(
            actor=admin,
            title="Phổ cập dịch vụ công trực tuyến",
            plan_reference="Kế hoạch số 138/KH-UBND",
            courses=[services],
            units=[province],
            due_date=today + timedelta(days=60),
        )
    agencies = list(OrgUnit.objects.filter(kind=UnitKind.AGENCY, valid_to__isnull=True))
    if agencies and drafting and not Assignment.objects.filter(title="Bồi dưỡng soạn thảo văn bản").exists():
        assignment = assignment_create(
            actor=admin,
            title="Bồi dưỡng soạn thảo văn bản",
            plan_reference="Kế hoạch số 45/KH-SNV",
            courses=[drafting],
            units=agencies,
            due_date=today - timedelta(days=10),
            confirm_past_due=True,  # the demo shows an overdue plan
        )
        # Some learners are well under way, a few finished before the deadline.
        lessons = [
            lesson for lesson in course_outline(drafting).lessons if lesson.specific_class.__name__ != "QuizPage"
        ]
        for index, enrollment in enumerate(assignment.enrollments.select_related("user").order_by("pk")):
            for lesson in lessons[: index % (len(lessons) + 1)]:
                lesson_complete(user=enrollment.user, lesson=lesson)
