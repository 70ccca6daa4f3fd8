"""With the cache's Redis stopped, every learner page answers 200 and every learner write
commits and answers its redirect — the cache is optional at run time (lms.cache_backends)."""

import time

import pytest
from django.core.cache import cache

from certificates.models import Certificate
from courses.models import Enrollment
from lms import page_cache
from quizzes.models import Attempt
from tests.factories import UserFactory, course_lessons, make_course, make_quiz
from tests.services import fault_tolerant_cache_on

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cache_redis(private_redis, settings):
    """The process's cache on a private Redis (the settings' fault-tolerant backend), page cache on."""
    server = private_redis("cache")
    settings.CACHES = fault_tolerant_cache_on(server, "reliability")
    settings.PAGE_CACHE_SECONDS = 300
    page_cache.local_content_forget()
    yield server
    page_cache.local_content_forget()


def learner_pages(client, course, lesson, quiz):
    """Every page a learner reads, signed in and anonymous: (url, status) for each."""
    urls = ["/", "/khoa-hoc/", course.url, lesson.url, quiz.url, "/learn/", "/learn/certificates/", "/search/?q=ky+so"]
    urls += ["/accounts/profile/", "/accounts/my-data/"]
    return [(url, client.get(url).status_code) for url in urls]


def test_learner_pages_and_writes_work_with_the_cache_redis_stopped(
    cache_redis, client, issuer_key, reliability_report
):
    course = make_course("Dịch vụ công trực tuyến", modules=1, lessons_per_module=2)
    quiz = make_quiz(course=course, questions=None, pass_mark_pct=0, questions_per_page=10)
    lessons = [lesson for lesson in course_lessons(course) if lesson.pk != quiz.pk]
    learner = UserFactory(full_name="Trần Văn Bình")
    client.force_login(learner)
    assert client.post(f"/learn/course/{course.pk}/enrol/").status_code == 302
    warm = learner_pages(client, course, lessons[0], quiz)  # the cache holds routes, shells, outlines
    assert cache.get(page_cache.GENERATION_KEY) is not None

    cache_redis.stop()
    started = time.monotonic()
    cold = learner_pages(client, course, lessons[0], quiz)
    assert {url: status for url, status in warm if status != 200} == {}
    assert {url: status for url, status in cold if status != 200} == {}
    # Writes: mark done, then the final quiz started, answered and submitted — each commits and redirects.
    for lesson in lessons:
        response = client.post(f"/learn/lesson/{lesson.pk}/done/")
        assert response.status_code == 302, response.content[:300]
    response = client.post(f"/quiz/{quiz.pk}/start/")
    assert response.status_code == 302
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    assert client.get(response["Location"]).status_code == 200
    summary = client.post(f"/quiz/attempt/{attempt.pk}/summary/", {"sequence": attempt.sequence})
    assert summary.status_code == 302, summary.content[:300]
    assert summary["Location"] == f"/learn/course/{course.pk}/completed/"
    completed = client.get(summary["Location"])
    assert completed.status_code == 200
    assert "Đang chờ cấp" in completed.content.decode() or "đang được tạo" in completed.content.decode()
    attempt.refresh_from_db()
    assert attempt.state == "graded"
    assert Enrollment.objects.get(user=learner, course=course).status == "completed"
    assert Certificate.objects.filter(user=learner).count() == 1
    # A second learner enrols and an anonymous visitor reads the public pages.
    other = UserFactory()
    client.force_login(other)
    assert client.post(f"/learn/course/{course.pk}/enrol/").status_code == 302
    assert Enrollment.objects.filter(user=other, course=course).exists()
    client.logout()
    for url in ("/", "/khoa-hoc/", course.url, "/accounts/login/", "/accounts/signup/", "/verify/"):
        assert client.get(url).status_code == 200, url
    elapsed = time.monotonic() - started
    # Answers come from the database, not after cache timeouts: the bypass skips a dead Redis.
    assert elapsed < 60, elapsed

    cache_redis.start()  # back: the cache fills again
    time.sleep(2.1)  # the bypass retries Redis RETRY_AFTER (here 2 s) after the last failure
    client.force_login(learner)
    assert all(status == 200 for _url, status in learner_pages(client, course, lessons[0], quiz))
    assert cache.get(page_cache.GENERATION_KEY) is not None
    reliability_report(pages_checked=len(cold) + 6, writes=len(lessons) + 4, errors_5xx=0, seconds=round(elapsed, 1))
