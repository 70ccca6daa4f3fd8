"""The coordinator's CSV and XLSX exports never hand Excel a formula, whatever people are called."""

import io

import pytest

from courses.models import CoursePage
from courses.services import enrollment_create
from lms.orgunits.models import OrgUnit, UnitKind
from lms.orgunits.services import coordinator_scope_grant
from tests.coordination.conftest import member
from tests.factories import UserFactory, make_course, make_province_tree, make_unit
from tests.fixtures.jobs import export, job_file
from tests.lms.hostile_tables import HOSTILE_NAMES, csv_cells_inert, neutralised, xlsx_cells_inert

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile_scope(client, admin_user):
    """A province whose units, learners and courses carry every hostile name; its coordinator signed in."""
    province = make_province_tree()["province"]
    coordinator = UserFactory(email="dp.tinh@example.vn")
    coordinator_scope_grant(actor=admin_user, user=coordinator, unit=province)
    for number, name in enumerate(HOSTILE_NAMES):
        unit = make_unit(f"0{number}900", f"Xã {number}", kind=UnitKind.COMMUNE, parent=province)
        OrgUnit.objects.filter(pk=unit.pk).update(name=name)  # as stored, not as the service would trim it
        learner = member(unit, name=name)
        course = make_course(f"Khoá {number}", modules=1, lessons_per_module=1)
        CoursePage.objects.filter(pk=course.pk).update(title=name)
        enrollment_create(user=learner, course=course)
    client.force_login(coordinator)
    return coordinator


def _text(kind: str, client) -> str:
    return job_file(export(client, kind)).decode("utf-8")


def test_learner_csv_has_no_live_cell(client, hostile_scope):
    rows = csv_cells_inert(_text("learners_csv", client))
    assert rows[0][:4] == ["Họ và tên", "Email", "Điện thoại", "Mã đơn vị"]
    names = {row[0] for row in rows[1:]}
    assert {neutralised(name) for name in HOSTILE_NAMES} <= names
    assert '\'=HYPERLINK("http://x","Bấm")' in names and "Nguyễn Thị Hồng Nhung" in names
    assert {row[7] for row in rows[1:]} >= {neutralised(name) for name in HOSTILE_NAMES}  # course titles


@pytest.mark.parametrize(("kind", "column"), [("units_csv", 1), ("courses_csv", 0)])
def test_unit_and_course_tables_have_no_live_cell(client, hostile_scope, kind, column):
    rows = csv_cells_inert(_text(kind, client))
    assert {neutralised(name) for name in HOSTILE_NAMES} <= {row[column] for row in rows[1:]}


def test_learner_xlsx_has_no_formula_and_keeps_codes_as_text(client, hostile_scope):
    from openpyxl import load_workbook

    data = job_file(export(client, "learners_xlsx"))
    rows = xlsx_cells_inert(data)
    assert rows[0][:4] == ["Họ và tên", "Email", "Điện thoại", "Mã đơn vị"]
    assert {neutralised(name) for name in HOSTILE_NAMES} <= {row[0] for row in rows[1:]}
    sheet = load_workbook(io.BytesIO(data)).active
    codes = [sheet.cell(row=row, column=4) for row in range(2, sheet.max_row + 1)]
    assert "00900" in {cell.value for cell in codes}  # the leading zero is kept
    assert all(cell.data_type == "s" and cell.number_format == "@" for cell in codes)
    progress = sheet.cell(row=2, column=9)
    assert progress.data_type == "n" and progress.value == 0  # numbers stay numbers
