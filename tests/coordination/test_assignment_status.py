"""One assignment-status rule on every surface: the function and the annotation agree on every
case, and an exempted learner or one with an extension past today is never counted overdue — on the
dashboard, in its filters, in both exports, the units table, the PDF report and the reminders."""

import csv
import io
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from coordination.reminders import due_reminders
from coordination.selectors import coordination_report
from courses.assignment_status import assignment_due, assignment_status, enrollments_with_status
from courses.assignments import assignment_create, assignment_exception_set
from courses.models import AssignmentException, AssignmentStatus, Enrollment, EnrollmentStatus
from courses.services import enrollment_complete_manually, enrollment_create, lesson_complete
from lms.orgunits.models import Membership
from tests.coordination.conftest import member
from tests.factories import course_lessons, make_course
from tests.fixtures.jobs import export, job_file
from tests.services import require

pytestmark = pytest.mark.django_db

NAMES = {
    "exempted": "Đào Thị Miễn",
    "extended": "Lý Văn Gia",
    "extended_started": "Mai Thị Hạn",
    "extension_lapsed": "Hồ Văn Trễ",
    "late": "Cao Văn Muộn",
    "done": "Tạ Thị Xong",
    "manual": "Kim Văn Lớp",
    "soon": "Phan Thị Sắp",
}


@pytest.fixture
def cases(world):
    """Every status: one learner each in commune A, an assignment due yesterday, another due soon."""
    today = timezone.localdate()
    unit, coordinator = world["commune_a"], world["ca"]
    learners = {key: member(unit, name=name) for key, name in NAMES.items()}
    past = make_course("Khoá giao đã hết hạn", modules=1, lessons_per_module=2)
    upcoming = make_course("Khoá giao sắp đến hạn", modules=1, lessons_per_module=1)
    late_assignment = assignment_create(
        actor=coordinator,
        title="Đợt đã hết hạn",
        courses=[past],
        users=[learners[key] for key in NAMES if key != "soon"],
        due_date=today - timedelta(days=1),
        confirm_past_due=True,
    )
    soon_assignment = assignment_create(
        actor=coordinator,
        title="Đợt sắp đến hạn",
        courses=[upcoming],
        users=[learners["soon"]],
        due_date=today + timedelta(days=2),
    )

    def exception(key, kind, due=None):
        assignment_exception_set(
            actor=coordinator, assignment=late_assignment, user=learners[key], kind=kind, due_date=due, reason="Lý do"
        )

    exception("exempted", "exemption")
    exception("extended", "extension", today + timedelta(days=30))
    exception("extended_started", "extension", today + timedelta(days=30))
    exception("extension_lapsed", "extension", today - timedelta(days=1))
    lesson_complete(user=learners["extended_started"], lesson=course_lessons(past)[0])
    for lesson in course_lessons(past):
        lesson_complete(user=learners["done"], lesson=lesson)
    enrollment_complete_manually(actor=coordinator, user=learners["manual"], course=past, note="Lớp trực tiếp")
    self_enrolled = make_course("Khoá tự chọn", modules=1, lessons_per_module=1)
    enrollment_create(user=learners["late"], course=self_enrolled)  # no assignment: never overdue
    withdrawn = enrollment_create(user=learners["done"], course=self_enrolled)
    Enrollment.objects.filter(pk=withdrawn.pk).update(status=EnrollmentStatus.WITHDRAWN, progress_pct=50)
    return {
        "learners": learners,
        "past": past,
        "upcoming": upcoming,
        "late_assignment": late_assignment,
        "soon_assignment": soon_assignment,
        "expected": {
            "exempted": AssignmentStatus.EXEMPTED,
            "extended": AssignmentStatus.NOT_STARTED,
            "extended_started": AssignmentStatus.IN_PROGRESS,
            "extension_lapsed": AssignmentStatus.OVERDUE,
            "late": AssignmentStatus.OVERDUE,
            "done": AssignmentStatus.COMPLETED,
            "manual": AssignmentStatus.COMPLETED,
            "soon": AssignmentStatus.NOT_STARTED,
        },
    }


