"""Demo data for coordinators: a coordinator per agency, learners across units, two assignments, and the
report letterheads of the province, two of its agencies and a commune."""

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

from .models import ReportLetterhead, SigningMode
from .services import report_letterhead_save

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc"]
# How the demo units head and sign their reports (fictitious signers), by unit code.
DEMO_LETTERHEADS = {
    "24": {
        "abbreviation": "UBND",
        "place": "Bắc Ninh",
        "signing_mode": SigningMode.TM,
        "head_title": "ỦY BAN NHÂN DÂN",
        "signer_title": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        "signer_name": "Nguyễn Văn Minh",
        "recipients": "\n".join(
            [
                "Bộ Nội vụ (để báo cáo);",
                "Thường trực Tỉnh ủy (để báo cáo);",
                "Thường trực HĐND tỉnh (để báo cáo);",
                "Chủ tịch, các Phó Chủ tịch UBND tỉnh;",
                "Các sở, ban, ngành tỉnh;",
                "UBND các xã, phường;",
                "Lưu: VT, NC.",
            ]
        ),
    },
    "24.SNV": {
        "abbreviation": "SNV",
        "authority_name": "UBND TỈNH BẮC NINH",
        "signing_mode": SigningMode.KT,
        "head_title": "GIÁM ĐỐC",
        "signer_title": "PHÓ GIÁM ĐỐC",
        "signer_name": "Trần Thị Thu Hà",
        "recipients": "UBND tỉnh (để báo cáo);\nGiám đốc Sở (để báo cáo);\nLưu: VT, CCVC.",
    },
    "24.VP": {
        "abbreviation": "VP",
        "issuer_name": "VĂN PHÒNG",
        "signing_mode": SigningMode.KT,
        "head_title": "CHÁNH VĂN PHÒNG",
        "signer_title": "PHÓ CHÁNH VĂN PHÒNG",
        "signer_name": "Đỗ Minh Tuấn",
    },
    "24.SKHCN": {
        "abbreviation": "SKHCN",
        "signing_mode": SigningMode.Q,
        "head_title": "GIÁM ĐỐC",
        "signer_name": "Phạm Đức Long",
    },
    "09325": {
        "abbreviation": "UBND",
        "place": "Tiên Du",
        "signing_mode": SigningMode.TM,
        "head_title": "ỦY BAN NHÂN DÂN",
        "signer_title": "CHỦ TỊCH",
        "signer_name": "Lê Văn Hùng",
        "recipients": "UBND tỉnh Bắc Ninh (để báo cáo);\nSở Nội vụ;\nLưu: VT, VP.",
    },
}
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
    demo_report_letterheads_load()
    return printed


def demo_report_letterheads_load() -> int:
    """Idempotent: the demo units' report letterheads, where none is configured yet. Returns how many
    were created."""
    created = 0
    for code, fields in DEMO_LETTERHEADS.items():
        unit = OrgUnit.objects.filter(code=code, valid_to__isnull=True).first()
        if unit is not None and not ReportLetterhead.objects.filter(unit=unit).exists():
            report_letterhead_save(unit=unit, **fields)
            created += 1
    return created


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
