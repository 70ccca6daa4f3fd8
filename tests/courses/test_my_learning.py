""" "Học tập của tôi": sections đang học / được giao / đã hoàn thành / lộ trình, "Bắt đầu học" at
0 % and "Học tiếp" after; the learning path page's action and breadcrumb (issue 13)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import Assignment, Enrollment, EnrollmentSource, LearningPathCourse, LearningPathPage
from courses.services import enrollment_create, lesson_complete
from tests.factories import course_lessons, make_catalogue, make_course

pytestmark = pytest.mark.django_db


def section(body: str, heading: str) -> str:
    """The HTML of one section, from its heading to the next section."""
    return body.split(f'<h2 id="{heading}">')[1].split("</section>")[0]


def assign(user, course, *, due):
    assignment = Assignment.objects.create(title="Đợt 1", plan_reference="Kế hoạch số 138/KH-UBND", due_date=due)
    enrollment = enrollment_create(user=user, course=course, source=EnrollmentSource.ASSIGNMENT)
    Enrollment.objects.filter(pk=enrollment.pk).update(assignment=assignment)
    return enrollment


def test_an_assigned_course_under_way_is_in_progress_and_assigned_with_its_due_date(client, learner):
    index = make_catalogue()
    assigned = make_course("Văn bản điện tử", index=index, modules=1, lessons_per_module=3)
    due = timezone.localdate() + timedelta(days=10)
    assign(learner, assigned, due=due)
    lesson_complete(user=learner, lesson=course_lessons(assigned)[0])
    client.force_login(learner)
    body = client.get("/learn/").content.decode()

    doing = section(body, "progress-heading")
    assert "Văn bản điện tử" in doing and "Hoàn thành 33%" in doing and "Học tiếp" in doing
    assert "Chưa có khoá học đang học" not in body
    given = section(body, "assigned-heading")
    assert "Văn bản điện tử" in given and due.strftime("%d/%m/%Y") in given and "Kế hoạch số 138/KH-UBND" in given
    assert 'href="#assigned-heading"' in body and 'href="#paths-heading"' in body


def test_zero_percent_says_start_and_an_assigned_course_not_started_waits_in_assigned(client, learner):
    index = make_catalogue()
    fresh = make_course("Khoá mới ghi danh", index=index)
    waiting = make_course("Khoá được giao chưa học", index=index)
    enrollment_create(user=learner, course=fresh)
    assign(learner, waiting, due=timezone.localdate() + timedelta(days=3))
    client.force_login(learner)
    body = client.get("/learn/").content.decode()
    doing = section(body, "progress-heading")
    assert "Khoá mới ghi danh" in doing and "Bắt đầu học" in doing and "Học tiếp" not in doing
    assert "Khoá được giao chưa học" not in doing
    given = section(body, "assigned-heading")
    assert "Khoá được giao chưa học" in given and "Bắt đầu học" in given


def test_completed_courses_link_their_result_and_paths_show_progress_and_next_course(client, learner):
    index = make_catalogue()
    first = make_course("Bước một", index=index, modules=1, lessons_per_module=1)
    second = make_course("Bước hai", index=index, modules=1, lessons_per_module=1)
    path = index.add_child(instance=LearningPathPage(title="Lộ trình cơ bản", slug="lo-trinh-co-ban"))
    LearningPathCourse.objects.create(path=path, course=first, sort_order=0)
    LearningPathCourse.objects.create(path=path, course=second, sort_order=1)
    enrollment_create(user=learner, course=first)
    lesson_complete(user=learner, lesson=course_lessons(first)[0])
    client.force_login(learner)
    body = client.get("/learn/").content.decode()
    done = section(body, "done-heading")
    assert "Bước một" in done and f"/learn/course/{first.pk}/completed/" in done
    paths = section(body, "paths-heading")
    assert "Lộ trình cơ bản" in paths and "1/2 khoá học đã hoàn thành" in paths and "Hoàn thành 50%" in paths
    assert "Khoá tiếp theo: Bước hai" in paths and second.url in paths  # not enrolled yet: its page

    page = client.get(path.url).content.decode()
    assert 'class="breadcrumbs"' in page and index.url in page
    assert "Khoá tiếp theo: Bước hai" in page and "Bắt đầu học" in page
    enrollment_create(user=learner, course=second)
    page = client.get(path.url).content.decode()
    assert f"/learn/course/{second.pk}/continue/" in page


def test_path_page_for_a_visitor_offers_the_first_course(client):
    index = make_catalogue()
    first = make_course("Bước một", index=index, modules=1, lessons_per_module=1)
    path = index.add_child(instance=LearningPathPage(title="Lộ trình cơ bản", slug="lo-trinh-co-ban"))
    LearningPathCourse.objects.create(path=path, course=first, sort_order=0)
    page = client.get(path.url).content.decode()
    assert "Bắt đầu với khoá đầu tiên" in page and first.url in page
    assert f"/accounts/login/?next={path.url}" in page


def test_a_course_added_to_a_path_shows_at_once_on_my_learning(client, learner):
    """The paths' courses are kept with the published content: a path course saved later (here in
    code, outside a publish) shows on the next request."""
    index = make_catalogue()
    first = make_course("Bước một", modules=1, lessons_per_module=1, index=index)
    second = make_course("Bước hai", modules=1, lessons_per_module=1, index=index)
    path = index.add_child(instance=LearningPathPage(title="Lộ trình mới", slug="lo-trinh-moi"))
    enrollment_create(user=learner, course=first)
    client.force_login(learner)
    for _ in range(2):  # the first request also creates the site's settings (a content change)
        assert "Lộ trình mới" not in section(client.get("/learn/").content.decode(), "paths-heading")
    LearningPathCourse.objects.create(path=path, course=first, sort_order=0)
    LearningPathCourse.objects.create(path=path, course=second, sort_order=1)
    paths = section(client.get("/learn/").content.decode(), "paths-heading")
    assert "Lộ trình mới" in paths and "0/2 khoá học đã hoàn thành" in paths