def test_function_and_annotation_agree_on_every_case_and_every_day(cases):
    today = timezone.localdate()
    exceptions = {(e.assignment_id, e.user_id): e for e in AssignmentException.objects.all()}
    seen = set()
    for day in (today - timedelta(days=10), today - timedelta(days=1), today, today + timedelta(days=40)):
        for enrollment in enrollments_with_status(Enrollment.objects.select_related("assignment"), today=day):
            due, exempted = assignment_due(
                assignment=enrollment.assignment,
                exception=exceptions.get((enrollment.assignment_id, enrollment.user_id)),
                today=day,
            )
            expected = assignment_status(enrollment=enrollment, today=day, due=due, exempted=exempted)
            assert enrollment.assignment_status == expected, (enrollment.user.full_name, day)
            assert (enrollment.due, enrollment.exempted) == (due, exempted)
            seen.add(expected)
    assert seen == set(AssignmentStatus.values)  # the fixture covers every status
    by_learner = {
        e.user.full_name: e.assignment_status
        for e in enrollments_with_status(Enrollment.objects.filter(assignment__isnull=False), today=today)
    }
    assert by_learner == {NAMES[key]: status for key, status in cases["expected"].items()}


def test_a_learner_not_yet_enrolled_is_not_started_or_exempted():
    today = timezone.localdate()
    assert assignment_status(enrollment=None, today=today, due=today) == AssignmentStatus.NOT_STARTED
    assert assignment_status(enrollment=None, today=today, due=today - timedelta(days=1)) == AssignmentStatus.OVERDUE
    assert assignment_status(enrollment=None, today=today, due=today, exempted=True) == AssignmentStatus.EXEMPTED


def test_exemptions_and_extensions_are_not_overdue_on_any_surface(client, world, cases, tmp_path):
    learners, names = cases["learners"], NAMES
    overdue_names = {names["late"], names["extension_lapsed"]}
    figures = coordination_report(viewer=world["ca"]).figures
    assert figures.overdue == 2 and figures.exempted == 1
    assert figures.due_soon == 1  # the learner whose assignment is due in two days

    client.force_login(world["ca"])
    page = client.get("/coordinate/").content.decode()
    assert 'data-figure="overdue">2<' in page
    listed = client.get("/coordinate/?status=overdue").content.decode()
    assert all(name in listed for name in overdue_names)
    assert not any(names[key] in listed for key in ("exempted", "extended", "extended_started", "done", "manual"))
    exempted_list = client.get("/coordinate/?status=exempted").content.decode()
    assert names["exempted"] in exempted_list and names["late"] not in exempted_list

    text = job_file(export(client, "learners_csv")).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    status_col, due_col, course_col = (
        rows[0].index("Trạng thái"),
        rows[0].index("Hạn hoàn thành"),
        rows[0].index("Khoá học"),
    )
    past_title = cases["past"].title
    csv_status = {row[0]: row[status_col] for row in rows[1:] if row[course_col] == past_title}
    assert {name for name, status in csv_status.items() if status == "quá hạn"} == overdue_names
    assert csv_status[names["exempted"]] == "được miễn"
    assert csv_status[names["extended"]] == "chưa bắt đầu"
    assert csv_status[names["extended_started"]] == "đang học"
    extended_due = (timezone.localdate() + timedelta(days=30)).strftime("%d/%m/%Y")
    assert next(row[due_col] for row in rows if row[0] == names["extended"]) == extended_due

    book = load_workbook(io.BytesIO(job_file(export(client, "learners_xlsx"))))
    sheet_rows = list(book.active.iter_rows(values_only=True))
    xlsx_status = {row[0]: row[status_col] for row in sheet_rows[1:] if row[course_col] == past_title}
    assert xlsx_status == csv_status

    units = job_file(export(client, "courses_csv")).decode("utf-8-sig")
    course_rows = {row[0]: row for row in csv.reader(io.StringIO(units))}
    assert course_rows[past_title][-1] == "2"  # "Quá hạn" column

    require(shutil.which("pdftotext") is not None, "poppler-utils is not installed")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(job_file(export(client, "report_pdf")))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "2 lượt đã quá hạn" in " ".join(text.split())

    reminders = {(enrollment.user_id, kind) for enrollment, kind in due_reminders()}
    assert reminders == {
        (learners["late"].pk, "overdue"),
        (learners["extension_lapsed"].pk, "overdue"),
        (learners["soon"].pk, "due_soon"),
    }


def test_a_past_report_counts_completions_of_that_day_only(world, cases):
    yesterday = timezone.localdate() - timedelta(days=1)
    week_ago = timezone.now() - timedelta(days=7)
    Membership.objects.update(start=week_ago.date(), confirmed_at=week_ago)
    Enrollment.objects.update(started_at=week_ago)
    past = coordination_report(viewer=world["ca"], as_of=yesterday).figures
    assert past.learners == 3 + len(NAMES)  # the pending learner's membership was confirmed a week ago here
    assert past.completed == 0  # both completions happened today
    assert past.overdue == 0  # due yesterday: not yet overdue on that day
    assert past.exempted == 0  # the exemption was recorded today
