"""Acceptance 3 of issue 15: every cell of the declared access matrix (``access_matrix.CELLS``)
holds on the real URLs, writes included — a refused write leaves the database as it was.

Allowed writes run inside a savepoint that is rolled back, so every cell meets the same world.
Staff hold an authenticator (the production ``MFA_REQUIRED_ROLES`` apply), so the matrix checks
the access rules behind the second factor, not the enrolment redirect."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, Site

from lms.accounts.services import editors_group
from lms.jobs.models import BackgroundJob, JobStatus
from lms.jobs.storage import job_storage
from lms.orgunits.models import MembershipSource
from lms.orgunits.services import coordinator_scope_grant, membership_declare
from tests.factories import UserFactory, course_lessons, make_course, make_province_tree, make_quiz, place
from tests.security import access_matrix
from tests.security.access_matrix import CELLS, ROLES, Cell

pytestmark = pytest.mark.django_db

# Tables a request may write without changing anything the matrix protects.
UNWATCHED_TABLES = {"django_session", "mfa_authenticator", "wagtailusers_userprofile"}
UPLOADS = {
    "learners.csv": "email,ho_ten,ma_don_vi\nmoi@example.vn,Người Mới,09325\n".encode(),
    "units.csv": "code,name,kind,parent_code,valid_from,valid_to\n99,Tỉnh Thử,province,,01/01/2025,\n".encode(),
}
ESSAY = {"type": "essay", "text": "Trình bày quy trình ký số một văn bản."}


def database_fingerprint() -> dict[str, str]:
    """A digest of every stored row of each table of every installed model (sessions aside)."""
    tables = sorted(
        {model._meta.db_table for model in apps.get_models(include_auto_created=True) if not model._meta.proxy}
        - UNWATCHED_TABLES
    )
    digests = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")  # noqa: S608 — model tables
            digests[table] = hashlib.sha256(repr(sorted(map(repr, cursor.fetchall()))).encode()).hexdigest()
    return digests


@pytest.fixture
def world(admin_user, settings, tmp_path):
    """Learner A (commune A: an assigned course with an essay attempt awaiting a grade, a completed
    course with its certificate), learner B (commune B), a declaration awaiting confirmation in
    commune A, coordinators of commune B (A's sibling) and of the province (A's parent), an editor,
    an administrator; a document in a collection private to editors, a draft page, a coordinator's
    import preview and export."""
    from certificates.demo import issuer_key_ensure
    from certificates.models import Certificate
    from certificates.services import certificate_issue
    from cms.models import ContentPage, SiteSettings
    from cms.services import site_home_ensure
    from coordination.exports import LEARNERS_CSV
    from coordination.importing import IMPORT_PREVIEW
    from courses.assignments import assignment_create
    from courses.services import enrollment_create, lesson_complete
    from quizzes.models import AttemptAnswer
    from quizzes.services import attempt_start, attempt_submit

    settings.MFA_REQUIRED_ROLES = settings.MFA_REQUIRED_ROLES_PRODUCTION
    settings.MEDIA_ROOT = tmp_path / "media"
    issuer_key_ensure()
    units = make_province_tree()
    learner_a = UserFactory(full_name="Đặng Thị Mỹ A")
    learner_b = UserFactory(full_name="Lò Văn Bê")
    place(learner_a, units["commune_a"])
    place(learner_b, units["commune_b"])
    declarer = UserFactory(full_name="Hà Thị Khai")
    pending = membership_declare(user=declarer, unit=units["commune_a"], source=MembershipSource.SELF)
    coord_sibling, coord_parent, editor = UserFactory(), UserFactory(), UserFactory()
    coordinator_scope_grant(actor=admin_user, user=coord_sibling, unit=units["commune_b"])
    coordinator_scope_grant(actor=admin_user, user=coord_parent, unit=units["province"])
    site_home_ensure()  # the root page editors' rights hang from
    editor.groups.add(editors_group())
    _wagtail_defaults_for_editors()
    for staff in (coord_sibling, coord_parent, editor, admin_user):
        TOTP.activate(staff, generate_totp_secret())

    done = make_course("Khoá đã học xong", modules=1, lessons_per_module=1)
    enrollment_create(user=learner_a, course=done)
    for lesson in course_lessons(done):
        lesson_complete(user=learner_a, lesson=lesson)
    certificate = certificate_issue(certificate_id=Certificate.objects.get(user=learner_a).pk)

    course = make_course("Khoá được giao", modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=[ESSAY], questions_per_page=1, shuffle_answers=False)
    practice = make_course("Khoá bài tập", modules=1, lessons_per_module=1)
    assignment = assignment_create(
        actor=coord_parent, title="Đợt 1", courses=[course, practice], due_date=date(2030, 12, 31), users=[learner_a]
    )
    attempt = attempt_start(user=learner_a, quiz=quiz)
    essay = {f"q{slot}": "Bước 1: mở tệp; bước 2: ký số." for slot in range(4)}
    attempt = attempt_submit(attempt_id=attempt.pk, user=learner_a, sequence=attempt.sequence, page=0, data=essay)
    answer = AttemptAnswer.objects.get(attempt=attempt, response__isnull=False)
    quiz_open = make_quiz(course=practice, questions=[ESSAY], questions_per_page=1, shuffle_answers=False)
    attempt_open = attempt_start(user=learner_a, quiz=quiz_open)
    other = make_course("Khoá tập huấn trực tiếp", modules=1, lessons_per_module=1)

    private = Collection.get_first_root_node().add_child(name="Tài liệu nội bộ")
    restriction = CollectionViewRestriction.objects.create(collection=private, restriction_type="groups")
    restriction.groups.set([editors_group()])
    document = get_document_model().objects.create(
        title="Hướng dẫn nội bộ", file=ContentFile(b"noi bo", name="noi-bo.txt"), collection=private
    )
    draft = site_home_ensure().add_child(instance=ContentPage(title="Trang nháp", slug="trang-nhap", live=False))
    SiteSettings.for_site(Site.objects.get(is_default_site=True))  # stored now, not by the first page shown

    import_job = BackgroundJob.objects.create(
        kind=IMPORT_PREVIEW, owner=coord_parent, title="Nhập", status=JobStatus.DONE, result={"rows": [], "counts": {}}
    )
    export_file = job_storage().save("matrix/learners.csv", ContentFile(b"ho_ten\n"))
    export_job = BackgroundJob.objects.create(
        kind=LEARNERS_CSV,
        owner=coord_parent,
        title="Xuất",
        status=JobStatus.DONE,
        file=export_file,
        file_name="learners.csv",
        content_type="text/csv",
    )
    users = {
        "anonymous": None,
        "learner_a": learner_a,
        "learner_b": learner_b,
        "coord_sibling": coord_sibling,
        "coord_parent": coord_parent,
        "editor": editor,
        "administrator": admin_user,
    }
    ids = {
        "learner_a": learner_a.pk,
        "learner_a_email": learner_a.email,
        "learner_a_name": learner_a.full_name,
        "declarer_name": declarer.full_name,
        "commune_a": units["commune_a"].pk,
        "lesson": course_lessons(course)[0].pk,
        "course": course.pk,
        "course_other": other.pk,
        "quiz": quiz.pk,
        "attempt": attempt.pk,
        "attempt_open": attempt_open.pk,
        "attempt_open_sequence": attempt_open.sequence,
        "answer": answer.pk if answer else 0,
        "code": certificate.code_display,
        "pending_membership": pending.pk,
        "assignment": assignment.pk,
        "import_job": import_job.pk,
        "export_job": export_job.pk,
        "document": document.pk,
        "document_file": document.filename,
        "draft": draft.pk,
        "draft_url": draft.get_url() or "/trang-nhap/",
    }
    yield users, ids
    job_storage().delete(export_file)


def _wagtail_defaults_for_editors() -> None:
    """What Wagtail's migrations give the editors on a migrated database (the root collection, its
    document rights), restored where a transactional test before this one flushed them."""
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupCollectionPermission

    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    for codename in ("add_document", "change_document", "choose_document"):
        permission = Permission.objects.get(content_type__app_label="wagtaildocs", codename=codename)
        GroupCollectionPermission.objects.get_or_create(group=editors_group(), collection=root, permission=permission)


def outcome(cell: Cell, response, marker: str) -> str:
    """What the response says happened: allow, deny, hidden or refused."""
    status = response.status_code
    if status in (403, 404):
        return "deny"
    if status in (301, 302, 303, 307):
        location = response["Location"]
        if location.startswith("/accounts/2fa/"):
            return "second factor asked"  # never expected: every staff member holds one
        if location.startswith(("/accounts/login/", "/admin/login/")):
            return "deny"
        if location == "/admin/" and not cell.url.startswith("/admin/pages/{draft}/view"):
            return "deny"  # Wagtail's permission_denied: back to the dashboard with an error
        return "allow"
    if status == 200 and cell.action == "list" and marker:
        body = b"".join(response) if response.streaming else response.content
        return "allow" if marker.encode() in body else "hidden"
    if 200 <= status < 300:
        return "allow"
    return f"status {status}"


def play(client, cell: Cell, ids: dict) -> tuple[object, str]:
    url = cell.url.format(**ids)
    if cell.method == "GET":
        return client.get(url), url
    data = {}
    for key, value in cell.data:
        if value.startswith("@"):
            data[key] = SimpleUploadedFile(value[1:], UPLOADS[value[1:]], content_type="text/csv")
        else:
            data[key] = value.format(**ids)
    return client.post(url, data), url


def test_every_cell_of_the_access_matrix_holds(client, world):
    users, ids = world
    client.raise_request_exception = False  # a 500 is a wrong cell, reported with the others
    wrong = []
    for role in ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        for cell in CELLS:
            expected = cell.expect[role]
            marker = cell.marker.format(**ids)
            with transaction.atomic():
                before = database_fingerprint() if cell.writes and expected != "allow" else None
                response, url = play(client, cell, ids)
                got = outcome(cell, response, marker)
                if got == "allow" and expected == "refused" and response.status_code in (200, 302, 400):
                    got = "refused"  # turned back to the page or the form, nothing written (checked below)
                if before is not None:
                    after = database_fingerprint()
                    changed = sorted(table for table in after if after[table] != before.get(table))
                    if changed:
                        got += f" (database changed: {', '.join(changed)})"
                transaction.set_rollback(True)
            if got != expected:
                wrong.append(
                    f"{role:14} {cell.method} {url} [{cell.obj}/{cell.action}]: expected {expected}, got {got}"
                    f" ({response.status_code} {response.get('Location', '')})"
                )
    assert not wrong, "\n" + "\n".join(wrong)


def test_every_object_and_action_of_the_issue_is_declared():
    objects = {cell.obj for cell in CELLS}
    assert objects == {
        "progress",
        "attempt",
        "grade",
        "certificate",
        "learner record",
        "import",
        "export",
        "assignment",
        "document",
        "draft page",
    }
    assert {cell.action for cell in CELLS} == {"view", "list", "create", "edit", "delete", "export"}
    assert all(set(cell.expect) == set(ROLES) for cell in CELLS)
    assert {cell.method for cell in CELLS} == {"GET", "POST"}


def test_the_matrix_in_docs_reliability_is_current():
    assert access_matrix.main([]) == 0, "run: python -m tests.security.access_matrix --write"


def test_an_administrator_deleting_a_learner_anonymises_them(client, world):
    """Wagtail's "delete" keeps the retention rule: the learning records and certificates stay."""
    from certificates.models import Certificate
    from courses.models import Enrollment

    users, ids = world
    client.force_login(users["administrator"])
    response = client.post(f"/admin/users/delete/{ids['learner_a']}/")
    assert response.status_code == 302
    learner = type(users["learner_a"]).objects.get(pk=ids["learner_a"])
    assert learner.anonymised_at is not None and learner.full_name != ids["learner_a_name"]
    assert Enrollment.objects.filter(user=learner).exists()
    assert Certificate.objects.filter(user=learner).exists()
