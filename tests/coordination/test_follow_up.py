"""Coordinators following up: learner search, filtered exports a spreadsheet can work with, a
completion target per unit, breadcrumbs up the unit tree, retired units out of the way."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from coordination.models import UnitTarget
from coordination.selectors import Figures, coordination_report, learners_filtered
from coordination.services import TargetError, unit_target_set
from courses.assignments import assignment_create
from courses.services import lesson_complete
from lms.audit.models import AuditEntry
from lms.orgunits.services import coordinator_scope_grant
from tests.coordination.conftest import member
from tests.factories import UserFactory, course_lessons, make_course, make_unit
from tests.fixtures.jobs import export, job_file

pytestmark = pytest.mark.django_db


def _names(client, **params) -> set[str]:
    body = client.get("/coordinate/", params).content.decode()
    return {name for name in ("Nguyễn Văn Bình", "Trần Thị An", "Đặng Thuỳ Linh") if f">{name}</a></td>" in body}


def test_learner_search_ignores_accents_and_tone_placement_and_finds_emails(client, world):
    member(world["commune_a"], name="Đặng Thuỳ Linh", email="linh.dt@tiendu.gov.vn")
    client.force_login(world["ca"])
    assert _names(client, q="nguyen van") == {"Nguyễn Văn Bình"}
    assert _names(client, q="BINH nguyễn") == {"Nguyễn Văn Bình"}  # every word, any order, any case
    assert _names(client, q="dang thuy") == {"Đặng Thuỳ Linh"}  # đ folds to d
    assert _names(client, q="Thủy") == {"Đặng Thuỳ Linh"}  # the other tone placement
    assert _names(client, q="tiendu.gov") == {"Đặng Thuỳ Linh"}
    body = client.get("/coordinate/", {"q": "khong co ai"}).content.decode()
    assert "Không có người học nào khớp bộ lọc." in body
    # never beyond the scope: Lê Văn Cường is in the other commune
    assert "Lê Văn Cường" not in client.get("/coordinate/", {"q": "cuong"}).content.decode()


@pytest.mark.parametrize("query", ["nguyen van binh", "Nguyễn Văn Bình", "NGUYEN"])
def test_search_selector_on_this_database(world, query):
    report = coordination_report(viewer=world["ca"])
    rows = learners_filtered(report, query=query)
    assert [row.membership.user.full_name for row in rows[0 : len(rows)]] == ["Nguyễn Văn Bình"]


def test_pager_keeps_search_and_filters(client, world, settings):
    for index in range(101):
        member(world["commune_a"], name=f"Nguyễn Thị Mẫu {index:03d}")
    client.force_login(world["ca"])
    body = client.get("/coordinate/", {"q": "nguyen", "group": ""}).content.decode()
    assert "Trang sau" in body
    assert "q=nguyen" in body.split("Trang sau")[0].rsplit("href=", 1)[1]


@pytest.fixture
def overdue_world(world):
    today = timezone.localdate()
    course = make_course("Văn phòng điện tử", modules=1, lessons_per_module=1)
    assignment_create(
        actor=world["ca"],
        title="Kế hoạch số 138/KH-UBND",
        courses=[course],
        users=[world["a1"], world["a2"]],
        due_date=today - timedelta(days=3),
        confirm_past_due=True,
    )
    lesson_complete(user=world["a2"], lesson=course_lessons(course)[0])
    world["a1"].phone = "0912345678"
    world["a1"].learner_group = "cong_chuc"
    world["a1"].save()
    return {**world, "course": course, "due": today - timedelta(days=3)}


def test_filtered_csv_export_holds_the_filtered_rows_with_status_due_date_group_and_phone(client, overdue_world):
    client.force_login(overdue_world["ca"])
    job = export(client, "learners_csv", status="overdue", delimiter=";")
    assert "Trạng thái: quá hạn" in job.title
    text = job_file(job).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header == [
        "Họ và tên",
        "Email",
        "Điện thoại",
        "Mã đơn vị",
        "Đơn vị",
        "Nhóm",
        "Chức vụ",
        "Khoá học",
        "Tiến độ (%)",
        "Hạn hoàn thành",
        "Trạng thái",
        "Ngày hoàn thành",
    ]
    assert len(body) == 1  # Trần Thị An completed: not in the overdue list
    row = dict(zip(header, body[0], strict=True))
    assert row["Họ và tên"] == "Nguyễn Văn Bình"
    assert row["Điện thoại"] == "0912345678"
    assert row["Nhóm"] == "Công chức"
    assert row["Trạng thái"] == "quá hạn"
    assert row["Hạn hoàn thành"] == overdue_world["due"].strftime("%d/%m/%Y")


def test_export_without_filters_lists_everyone_with_a_comma(client, overdue_world):
    client.force_login(overdue_world["ca"])
    text = job_file(export(client, "learners_csv")).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert {row[0] for row in rows[1:]} == {"Nguyễn Văn Bình", "Trần Thị An"}
    statuses = {row[0]: row[10] for row in rows[1:]}
    assert statuses == {"Nguyễn Văn Bình": "quá hạn", "Trần Thị An": "hoàn thành"}


def test_xlsx_has_typed_dates_frozen_bold_header_autofilter_widths_and_an_info_sheet(client, overdue_world):
    client.force_login(overdue_world["ca"])
    data = job_file(export(client, "learners_xlsx", q="tran thi"))
    book = load_workbook(io.BytesIO(data))
    sheet = book["Người học"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:L2"
    assert sheet["A1"].font.b
    assert sheet.column_dimensions["A"].width >= 20 and sheet.column_dimensions["H"].width >= 30
    assert sheet["A2"].value == "Trần Thị An"
    due, completed = sheet["J2"], sheet["L2"]
    assert isinstance(due.value, date) and due.number_format == "DD/MM/YYYY"
    assert due.value.date() == overdue_world["due"]
    assert isinstance(completed.value, date) and completed.value.date() == timezone.localdate()
    info = {row[0]: row[1] for row in book["Thông tin"].iter_rows(values_only=True)}
    assert info["Tìm"] == "tran thi"
    assert info["Phạm vi"] == "Toàn bộ phạm vi của bạn"


def test_unknown_filter_values_and_delimiters_are_dropped(client, overdue_world):
    client.force_login(overdue_world["ca"])
    job = export(client, "learners_csv", status="nope", group="x", delimiter="|")
    assert job.params["filters"] == {} and job.params["delimiter"] == ","


# --- Completion targets ---------------------------------------------------------------------------------


def test_default_target_is_reachable_and_a_unit_target_holds_below_it(world, admin_user, settings):
    assert settings.COORDINATION_TARGET_PCT == 80
    coordinator = UserFactory()
    coordinator_scope_grant(actor=admin_user, user=coordinator, unit=world["province"])
    unit_target_set(actor=coordinator, unit=world["province"], target_pct=90)
    unit_target_set(actor=coordinator, unit=world["commune_b"], target_pct=60)
    report = coordination_report(viewer=coordinator)
    targets = {unit.code: figures.target for unit, figures in report.units}
    assert targets == {"24.SNV": 90, "09325": 90, "09367": 60}
    assert report.figures.target == 90
    assert Figures(enrollments=10, completed=6, target=60).rag == "green"
    assert Figures(enrollments=10, completed=6, target=90).rag == "red"


def test_setting_a_target_is_scoped_validated_and_audited(client, world):
    client.force_login(world["ca"])
    response = client.post(f"/coordinate/units/{world['commune_a'].pk}/target/", {"target_pct": "75"})
    assert response.status_code == 302
    assert UnitTarget.objects.get(unit=world["commune_a"]).target_pct == 75
    entry = AuditEntry.objects.get(action="unit_target.set")
    assert entry.actor == world["ca"] and entry.data["before"] is None and entry.data["after"] == 75
    assert client.post(f"/coordinate/units/{world['commune_b'].pk}/target/", {"target_pct": "50"}).status_code == 403
    response = client.post(f"/coordinate/units/{world['commune_a'].pk}/target/", {"target_pct": "150"}, follow=True)
    assert "Chỉ tiêu phải là một số từ 1 đến 100 (%)." in response.content.decode()
    response = client.post(f"/coordinate/units/{world['commune_a'].pk}/target/", {"target_pct": "abc"}, follow=True)
    assert "Chỉ tiêu phải là một số từ 1 đến 100 (%)." in response.content.decode()
    assert UnitTarget.objects.get(unit=world["commune_a"]).target_pct == 75
    client.post(f"/coordinate/units/{world['commune_a'].pk}/target/", {"target_pct": ""})
    assert not UnitTarget.objects.filter(unit=world["commune_a"]).exists()  # back to the unit above
    with pytest.raises(TargetError):
        unit_target_set(actor=world["ca"], unit=world["commune_a"], target_pct=0)


# --- Breadcrumbs and retired units ------------------------------------------------------------------------


def test_drill_down_has_breadcrumbs_up_to_the_scope_and_not_beyond(client, world, admin_user):
    coordinator = UserFactory()
    coordinator_scope_grant(actor=admin_user, user=coordinator, unit=world["agency"])
    client.force_login(coordinator)
    body = client.get("/coordinate/", {"unit": world["division"].pk}).content.decode()
    crumbs = body.split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert f'href="?unit={world["agency"].pk}"' in crumbs and "Sở Nội vụ" in crumbs
    assert "Tỉnh Bắc Ninh" not in crumbs  # above the coordinator's scope
    assert 'aria-current="page">Phòng Cải cách hành chính<' in crumbs


def test_retired_units_without_figures_are_hidden_unless_asked(client, world, admin_user):
    retired = make_unit("09331", "Xã Cũ", parent=world["province"], valid_from=date(2000, 1, 1))
    retired.valid_to, retired.successor = date(2025, 6, 30), world["commune_a"]
    retired.save()
    coordinator = UserFactory()
    coordinator_scope_grant(actor=admin_user, user=coordinator, unit=world["province"])
    client.force_login(coordinator)
    body = client.get("/coordinate/").content.decode()
    assert "Xã Cũ" not in body and "Hiện cả các đơn vị này" in body
    body = client.get("/coordinate/", {"retired": "1"}).content.decode()
    assert "Xã Cũ" in body and "ngừng hoạt động từ 30/06/2025" in body and "đã sáp nhập" in body
    # a retired unit that still holds learners stays listed, so the rows add up to the total
    member(retired, name="Người Ở Xã Cũ")
    assert "Xã Cũ" in client.get("/coordinate/").content.decode()
