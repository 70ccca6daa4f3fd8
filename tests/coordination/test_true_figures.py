"""Figures that add up: unit rows plus the "directly in" row equal the headline for every scope; a
past day's figures are the same on the page, in the CSV and XLSX and in the PDF; a wrong date is a 400."""

import csv
import io
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from coordination.selectors import coordination_report
from courses.models import Enrollment
from courses.services import enrollment_create, lesson_complete
from lms.orgunits.models import Membership
from lms.orgunits.services import coordinator_scope_grant
from tests.coordination.conftest import member
from tests.factories import UserFactory, course_lessons, make_course, make_province_tree
from tests.fixtures.jobs import export, job_file
from tests.services import require

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(admin_user):
    """Learners at every level: directly in the province and in the agency, in a division, in communes;
    one course completed ten days ago by two of them, today by one."""
    units = make_province_tree()
    course = make_course("Văn bản điện tử", modules=1, lessons_per_module=1)
    people = {
        "in_province": member(units["province"], name="Lý Thị Tỉnh"),
        "in_agency": member(units["agency"], name="Hồ Văn Sở"),
        "in_division": member(units["division"], name="Mạc Thị Phòng"),
        "in_commune_a": member(units["commune_a"], name="Kha Văn Xã"),
        "in_commune_b": member(units["commune_b"], name="Tô Thị Xã"),
    }
    long_ago = timezone.now() - timedelta(days=30)
    Membership.objects.update(start=long_ago.date(), confirmed_at=long_ago)
    for key, user in people.items():
        enrollment_create(user=user, course=course)
        if key in ("in_province", "in_division", "in_commune_a"):
            lesson_complete(user=user, lesson=course_lessons(course)[0])
    Enrollment.objects.update(started_at=long_ago)
    ten_days_ago = timezone.now() - timedelta(days=10)
    Enrollment.objects.filter(user__in=[people["in_province"], people["in_division"]]).update(completed_at=ten_days_ago)
    coordinators = {}
    for key in ("province", "agency", "commune_a"):
        coordinators[key] = UserFactory(email=f"dp.{key}@example.vn")
        coordinator_scope_grant(actor=admin_user, user=coordinators[key], unit=units[key])
    return {"units": units, "people": people, "course": course, "coordinators": coordinators}


FIELDS = ("learners", "enrollments", "completed", "overdue", "exempted")


def _sum(rows) -> dict:
    return {field: sum(getattr(figures, field) for figures in rows) for field in FIELDS}


@pytest.mark.parametrize("who", ["admin", "province", "agency", "commune_a"])
def test_unit_rows_and_the_direct_row_add_up_to_the_headline(province, admin_user, who):
    viewer = admin_user if who == "admin" else province["coordinators"][who]
    report = coordination_report(viewer=viewer)
    rows = [figures for _unit, figures in report.units] + ([report.direct[1]] if report.direct else [])
    assert _sum(rows) == {field: getattr(report.figures, field) for field in FIELDS}
    expected = {"admin": 5, "province": 5, "agency": 2, "commune_a": 1}[who]
    assert report.figures.learners == expected
    if who in ("admin", "province"):
        assert report.direct[0] == province["units"]["province"] and report.direct[1].learners == 1
    if who == "agency":
        assert report.direct[0] == province["units"]["agency"] and report.direct[1].learners == 1


def test_the_units_table_has_the_direct_row_and_a_total_on_the_page_and_in_the_csv(client, province):
    client.force_login(province["coordinators"]["province"])
    body = client.get("/coordinate/").content.decode()
    assert 'data-row="direct"' in body and "Trực tiếp tại Tỉnh Bắc Ninh" in body and 'data-row="total"' in body
    rows = list(csv.reader(io.StringIO(job_file(export(client, "units_csv")).decode("utf-8-sig"))))
    learners = {row[1]: int(row[2]) for row in rows[1:]}
    assert learners["Tổng cộng"] == 5 == sum(value for name, value in learners.items() if name != "Tổng cộng")
    assert learners["Trực tiếp tại Tỉnh Bắc Ninh"] == 1


def test_a_past_day_gives_the_same_figures_on_the_page_and_in_every_download(client, province, tmp_path):
    client.force_login(province["coordinators"]["province"])
    day = (timezone.localdate() - timedelta(days=5)).strftime("%d/%m/%Y")
    page = client.get("/coordinate/", {"as_of": day}).content.decode()
    assert 'data-figure="completed">2<' in page  # the completion of today does not count on that day
    assert 'data-figure="completed">3<' in client.get("/coordinate/").content.decode()

    learners = list(csv.reader(io.StringIO(job_file(export(client, "learners_csv", as_of=day)).decode("utf-8-sig"))))
    status = learners[0].index("Trạng thái")
    assert sum(row[status] == "hoàn thành" for row in learners[1:]) == 2
    book = load_workbook(io.BytesIO(job_file(export(client, "learners_xlsx", as_of=day))))
    assert sum(row[status] == "hoàn thành" for row in list(book.active.iter_rows(values_only=True))[1:]) == 2
    units = list(csv.reader(io.StringIO(job_file(export(client, "units_csv", as_of=day)).decode("utf-8-sig"))))
    total = next(row for row in units if row[1] == "Tổng cộng")
    assert total[units[0].index("Lượt hoàn thành")] == "2"
    job = export(client, "report_pdf", as_of=day)
    assert job.file_name.endswith(".pdf")
    require(shutil.which("pdftotext") is not None, "poppler-utils is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(job_file(job))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    assert f"tính đến hết ngày {day}" in flat and f"Thời điểm số liệu: hết ngày {day}" in flat
    assert "với 5 lượt ghi danh phải hoàn thành. Đã hoàn thành 2 lượt" in flat


@pytest.mark.parametrize("value", ["31/02/2026", "hôm qua", "2026-13-01"])
def test_an_invalid_or_future_day_is_a_400_with_a_message(client, province, value):
    client.force_login(province["coordinators"]["province"])
    page = client.get("/coordinate/", {"as_of": value})
    assert page.status_code == 400 and "không hợp lệ" in page.content.decode()
    download = client.post("/coordinate/exports/", {"export": "learners_csv", "as_of": value})
    assert download.status_code == 400 and "không hợp lệ" in download.content.decode()
    future = (timezone.localdate() + timedelta(days=3)).strftime("%d/%m/%Y")
    assert client.get("/coordinate/", {"as_of": future}).status_code == 400
