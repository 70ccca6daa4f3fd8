"""An editor builds and publishes a course entirely in the Wagtail admin."""

import pytest
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.models import CoursePage, LessonPage, ModulePage
from lms.accounts.services import editors_group
from tests.factories import UserFactory, make_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    make_catalogue()
    editor = UserFactory(email="bientap@example.vn")
    editor.groups.add(editors_group())
    client.force_login(editor)
    return client


def add_page(client, model: str, parent, data: dict):
    response = client.post(f"/admin/pages/add/courses/{model}/{parent.pk}/", {**data, "action-publish": "publish"})
    if response.status_code != 302:
        form = response.context["form"]
        raise AssertionError(form.errors.as_data() or form.formsets)
    assert "/admin/pages/" in response["Location"], response["Location"]


def test_editor_creates_previews_and_publishes_a_course_with_a_module_and_two_lessons(editor_client):
    index = make_catalogue()
    add_page(
        editor_client,
        "coursepage",
        index,
        nested_form_data(
            {
                "title": "Đồng Tháp số: dịch vụ công",
                "slug": "",
                "summary": "Khoá học thử của biên tập viên.",
                "objectives": rich_text("<ul><li>Nộp hồ sơ trực tuyến</li></ul>"),
                "topic": "online_public_services",
                "audience": "citizens",
                "level": "basic",
                "estimated_minutes": "45",
                "is_public": "on",
                "open_preview": "on",
            }
        ),
    )
    course = CoursePage.objects.get(title="Đồng Tháp số: dịch vụ công")
    assert course.live and course.slug == "dong-thap-so-dich-vu-cong"
    add_page(editor_client, "modulepage", course, {"title": "Chương 1", "slug": "", "summary": "Mở đầu"})
    module = ModulePage.objects.get(title="Chương 1")
    for number in (1, 2):
        add_page(
            editor_client,
            "lessonpage",
            module,
            nested_form_data(
                {
                    "title": f"Bài {number}: Đăng nhập bằng VNeID",
                    "slug": f"bai-{number}",
                    "summary": "Tóm tắt",
                    "estimated_minutes": "10",
                    "is_required": "on",
                    "body": streamfield(
                        [
                            ("paragraph", rich_text(f"<p>Nội dung bài {number}.</p>")),
                            ("checklist", {"title": "Chuẩn bị", "items": streamfield([("item", "Điện thoại")])}),
                        ]
                    ),
                }
            ),
        )
    lessons = LessonPage.objects.live().descendant_of(course)
    assert lessons.count() == 2
    preview = editor_client.post(
        f"/admin/pages/{lessons.first().pk}/edit/preview/",
        nested_form_data(
            {
                "title": "Bài 1: Đăng nhập bằng VNeID",
                "slug": "bai-1",
                "summary": "Tóm tắt",
                "estimated_minutes": "10",
                "is_required": "on",
                "body": streamfield([("paragraph", rich_text("<p>Bản xem trước.</p>"))]),
            }
        ),
    )
    assert preview.status_code == 200 and preview.json()["is_valid"]
    editor_client.logout()
    body = editor_client.get(lessons.first().url).content.decode()
    assert "Nội dung bài 1." in body


def test_every_field_has_help_or_a_clear_label():
    for model in (CoursePage, LessonPage):
        own = [f for f in model._meta.get_fields() if getattr(f, "model", None) is model and f.editable]
        assert own
        for field in own:
            assert field.verbose_name, field.name
