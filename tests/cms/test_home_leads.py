"""A home that leads (issue 13): signed-in learners find their learning on "/", login and sign-up
return to the page that asked, and the account menu reads as a menu."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from courses.models import Assignment, Enrollment, EnrollmentSource
from courses.services import enrollment_create, lesson_complete, lesson_visit
from tests.factories import course_lessons, make_catalogue, make_course

pytestmark = pytest.mark.django_db


def test_signed_in_home_shows_where_to_continue_assigned_courses_and_certificates(client, learner):
    index = make_catalogue()
    doing = make_course("Chữ ký số", index=index)
    given = make_course("Văn bản điện tử", index=index)
    done = make_course("An toàn thông tin", index=index, modules=1, lessons_per_module=1)
    enrollment_create(user=learner, course=doing)
    lesson = course_lessons(doing)[0]
    lesson_visit(user=learner, lesson=lesson, course=doing)
    lesson_complete(user=learner, lesson=lesson)
    due = timezone.localdate() + timedelta(days=5)
    assignment = Assignment.objects.create(title="Đợt 1", due_date=due)
    enrollment = enrollment_create(user=learner, course=given, source=EnrollmentSource.ASSIGNMENT)
    Enrollment.objects.filter(pk=enrollment.pk).update(assignment=assignment)
    enrollment_create(user=learner, course=done)
    lesson_complete(user=learner, lesson=course_lessons(done)[0])

    client.force_login(learner)
    body = client.get("/").content.decode()
    block = body.split('class="learner-home"')[1]
    assert "Tiếp tục từ chỗ bạn dừng" in block and "Chữ ký số" in block
    assert f"/learn/course/{doing.pk}/continue/" in block and "Học tiếp" in block
    assert "Văn bản điện tử" in block and due.strftime("%d/%m/%Y") in block
    assert "An toàn thông tin" in block and "Đang tạo" in block  # its certificate, being prepared
    assert 'href="/learn/"' in block and 'href="/learn/certificates/"' in block


def test_home_for_visitors_has_no_personal_block(client):
    make_catalogue()
    body = client.get("/").content.decode()
    assert 'class="learner-home"' not in body and "Tạo tài khoản miễn phí" in body


def test_account_menu_reads_as_a_menu(client, learner):
    make_catalogue()
    client.force_login(learner)
    body = client.get("/").content.decode()
    summary = re.search(r"<summary>(.*?)</summary>", body, re.S).group(1)
    assert '<span class="visually-hidden">Tài khoản: </span>' in summary
    assert 'class="menu-caret" aria-hidden="true"' in summary


def test_login_from_a_course_page_returns_to_the_course(client, learner, password):
    course = make_course()
    body = client.get(course.url).content.decode()
    assert f'href="/accounts/login/?next={course.url}"' in body
    response = client.post(f"/accounts/login/?next={course.url}", {"login": learner.email, "password": password})
    assert response["Location"] == course.url


def test_login_without_next_lands_on_the_home_with_the_learning_block(client, learner, password):
    make_catalogue()
    response = client.post("/accounts/login/", {"login": learner.email, "password": password}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert 'class="learner-home"' in response.content.decode()


def test_sign_up_from_a_course_returns_to_it_after_confirming_the_email(client):
    course = make_course()
    login_page = client.get(f"/accounts/login/?next={course.url}").content.decode()
    assert "/accounts/signup/?next=%2Fkhoa-hoc%2F" in login_page  # "Đăng ký" keeps the course
    response = client.post(
        "/accounts/signup/",
        {
            "full_name": "Lò Văn Pá",
            "email": "pa@example.vn",
            "password1": "Kh0ng-de-doan-2026",
            "password2": "Kh0ng-de-doan-2026",
            "consent": "on",
            "next": course.url,
        },
    )
    assert response["Location"] == "/accounts/confirm-email/"
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[0].body).group(1)
    response = client.post(link)
    assert response["Location"] == course.url
    body = client.get(course.url).content.decode()
    assert "Ghi danh khoá học" in body  # signed in, on the course they came for
