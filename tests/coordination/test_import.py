"""Bulk enrolment: preview, row-numbered errors, all-or-nothing apply, idempotent re-upload; CSV and XLSX."""

import io
import unicodedata
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import Workbook

from lms.accounts.models import User
from lms.orgunits.models import Membership
from lms.orgunits.services import coordinator_scope_grant
from tests.factories import UserFactory, make_province_tree

pytestmark = pytest.mark.django_db

HEADER = ["Họ và tên", "Email", "Mã đơn vị", "Nhóm", "Chức vụ", "Điện thoại"]
CLEAN = [
    [
        unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung"),
        "nhung@example.vn",
        "09325",
        "Công chức",
        "Văn thư",
        "0912 345 678",
    ],
    ["Lê Văn Tám", "tam@example.vn", "09325", "nguoi_dan", "", ""],
]
BAD = [
    ["Trần Văn A", "a@example.vn", "99999", "Công chức", "", ""],  # bad unit code: row 2
    ["Trần Văn B", "b@example.vn", "09325", "", "", ""],
    ["Trần Văn C", "b@example.vn", "09325", "", "", ""],  # duplicate e-mail: row 4
    ["Trần Văn D", "not-an-email", "09325", "", "", ""],  # malformed: row 5
    [unicodedata.normalize("NFD", "Đỗ Thị Thuỷ"), "thuy@example.vn", "09325", "", "", ""],  # NFD is fine
]


def as_csv(rows) -> bytes:
    lines = [",".join(HEADER)] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def as_xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def coordinator(client, admin_user):
    units = make_province_tree()
    user = UserFactory()
    coordinator_scope_grant(actor=admin_user, user=user, unit=units["commune_a"])
    client.force_login(user)
    return user


def upload(client, name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/coordinate/import/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content.decode()[:1000]
    return response["Location"]


@pytest.mark.parametrize(("name", "encode"), [("hoc-vien.csv", as_csv), ("hoc-vien.xlsx", as_xlsx)])
def test_bad_file_gives_row_numbered_errors_and_saves_nothing(client, coordinator, name, encode):
    before = User.objects.count()
    job_url = upload(client, name, encode(BAD))
    body = client.get(job_url).content.decode()
    assert "không có đơn vị mã “99999”" in body
    assert "email trùng với dòng 3" in body
    assert "email “not-an-email” không hợp lệ" in body
    assert "Áp dụng tất cả" not in body
    response = client.post(job_url, follow=True)
    assert "Tệp có lỗi" in response.content.decode()
    assert User.objects.count() == before


@pytest.mark.parametrize(("name", "encode"), [("hoc-vien.csv", as_csv), ("hoc-vien.xlsx", as_xlsx)])
def test_clean_file_creates_accounts_and_reupload_changes_nothing(
    client, coordinator, name, encode, django_capture_on_commit_callbacks
):
    from courses.assignments import assignment_create
    from courses.models import Enrollment
    from lms.orgunits.models import OrgUnit
    from tests.factories import make_course

    course = make_course(modules=1, lessons_per_module=1)
    assignment_create(
        actor=coordinator,
        title="Đợt 1",
        courses=[course],
        units=[OrgUnit.objects.get(code="09325")],
        # Well after today: joiners get only open assignments, and "today" may end mid-test.
        due_date=timezone.localdate() + timedelta(days=30),
    )
    job_url = upload(client, name, encode(CLEAN))
    assert "Tài khoản mới" in client.get(job_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(job_url)
    assert set(Enrollment.objects.filter(course=course).values_list("user__email", flat=True)) == {
        "nhung@example.vn",
        "tam@example.vn",
    }
    nhung = User.objects.get(email="nhung@example.vn")
    assert nhung.full_name == "Nguyễn Thị Hồng Nhung"  # NFC
    assert nhung.learner_group == "cong_chuc" and nhung.position == "van_thu" and nhung.phone == "0912345678"
    membership = Membership.objects.get(user=nhung, end__isnull=True)
    assert membership.unit.code == "09325" and membership.confirmed_at is not None
    assert len(mail.outbox) == 2 and "đặt mật khẩu" in mail.outbox[0].body
    snapshot = list(User.objects.order_by("pk").values_list("email", "full_name", "learner_group", "position"))
    again = upload(client, name, encode(CLEAN))
    assert client.get(again).content.decode().count("Không đổi") == 2
    client.post(again)
    assert list(User.objects.order_by("pk").values_list("email", "full_name", "learner_group", "position")) == snapshot
    assert Membership.objects.filter(user=nhung).count() == 1 and len(mail.outbox) == 2


def test_units_outside_the_coordinators_scope_are_errors(client, coordinator):
    job_url = upload(client, "x.csv", as_csv([["Ai Đó", "ai@example.vn", "09367", "", "", ""]]))
    assert "ngoài phạm vi của bạn" in client.get(job_url).content.decode()


@pytest.mark.integration
@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_large_file_is_applied_by_the_worker_with_progress(client, admin_user, celery_worker_process):
    from coordination.models import ImportJob
    from tests.fixtures.worker import wait_for

    units = make_province_tree()
    coordinator = UserFactory()
    coordinator_scope_grant(actor=admin_user, user=coordinator, unit=units["commune_a"])
    client.force_login(coordinator)
    rows = [[f"Người Học Số {n}", f"lon{n}@example.vn", "09325", "", "", ""] for n in range(320)]
    job_url = upload(client, "lon.csv", as_csv(rows))
    response = client.post(job_url)
    assert response.status_code == 302
    assert "Đang áp dụng" in client.get(job_url).content.decode() or ImportJob.objects.get().status == "applied"
    assert wait_for(lambda: ImportJob.objects.get().status == "applied", timeout=180), celery_worker_process.log_text()[
        -2000:
    ]
    assert User.objects.filter(email__startswith="lon").count() == 320
    assert "Tệp này đã được áp dụng." in client.get(job_url).content.decode()
