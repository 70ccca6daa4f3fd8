"""Every download a coordinator can make holds only learners of their own subtree."""

import io
import time
import zipfile

import pytest
from openpyxl import load_workbook

from courses.services import enrollment_create, lesson_complete
from tests.factories import course_lessons, make_course
from tests.fixtures.jobs import export, job_file, run_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued_for_both(world):
    from certificates.demo import issuer_key_ensure
    from certificates.models import Certificate
    from certificates.services import certificate_issue

    issuer_key_ensure()
    course = make_course("Chữ ký số", modules=1, lessons_per_module=1)
    for user in (world["a1"], world["b1"]):
        enrollment_create(user=user, course=course)
        lesson_complete(user=user, lesson=course_lessons(course)[0])
    for certificate in Certificate.objects.all():
        certificate_issue(certificate_id=certificate.pk)
    return course


def test_xlsx_pdf_and_certificate_zip_hold_only_the_coordinators_learners(client, world, issued_for_both):
    client.force_login(world["ca"])
    book = load_workbook(io.BytesIO(job_file(export(client, "learners_xlsx"))))
    names = {row[0] for row in list(book.active.iter_rows(values_only=True))[1:]}
    assert names == {"Nguyễn Văn Bình", "Trần Thị An"}
    archive = zipfile.ZipFile(io.BytesIO(job_file(export(client, "certificates_zip"))))
    assert len(archive.namelist()) == 1 and archive.namelist()[0].endswith("nguyen-van-binh.pdf")
    assert archive.read(archive.namelist()[0]).startswith(b"%PDF")
    for kind in ("learners_xlsx", "report_pdf", "certificates_zip", "units_csv"):
        response = client.post("/coordinate/exports/", {"export": kind, "unit": world["commune_b"].pk})
        assert response.status_code == 403, kind
    client.force_login(world["cb"])
    archive = zipfile.ZipFile(io.BytesIO(job_file(export(client, "certificates_zip"))))
    assert [name.endswith("le-van-cuong.pdf") for name in archive.namelist()] == [True]


def test_a_download_belongs_to_the_coordinator_who_asked_for_it(client, world, issued_for_both):
    client.force_login(world["ca"])
    job = export(client, "learners_xlsx")
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 200
    client.force_login(world["cb"])
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404


def test_figures_by_course(client, world, issued_for_both):
    client.force_login(world["ca"])
    body = client.get("/coordinate/").content.decode()
    assert 'data-figure="certificates">1<' in body
    section = body.split("Theo khoá học")[1].split("</table>")[0]
    assert "<td>Chữ ký số</td><td>1</td><td>1</td><td>100%</td>" in section.replace("\n", "")


def test_learner_detail_lists_certificates(client, world, issued_for_both):
    client.force_login(world["ca"])
    body = client.get(f"/coordinate/learners/{world['a1'].pk}/").content.decode()
    assert "Chứng chỉ" in body and "/download/" in body


@pytest.mark.integration
@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_an_export_is_built_by_the_worker_for_its_owner_only(client, world, celery_worker_process):
    from lms.jobs.models import BackgroundJob
    from tests.factories import UserFactory
    from tests.fixtures.worker import wait_for

    client.force_login(world["ca"])
    started = time.monotonic()
    response = client.post("/coordinate/exports/", {"export": "learners_xlsx"})
    assert time.monotonic() - started < 1
    job = BackgroundJob.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert wait_for(lambda: BackgroundJob.objects.get().status == "done", timeout=180), (
        celery_worker_process.log_text()[-2000:]
    )
    download = client.get(f"/jobs/{job.pk}/download/")
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    assert {row[0] for row in rows[1:]} == {"Nguyễn Văn Bình", "Trần Thị An"}
    client.force_login(UserFactory())
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404


def test_unit_and_course_tables_export_as_csv(client, world, issued_for_both):
    import csv as csv_module

    client.force_login(world["ca"])
    units = job_file(export(client, "units_csv")).decode("utf-8-sig")
    rows = list(csv_module.reader(io.StringIO(units)))
    assert rows[0][:2] == ["Mã đơn vị", "Đơn vị"]
    courses = job_file(export(client, "courses_csv")).decode("utf-8-sig")
    assert list(csv_module.reader(io.StringIO(courses)))[1][:5] == ["Chữ ký số", "1", "1", "1", "1"]


def test_assignment_to_named_learners_from_the_form(client, world):
    from courses.models import Enrollment

    course = make_course("Khoá riêng", modules=1, lessons_per_module=1)
    client.force_login(world["ca"])
    response = client.post(
        "/coordinate/assignments/new/",
        {"title": "Giao riêng", "courses": [course.pk], "emails": world["a2"].email, "due_date": "31/12/2099"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    run_jobs()
    assert list(Enrollment.objects.filter(course=course).values_list("user_id", flat=True)) == [world["a2"].pk]


def test_naming_someone_outside_the_scope_invites_them_exactly_as_an_unknown_address(client, world):
    """The form answers the same for another unit's learner and an unknown address: both are invited;
    nothing about the registered one changes until they accept."""
    from courses.models import Enrollment
    from lms.orgunits.models import Membership, MembershipInvitation

    course = make_course("Khoá riêng", modules=1, lessons_per_module=1)
    client.force_login(world["ca"])
    pages = []
    for email in (world["b1"].email, "chua.co@example.vn"):
        data = {"title": "Giao riêng", "courses": [course.pk], "emails": email, "due_date": "31/12/2099"}
        response = client.post("/coordinate/assignments/new/", data, follow=True)
        pages.append(response.content.decode().replace(email, "EMAIL"))
        run_jobs()
    assert pages[0].count("Đã giao") == pages[1].count("Đã giao") == 1
    assert not Enrollment.objects.filter(course=course).exists()
    assert Membership.objects.get(user=world["b1"], end__isnull=True).unit == world["commune_b"]
    invitations = MembershipInvitation.objects.filter(unit=world["commune_a"])
    assert set(invitations.values_list("email", flat=True)) == {world["b1"].email, "chua.co@example.vn"}
    invitation = invitations.get(user=world["b1"])
    client.force_login(world["b1"])
    from lms.orgunits.services import invitation_token

    client.post(f"/coordinate/invitation/{invitation_token(invitation)}/", {"answer": "accept"})
    assert Enrollment.objects.filter(course=course, user=world["b1"]).exists()  # named in the assignment
