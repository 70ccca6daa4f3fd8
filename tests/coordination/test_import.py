"""Bulk enrolment: preview, row-numbered errors, all-or-nothing apply, idempotent re-upload; CSV and XLSX."""

import io
import re
import unicodedata
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import Workbook

from lms.accounts.models import User
from lms.audit.models import AuditEntry
from lms.orgunits.models import Membership, MembershipInvitation, OrgUnit
from lms.orgunits.services import coordinator_scope_grant, invitation_token
from tests.factories import UserFactory, make_province_tree, place
from tests.fixtures.jobs import run_jobs

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
    """Upload a file and let the worker check it (run here as a worker would); the preview's URL."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/coordinate/import/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content.decode()[:1000]
    run_jobs()
    return response["Location"]


def apply(client, job_url):
    """Press "Áp dụng tất cả" and let the worker apply it (and send the invitations)."""
    response = client.post(job_url)
    run_jobs()
    return response


@pytest.mark.parametrize(("name", "encode"), [("hoc-vien.csv", as_csv), ("hoc-vien.xlsx", as_xlsx)])
def test_bad_file_gives_row_numbered_errors_and_saves_nothing(client, coordinator, name, encode):
    before = User.objects.count()
    job_url = upload(client, name, encode(BAD))
    body = client.get(job_url).content.decode()
    assert "không có đơn vị mã “99999”" in body
    assert "email trùng với dòng 3" in body
    assert "địa chỉ email: " in body.split("not-an-email")[1].split("</tr>")[0]
    assert "Áp dụng tất cả" not in body
    response = client.post(job_url, follow=True)
    assert "Tệp có lỗi" in response.content.decode()
    run_jobs()
    assert User.objects.count() == before


@pytest.mark.parametrize(("name", "encode"), [("hoc-vien.csv", as_csv), ("hoc-vien.xlsx", as_xlsx)])
def test_new_addresses_are_invited_and_join_with_their_assignments_when_they_accept(client, coordinator, name, encode):
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
        due_date=timezone.localdate() + timedelta(days=30),
    )
    job_url = upload(client, name, encode(CLEAN))
    assert client.get(job_url).content.decode().count("Sẽ gửi lời mời") == 2
    apply(client, job_url)
    nhung = User.objects.get(email="nhung@example.vn")
    assert nhung.full_name == "Nguyễn Thị Hồng Nhung"  # NFC, from the file: a new account
    assert nhung.learner_group == "cong_chuc" and nhung.position == "van_thu" and nhung.phone == "0912345678"
    assert not nhung.has_usable_password()
    assert not Membership.objects.filter(user=nhung).exists()  # nothing until they accept
    assert not Enrollment.objects.filter(course=course).exists()
    assert len(mail.outbox) == 2 and "đặt mật khẩu" in mail.outbox[0].body
    body = next(m.body for m in mail.outbox if m.to == ["nhung@example.vn"])
    path = urlparse(re.search(r"https?://\S+/coordinate/invitation/\S+/", body).group(0)).path
    client.logout()
    password = "Mật-khẩu-mới-2026"
    answer = {"answer": "accept", "new_password1": password, "new_password2": password, "consent": "on"}
    page = client.post(path, answer)
    assert page.status_code == 302
    membership = Membership.objects.get(user=nhung, end__isnull=True)
    assert membership.unit.code == "09325" and membership.confirmed_at is not None
    assert Enrollment.objects.filter(course=course, user=nhung).exists()
    nhung.refresh_from_db()
    assert nhung.check_password("Mật-khẩu-mới-2026") and nhung.consent_at is not None
    assert AuditEntry.objects.filter(action="membership.invitation_accept", subject=nhung).exists()
    client.force_login(coordinator)
    again = upload(client, name, encode(CLEAN))
    body = client.get(again).content.decode()
    assert body.count("Không đổi") == 1 and body.count("Sẽ gửi lời mời") == 1  # Tám has not answered yet
    apply(client, again)
    assert len(mail.outbox) == 2  # the open invitation is reused, not sent twice


def test_an_import_never_takes_over_an_account_outside_the_scope(client, coordinator, admin_user):
    """A coordinator names another agency's learner (and the editor) with a new name, unit and phone:
    nothing changes on their accounts, they get invitations, and the preview looks exactly as for an
    unknown address."""
    units = {unit.code: unit for unit in OrgUnit.objects.all()}
    victim = UserFactory(email="nan.nhan@example.vn", full_name="Phạm Thật Tên", phone="0900000001")
    place(victim, units["09367"])  # commune B: another coordinator's
    editor = UserFactory(email="bientap@example.vn", full_name="Nguyễn Biên Tập")
    before = {u.pk: (u.full_name, u.email, u.phone, u.learner_group, u.position) for u in (victim, editor)}
    rows = [
        ["Nguyễn Giả Mạo", "nan.nhan@example.vn", "09325", "Công chức", "Văn thư", "0999999999"],
        ["Kẻ Giả Mạo", "bientap@example.vn", "09325", "", "", "0988888888"],
        ["Người Mới Tinh", "moi.tinh@example.vn", "09325", "Công chức", "Văn thư", "0977777777"],
    ]
    job_url = upload(client, "mao.csv", as_csv(rows))
    body = client.get(job_url).content.decode()
    outcomes = re.findall(r'data-outcome="(\w+)"', body)
    assert outcomes == ["invite", "invite", "invite"]  # registered or not: the same outcome
    apply(client, job_url)
    for user in (victim, editor):
        user.refresh_from_db()
        assert (user.full_name, user.email, user.phone, user.learner_group, user.position) == before[user.pk]
    assert Membership.objects.get(user=victim, end__isnull=True).unit.code == "09367"
    assert not Membership.objects.filter(user=editor).exists()
    invited = set(MembershipInvitation.objects.values_list("email", flat=True))
    assert invited == {"nan.nhan@example.vn", "bientap@example.vn", "moi.tinh@example.vn"}
    assert client.get(f"/coordinate/learners/{victim.pk}/").status_code == 404
    entries = AuditEntry.objects.filter(action="membership.invite")
    assert set(entries.values_list("subject_id", flat=True)) >= {victim.pk, editor.pk}
    # The victim accepts: only then do they move, and the audit names them with the old and new unit.
    invitation = MembershipInvitation.objects.get(user=victim)
    client.force_login(victim)
    client.post(f"/coordinate/invitation/{invitation_token(invitation)}/", {"answer": "accept"})
    assert Membership.objects.get(user=victim, end__isnull=True).unit.code == "09325"
    entry = AuditEntry.objects.get(action="membership.invitation_accept", subject=victim)
    assert entry.data["changes"]["unit"] == ["Xã Gia Bình (09367)", "Xã Tiên Du (09325)"]
    victim.refresh_from_db()
    assert victim.full_name == "Phạm Thật Tên"  # identity never came from the file


def test_an_in_scope_learner_is_updated_but_keeps_their_name_and_phone(client, coordinator):
    units = {unit.code: unit for unit in OrgUnit.objects.all()}
    learner = UserFactory(email="trong.pham.vi@example.vn", full_name="Tên Thật", phone="0911111111")
    place(learner, units["09325"])
    job_url = upload(
        client,
        "a.csv",
        as_csv([["Tên Khác", "trong.pham.vi@example.vn", "09325", "Viên chức", "Lãnh đạo", "0922 000 111"]]),
    )
    assert re.findall(r'data-outcome="(\w+)"', client.get(job_url).content.decode()) == ["update"]
    apply(client, job_url)
    learner.refresh_from_db()
    assert (learner.full_name, learner.phone) == ("Tên Thật", "0911111111")
    assert (learner.learner_group, learner.position) == ("vien_chuc", "lanh_dao")
    entry = AuditEntry.objects.get(action="account.update", subject=learner)
    assert entry.data["changes"] == {"learner_group": ["cong_chuc", "vien_chuc"], "position": ["", "lanh_dao"]}
    assert not MembershipInvitation.objects.exists()


def test_units_outside_the_coordinators_scope_are_errors(client, coordinator):
    job_url = upload(client, "x.csv", as_csv([["Ai Đó", "ai@example.vn", "09367", "", "", ""]]))
    assert "ngoài phạm vi của bạn" in client.get(job_url).content.decode()


def test_another_coordinators_preview_is_not_found(client, coordinator, admin_user):
    job_url = upload(client, "x.csv", as_csv(CLEAN))
    other = UserFactory()
    coordinator_scope_grant(actor=admin_user, user=other, unit=OrgUnit.objects.get(code="09325"))
    client.force_login(other)
    assert client.get(job_url).status_code == 404
    assert client.post(job_url).status_code == 404


@pytest.mark.integration
@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_checked_and_applied_by_the_worker(client, admin_user, celery_worker_process):
    from lms.jobs.models import BackgroundJob
    from tests.fixtures.worker import wait_for

    units = make_province_tree()
    coordinator = UserFactory()
    coordinator_scope_grant(actor=admin_user, user=coordinator, unit=units["commune_a"])
    client.force_login(coordinator)
    from django.core.files.uploadedfile import SimpleUploadedFile

    rows = [[f"Người Học Số {n}", f"lon{n}@example.vn", "09325", "", "", ""] for n in range(320)]
    response = client.post("/coordinate/import/", {"file": SimpleUploadedFile("lon.csv", as_csv(rows))})
    job_url = response["Location"]
    preview = BackgroundJob.objects.get(kind="coordination.import_preview")
    assert wait_for(lambda: BackgroundJob.objects.get(pk=preview.pk).status == "done", timeout=180), (
        celery_worker_process.log_text()[-2000:]
    )
    assert client.get(job_url).content.decode().count("Sẽ gửi lời mời") == 320
    client.post(job_url)
    assert wait_for(
        lambda: BackgroundJob.objects.filter(kind="coordination.import_apply", status="done").exists(), timeout=180
    ), (
        list(BackgroundJob.objects.values_list("kind", "status", "message", "error")),
        celery_worker_process.log_text()[-3000:],
    )
    assert User.objects.filter(email__startswith="lon").count() == 320
    assert MembershipInvitation.objects.filter(email__startswith="lon").count() == 320
    assert "Tệp này đã được áp dụng." in client.get(job_url).content.decode()
