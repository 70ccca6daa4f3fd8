"""Every download a coordinator can make holds only learners of their own subtree."""

import io
import zipfile

import pytest
from openpyxl import load_workbook

from courses.services import enrollment_create, lesson_complete
from tests.factories import course_lessons, make_course

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
    book = load_workbook(io.BytesIO(b"".join(client.get("/coordinate/export.xlsx").streaming_content)))
    names = {row[0] for row in list(book.active.iter_rows(values_only=True))[1:]}
    assert names == {"Nguyễn Văn Bình", "Trần Thị An"}
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get("/coordinate/certificates.zip").streaming_content)))
    assert len(archive.namelist()) == 1 and archive.namelist()[0].endswith("nguyen-van-binh.pdf")
    assert archive.read(archive.namelist()[0]).startswith(b"%PDF")
    for path in ("/coordinate/export.xlsx", "/coordinate/report.pdf", "/coordinate/certificates.zip"):
        assert client.get(path, {"unit": world["commune_b"].pk}).status_code == 403, path
    client.force_login(world["cb"])
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get("/coordinate/certificates.zip").streaming_content)))
    assert [name.endswith("le-van-cuong.pdf") for name in archive.namelist()] == [True]


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
def test_large_xlsx_export_is_built_by_the_worker_for_its_owner_only(client, world, monkeypatch, celery_worker_process):
    from coordination.models import ExportJob
    from coordination.views import exports as views
    from tests.factories import UserFactory
    from tests.fixtures.worker import wait_for

    monkeypatch.setattr(views, "XLSX_TASK_LEARNERS", 1)  # this small scope counts as "large"
    client.force_login(world["ca"])
    response = client.get("/coordinate/export.xlsx")
    job = ExportJob.objects.get()
    assert response["Location"] == f"/coordinate/exports/{job.pk}/"
    assert wait_for(lambda: ExportJob.objects.get().status == "done", timeout=180), celery_worker_process.log_text()[
        -2000:
    ]
    download = client.get(f"/coordinate/exports/{job.pk}/?download=1")
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    assert {row[0] for row in rows[1:]} == {"Nguyễn Văn Bình", "Trần Thị An"}
    client.force_login(UserFactory())
    assert client.get(f"/coordinate/exports/{job.pk}/?download=1").status_code == 404


def test_unit_and_course_tables_export_as_csv(client, world, issued_for_both):
    import csv as csv_module

    client.force_login(world["ca"])
    units = b"".join(client.get("/coordinate/export-units.csv").streaming_content).decode("utf-8-sig")
    rows = list(csv_module.reader(io.StringIO(units)))
    assert rows[0][:2] == ["Mã đơn vị", "Đơn vị"]
    courses = b"".join(client.get("/coordinate/export-courses.csv").streaming_content).decode("utf-8-sig")
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
    assert list(Enrollment.objects.filter(course=course).values_list("user_id", flat=True)) == [world["a2"].pk]
    response = client.post(
        "/coordinate/assignments/new/",
        {"title": "Sai", "courses": [course.pk], "emails": world["b1"].email, "due_date": "31/12/2099"},
    )
    assert "Có người học ngoài phạm vi của bạn." in response.content.decode()
