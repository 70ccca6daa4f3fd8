"""The certificate verification page and "Dữ liệu của tôi" read on a 360 px phone: label above value,
no horizontal scroll, every value at least 40 % of the screen wide, a page of reasonable height."""

import pytest

from certificates.demo import issuer_key_ensure
from certificates.models import Certificate
from certificates.services import certificate_issue
from cms.services import site_home_ensure
from courses.services import enrollment_create, lesson_complete
from lms.orgunits.services import membership_declare
from tests.factories import UserFactory, course_lessons, make_course, make_province_tree

pytestmark = [pytest.mark.browser, pytest.mark.embedded]

PASSWORD = "Hoc-so-an-toan-2026"
PHONE = {"width": 360, "height": 740}

# Per value element: its width; and the document's scroll width and height.
MEASURE = """() => ({
  scrollWidth: document.documentElement.scrollWidth,
  height: document.documentElement.scrollHeight,
  values: [...document.querySelectorAll('.data-list dd')].map(dd => ({
    text: dd.textContent.trim().slice(0, 40), width: dd.getBoundingClientRect().width,
  })),
})"""


def assert_readable_at_360(page, *, max_height: int):
    measured = page.evaluate(MEASURE)
    assert measured["scrollWidth"] <= PHONE["width"], measured["scrollWidth"]
    assert measured["values"], "no value on the page"
    narrow = [value for value in measured["values"] if value["width"] < 0.4 * PHONE["width"]]
    assert not narrow, narrow
    assert measured["height"] < max_height, measured["height"]


@pytest.fixture
def learner_with_certificate(db):
    site_home_ensure()
    issuer_key_ensure()
    units = make_province_tree()
    user = UserFactory(full_name="Nguyễn Thị Hồng Nhung", password=PASSWORD, phone="0912345678")
    membership_declare(user=user, unit=units["commune_a"])
    course = make_course("Chữ ký số và giao dịch điện tử", modules=1, lessons_per_module=2)
    enrollment_create(user=user, course=course)
    for lesson in course_lessons(course):
        lesson_complete(user=user, lesson=lesson)
    certificate = certificate_issue(certificate_id=Certificate.objects.get(user=user).pk)
    return user, certificate


@pytest.mark.django_db(transaction=True)
def test_verification_and_my_data_read_on_a_360_px_phone(chromium, live_server, learner_with_certificate):
    user, certificate = learner_with_certificate
    context = chromium.new_context(locale="vi-VN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/verify/{certificate.code_display}/")
        assert "Chứng chỉ hợp lệ" in page.content()
        assert page.locator(".data-list dd", has_text=certificate.code_display).count() == 1
        assert_readable_at_360(page, max_height=2500)

        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(live_server.url + "/")
        page.goto(live_server.url + "/accounts/my-data/")
        assert page.get_by_role("heading", name="Dữ liệu của tôi").is_visible()
        assert page.locator(".data-list dt", has_text="Họ và tên").count() >= 1
        # Every section of a learner with one course and one certificate: under 12 phone screens (was 19).
        assert_readable_at_360(page, max_height=12 * PHONE["height"])
    finally:
        context.close()
