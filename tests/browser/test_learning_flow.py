"""Search, preview, sign in, enrol, learn, leave and continue — in a real browser."""

import re

import pytest

from cms.services import site_home_ensure
from courses.models import Enrollment
from tests.factories import UserFactory, course_lessons, make_catalogue, make_course

pytestmark = [pytest.mark.browser, pytest.mark.embedded]

PASSWORD = "Hoc-so-an-toan-2026"


@pytest.mark.django_db(transaction=True)
def test_search_preview_enrol_progress_and_continue(page, live_server):
    site_home_ensure()
    index = make_catalogue()
    course = make_course(
        "Chữ ký số và giao dịch điện tử", index=index, modules=2, lessons_per_module=2, open_preview=True
    )
    make_course("Văn phòng điện tử", index=index)
    lessons = course_lessons(course)
    user = UserFactory(email="canbo@example.vn", password=PASSWORD)
    base = live_server.url

    page.goto(base + "/")
    page.get_by_placeholder("Tìm khoá học, bài học").fill("chu ky so")
    page.get_by_placeholder("Tìm khoá học, bài học").press("Enter")
    page.wait_for_url(re.compile(r"/search/"))
    page.get_by_role("link", name="Chữ ký số và giao dịch điện tử", exact=True).click()
    page.wait_for_url(base + course.url)

    # An open-preview lesson reads without an account.
    page.get_by_role("link", name="Đọc thử bài đầu tiên").click()
    assert "Nội dung bài 1.1 về Chữ ký số" in page.content()
    page.get_by_role("link", name="Đăng nhập để lưu tiến độ").click()
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base + lessons[0].url)

    page.get_by_role("button", name="Ghi danh khoá học").click()
    page.wait_for_url(base + lessons[0].url)
    page.get_by_role("button", name="Đánh dấu đã học xong").click()
    page.wait_for_url(base + lessons[1].url)
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "25"
    page.get_by_role("button", name="Đánh dấu đã học xong").click()
    page.wait_for_url(base + lessons[2].url)
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "50"

    # Leave, come back later: "continue" lands on the next unfinished lesson.
    page.goto(base + "/")
    page.goto(base + "/learn/")
    assert "Hoàn thành 50%" in page.content()
    page.get_by_role("link", name="Học tiếp").first.click()
    page.wait_for_url(base + lessons[2].url)
    assert Enrollment.objects.get(user=user, course=course).progress_pct == 50
    page.screenshot(path="var/screenshots/lesson.png", full_page=True)
