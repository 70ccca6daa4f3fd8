import pytest

from courses.models import Enrollment
from courses.services import enrollment_create, lesson_complete
from tests.factories import course_lessons, make_catalogue, make_course

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_reads_open_preview_lessons_only(client):
    index = make_catalogue()
    preview = make_course("Chữ ký số", index=index, open_preview=True)
    closed = make_course("Văn phòng điện tử", index=index)
    response = client.get(course_lessons(preview)[0].url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nội dung bài 1.1 về Chữ ký số" in body
    assert "Đăng nhập để lưu tiến độ" in body
    response = client.get(course_lessons(closed)[0].url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_signed_in_visitor_not_enrolled_is_sent_to_the_course_page(client, learner):
    course = make_course()
    client.force_login(learner)
    response = client.get(course_lessons(course)[0].url)
    assert response["Location"] == course.url


def test_enrol_from_the_course_page_then_see_progress(client, learner):
    course = make_course()
    client.force_login(learner)
    body = client.get(course.url).content.decode()
    assert "Ghi danh khoá học" in body
    response = client.post(f"/learn/course/{course.pk}/enrol/")
    lessons = course_lessons(course)
    assert response["Location"] == lessons[0].url
    client.post(f"/learn/lesson/{lessons[0].pk}/done/")
    body = client.get(course.url).content.decode()
    assert 'aria-valuenow="25"' in body and "Hoàn thành 25%" in body
    assert "Học tiếp" in body


def test_marking_done_goes_to_the_next_lesson_across_modules_and_from_the_last_to_the_course(client, learner):
    course = make_course(modules=2, lessons_per_module=2)
    lessons = course_lessons(course)
    client.force_login(learner)
    client.post(f"/learn/course/{course.pk}/enrol/")
    assert client.post(f"/learn/lesson/{lessons[1].pk}/done/")["Location"] == lessons[2].url  # into module 2
    assert client.post(f"/learn/lesson/{lessons[3].pk}/done/")["Location"] == course.url  # last, course not done
    assert client.post(f"/learn/lesson/{lessons[3].pk}/done/")["Location"] == course.url  # again: nothing changes


def test_enrol_refusal_is_shown_as_a_message(client, learner):
    course = make_course(is_public=False)
    client.force_login(learner)
    response = client.post(f"/learn/course/{course.pk}/enrol/", follow=True)
    assert "Khoá học này chỉ dành cho người được giao." in response.content.decode()
    assert not Enrollment.objects.exists()


def test_catalogue_filters(client):
    index = make_catalogue()
    make_course("Ký số cho lãnh đạo", index=index, topic="digital_signature", audience="civil_servants")
    make_course("VNeID cho người dân", index=index, topic="digital_citizenship", audience="citizens")
    make_course(
        "Bảo mật máy tính", index=index, topic="information_security", audience="everyone", estimated_minutes=200
    )

    def listed(**params):
        body = client.get(index.url, params).content.decode()
        return {
            title
            for title in ("Ký số cho lãnh đạo", "VNeID cho người dân", "Bảo mật máy tính")
            if f">{title}</a>" in body
        }

    assert listed() == {"Ký số cho lãnh đạo", "VNeID cho người dân", "Bảo mật máy tính"}
    assert listed(topic="digital_signature") == {"Ký số cho lãnh đạo"}
    assert listed(audience="citizens") == {"VNeID cho người dân", "Bảo mật máy tính"}
    assert listed(duration="long") == {"Bảo mật máy tính"}
    assert listed(level="advanced") == set()
    assert len(listed(topic="không-có")) == 3  # an unknown filter value is ignored, not an error


def test_dashboard_sections_and_empty_state(client, learner):
    client.force_login(learner)
    body = client.get("/learn/").content.decode()
    assert "Bạn chưa ghi danh khoá học nào." in body
    index = make_catalogue()
    doing = make_course("Đang học dở", index=index)
    done = make_course("Đã học xong", index=index, modules=1, lessons_per_module=1)
    enrollment_create(user=learner, course=doing)
    client.get(course_lessons(doing)[0].url)
    lesson_complete(user=learner, lesson=course_lessons(doing)[0])
    enrollment_create(user=learner, course=done)
    lesson_complete(user=learner, lesson=course_lessons(done)[0])
    body = client.get("/learn/").content.decode()
    in_progress, completed = body.split('id="progress-heading"')[1].split('id="done-heading"')
    assert "Đang học dở" in in_progress and "Hoàn thành 25%" in in_progress
    assert "Đã học xong" in completed
    assert "Bài 1.1: Đang học dở" in body.split('id="recent-heading"')[1]
