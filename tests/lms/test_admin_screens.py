"""Our own admin screens carry their own title in Wagtail's header (issue 14: roles, audit log,
GIFT, the quiz report… were all headed "Trang Chủ", the only breadcrumb they had)."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.factories import UserFactory, make_quiz

pytestmark = pytest.mark.django_db


def header(response) -> tuple[str, list[str]]:
    """The header's title (the hidden h1 screen readers announce) and the breadcrumb trail shown."""
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    slim = soup.select_one("header.w-slim-header")
    assert slim is not None, "no Wagtail header"
    crumbs = [" ".join(li.get_text(" ").split()).replace(" :", ":") for li in slim.select("nav ol > li")]
    return " ".join(slim.select_one("h1").get_text().split()), crumbs


def test_every_screen_of_ours_is_headed_by_its_own_title(client, admin_user):
    quiz = make_quiz()
    person = UserFactory(full_name="Phạm Thị Lan")
    client.force_login(admin_user)
    screens = {  # url: (the header's title, the last breadcrumb)
        "/admin/roles/": ("Vai trò và phạm vi", "Vai trò và phạm vi"),
        "/admin/audit-log/": ("Nhật ký kiểm toán", "Nhật ký kiểm toán"),
        "/admin/quizzes/gift/": ("Nhập/xuất câu hỏi GIFT", "Nhập/xuất câu hỏi GIFT"),
        "/admin/quizzes/grading/": ("Chấm bài tự luận", "Chấm bài tự luận"),
        f"/admin/quizzes/{quiz.pk}/report/": (f"Báo cáo: {quiz.title}", f"Báo cáo: {quiz.title}"),
        f"/admin/people/{person.pk}/name/": (f"Sửa họ tên: {person.email}", f"Sửa họ tên: {person.email}"),
        "/admin/certificates/failed/": ("Chứng chỉ bị lỗi", "Chứng chỉ bị lỗi"),
        "/admin/certificates/regenerate/": ("Tạo lại chứng chỉ", "Tạo lại chứng chỉ"),
        reverse("lms_org_units"): ("Đơn vị", "Đơn vị"),
    }
    for url, (title, last) in screens.items():
        h1, crumbs = header(client.get(url))
        assert h1 == title, url
        assert crumbs[0] == "Trang Chủ" and crumbs[-1] == last, (url, crumbs)


def test_a_screen_below_another_leads_back_up(client, admin_user):
    quiz = make_quiz()
    person = UserFactory(full_name="Phạm Thị Lan")
    client.force_login(admin_user)
    _h1, crumbs = header(client.get(f"/admin/quizzes/{quiz.pk}/report/"))
    assert crumbs == ["Trang Chủ", quiz.get_parent().title, quiz.title, f"Báo cáo: {quiz.title}"]
    _h1, crumbs = header(client.get(f"/admin/people/{person.pk}/name/"))
    assert crumbs == ["Trang Chủ", "Người dùng", "Phạm Thị Lan", f"Sửa họ tên: {person.email}"]
