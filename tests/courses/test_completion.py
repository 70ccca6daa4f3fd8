"""The moment of completion: the last required item leads to the completion page, and the
course page, the quiz and the review say the course is done (issue 13)."""

import pytest
from django.utils import timezone

from certificates.models import Certificate, CertificateStatus
from courses.models import LearningPathCourse, LearningPathPage
from courses.services import enrollment_create, lesson_complete
from quizzes.demo import correct_form_values
from quizzes.models import Attempt, QuestionVersion
from tests.factories import course_lessons, make_catalogue, make_course, make_quiz

pytestmark = pytest.mark.django_db


def mark_done(client, lesson):
    return client.post(f"/learn/lesson/{lesson.pk}/done/")


def test_marking_the_last_lesson_done_leads_to_the_completion_page(client, learner):
    index = make_catalogue()
    course = make_course("Chữ ký số", index=index, modules=1, lessons_per_module=2)
    following = make_course("Dịch vụ công trực tuyến", index=index)
    make_course("Khoá chỉ dành cho người được giao", index=index, is_public=False)
    enrollment_create(user=learner, course=course)
    client.force_login(learner)
    first, last = course_lessons(course)
    assert mark_done(client, first)["Location"] == last.url
    response = mark_done(client, last)
    assert response["Location"] == f"/learn/course/{course.pk}/completed/"

    body = client.get(response["Location"]).content.decode()
    assert "Chúc mừng! Bạn đã hoàn thành khoá học" in body
    certificate = Certificate.objects.get(enrollment__user=learner)
    assert certificate.status == CertificateStatus.PENDING
    assert "Đang tạo" in body and "đang được tạo và ký số" in body
    assert f'data-certificate-status="/learn/certificates/{certificate.code_display}/status/"' in body
    assert "js/certificate-status.js" in body
    assert "Học gì tiếp theo" in body and "Dịch vụ công trực tuyến" in body
    assert "Khoá chỉ dành cho người được giao" not in body
    assert following.url in body

    page = client.get(course.url).content.decode()
    assert "Đã hoàn thành" in page and f"/learn/course/{course.pk}/completed/" in page
    assert "Học tiếp" not in page and "Huỷ ghi danh" not in page
    assert "Chứng chỉ: Đang tạo." in page


def test_completion_page_offers_download_and_verification_once_issued(client, learner):
    course = make_course(modules=1, lessons_per_module=1)
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=course_lessons(course)[0])
    certificate = Certificate.objects.get(enrollment__user=learner)
    Certificate.objects.filter(pk=certificate.pk).update(
        status=CertificateStatus.ISSUED, issued_at=timezone.now(), pdf="certificates/x.pdf"
    )
    client.force_login(learner)
    body = client.get(f"/learn/course/{course.pk}/completed/").content.decode()
    assert f"/certificates/{certificate.code_display}/download/" in body
    assert f"/verify/{certificate.code_display}/" in body
    assert 'data-ready="1"' in body and "Chứng chỉ của bạn đã sẵn sàng." in body
    page = client.get(course.url).content.decode()
    assert "Xem chứng chỉ" in page and f"/certificates/{certificate.code_display}/download/" in page


def test_completion_page_suggests_the_learning_paths_next_course(client, learner):
    index = make_catalogue()
    first = make_course("Bước một", index=index, modules=1, lessons_per_module=1)
    second = make_course("Bước hai", index=index, modules=1, lessons_per_module=1)
    path = index.add_child(instance=LearningPathPage(title="Lộ trình chuyển đổi số", slug="lo-trinh"))
    LearningPathCourse.objects.create(path=path, course=first, sort_order=0)
    LearningPathCourse.objects.create(path=path, course=second, sort_order=1)
    enrollment_create(user=learner, course=first)
    lesson_complete(user=learner, lesson=course_lessons(first)[0])
    client.force_login(learner)
    body = client.get(f"/learn/course/{first.pk}/completed/").content.decode()
    assert "Lộ trình “Lộ trình chuyển đổi số”: khoá tiếp theo" in body
    assert second.url in body


def test_completion_page_of_an_unfinished_course_sends_back_to_the_course(client, learner):
    course = make_course()
    enrollment_create(user=learner, course=course)
    client.force_login(learner)
    assert client.get(f"/learn/course/{course.pk}/completed/")["Location"] == course.url
    client.logout()
    assert client.get(f"/learn/course/{course.pk}/completed/")["Location"].startswith("/accounts/login/")


def passing_form(attempt) -> dict:
    versions = {
        v.pk: v.payload for v in QuestionVersion.objects.filter(pk__in=[e["version_id"] for e in attempt.slots])
    }
    data: dict = {}
    for entry in attempt.slots:
        data.update(correct_form_values(versions[entry["version_id"]], entry))
    return data


def test_passing_the_final_quiz_leads_to_the_completion_page(client, learner):
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions_per_page=50)
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=course_lessons(course)[0])
    client.force_login(learner)
    client.post(f"/quiz/{quiz.pk}/start/")
    attempt = Attempt.objects.get(user=learner)
    client.post(
        f"/quiz/attempt/{attempt.pk}/", {"page": 0, "sequence": 0, "action": "summary", **passing_form(attempt)}
    )
    response = client.post(f"/quiz/attempt/{attempt.pk}/summary/", {"sequence": 1})
    assert response["Location"] == f"/learn/course/{course.pk}/completed/"
    assert "Chúc mừng! Bạn đã hoàn thành khoá học" in client.get(response["Location"]).content.decode()

    quiz_page = client.get(quiz.url).content.decode()
    assert "Xem kết quả khoá học và chứng chỉ" in quiz_page
    assert ">Làm lại<" not in quiz_page  # retaking is offered only as a secondary "Làm lại để ôn tập"
    review = client.get(f"/quiz/attempt/{attempt.pk}/review/").content.decode()
    assert f"/learn/course/{course.pk}/completed/" in review
    course_page = client.get(course.url).content.decode()
    assert "Đã hoàn thành" in course_page and "Học tiếp" not in course_page


def test_a_failed_quiz_goes_to_the_review_as_before(client, learner):
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions_per_page=50)
    enrollment_create(user=learner, course=course)
    client.force_login(learner)
    client.post(f"/quiz/{quiz.pk}/start/")
    attempt = Attempt.objects.get(user=learner)
    client.post(f"/quiz/attempt/{attempt.pk}/", {"page": 0, "sequence": 0, "action": "summary"})
    response = client.post(f"/quiz/attempt/{attempt.pk}/summary/", {"sequence": 1})
    assert response["Location"] == f"/quiz/attempt/{attempt.pk}/review/"
    assert ">Làm lại<" in client.get(quiz.url).content.decode()


def test_completed_course_page_and_completion_page_stay_within_the_query_budget(client, learner, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "c13"}}
    index = make_catalogue()
    course = make_course("Chữ ký số", index=index, modules=2, lessons_per_module=3)
    make_course("Dịch vụ công trực tuyến", index=index)
    enrollment_create(user=learner, course=course)
    for lesson in course_lessons(course):
        lesson_complete(user=learner, lesson=lesson)
    client.get("/")  # the first visit creates the site's settings row (a one-off write)
    client.force_login(learner)
    for url in (course.url, f"/learn/course/{course.pk}/completed/", "/", "/learn/"):
        client.get(url)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        statements = [q for q in context.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
        assert len(statements) <= 12, (url, len(statements))
