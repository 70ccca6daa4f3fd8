"""Editors preview a draft lesson or quiz in the admin before publishing it (issue 14: the preview
panel said "Đã có lỗi xảy ra" for every lesson and quiz)."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text, streamfield

from cms.services import site_home_ensure
from courses.models import ModulePage
from lms.accounts.services import editors_group
from tests.factories import QUESTION_SPECS, UserFactory, course_lessons, make_course, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    site_home_ensure()  # the page tree's root, where the Editors group's page rights start
    user = UserFactory()
    user.groups.add(editors_group())
    client.force_login(user)
    return user


def preview(client, page, **changes) -> str:
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    data = querydict_from_html(html, form_id="page-edit-form")
    # the body's StreamField is drawn by JavaScript: post it as the editor's browser would
    body = streamfield([("paragraph", rich_text("<p>Nội dung bản nháp.</p>"))])
    for name, value in {**nested_form_data({"body": body}), **changes}.items():
        data[name] = value
    path = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    answer = client.post(path, data=data)
    assert answer.status_code == 200 and answer.json() == {"is_valid": True, "is_available": True}
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_draft_lesson_previews_in_the_course(client, editor):
    course = make_course("Ký số từ xa", modules=1, lessons_per_module=2)
    lesson = course_lessons(course)[0]
    body = preview(client, lesson, title="Bản nháp: ký số bằng điện thoại")
    assert "Bản nháp: ký số bằng điện thoại" in body and "Nội dung bản nháp." in body
    assert "Ký số từ xa" in body  # the course's breadcrumb
    assert "Bài 1.2: Ký số từ xa" in body  # the next lesson
    lesson.refresh_from_db()
    assert lesson.title == "Bài 1.1: Ký số từ xa"  # nothing published


def test_a_draft_quiz_previews(client, editor):
    course = make_course("Dịch vụ công", modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=[QUESTION_SPECS["single"]])
    body = preview(client, quiz, title="Bài kiểm tra cuối khoá (nháp)")
    assert "Bài kiểm tra cuối khoá (nháp)" in body and "Dịch vụ công" in body


def test_a_draft_module_previews_with_its_lessons_instead_of_redirecting(client, editor):
    course = make_course("Ký số từ xa", modules=1, lessons_per_module=2)
    module = ModulePage.objects.child_of(course).get()
    body = preview(client, module, title="Chương 1 (nháp): chuẩn bị", summary="Tóm tắt bản nháp")
    assert "Chương 1 (nháp): chuẩn bị" in body and "Tóm tắt bản nháp" in body
    assert "Ký số từ xa" in body  # the course's breadcrumb
    assert "Bài 1.1: Ký số từ xa" in body and "Bài 1.2: Ký số từ xa" in body


def test_a_new_module_previews_before_it_is_saved(client, editor):
    course = make_course("Ký số từ xa", modules=1, lessons_per_module=1)
    path = reverse("wagtailadmin_pages:preview_on_add", args=["courses", "modulepage", course.pk])
    answer = client.post(path, data={"title": "Chương mới", "slug": "", "summary": ""})
    assert answer.json() == {"is_valid": True, "is_available": True}
    body = client.get(path).content.decode()
    assert "Chương mới" in body and "Ký số từ xa" in body
    assert "Chương này chưa có bài học nào được xuất bản." in body


def test_a_course_shows_published_prerequisites_at_once_and_a_draft_its_own_in_preview(client, editor):
    """The breadcrumb and prerequisites are kept with the published content; a publish shows at
    once, and an editor's preview shows the draft's prerequisites, never the kept ones."""
    basics = make_course("Tin học văn phòng cơ bản", modules=1, lessons_per_module=1)
    advanced = make_course("Chữ ký số nâng cao", modules=1, lessons_per_module=1)
    security = make_course("An toàn thông tin cho cán bộ", modules=1, lessons_per_module=1)
    for _ in range(2):
        assert "Cần hoàn thành trước" not in client.get(advanced.url).content.decode()
    advanced.prerequisites.add(basics)
    advanced.save_revision().publish()
    page = client.get(advanced.url).content.decode()
    assert "Cần hoàn thành trước" in page and "Tin học văn phòng cơ bản" in page
    assert 'class="breadcrumbs"' in page
    body = preview(client, advanced, prerequisites=str(security.pk))
    needed = body.split("Cần hoàn thành trước", 1)[1].split("</p>", 1)[0]
    assert "An toàn thông tin cho cán bộ" in needed and "Tin học văn phòng cơ bản" not in needed
