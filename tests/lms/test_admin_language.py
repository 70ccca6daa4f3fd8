"""The admin reads in Vietnamese: the main screens, rendered for an administrator whose language is
Vietnamese, show no message of Wagtail's (or taggit's) English catalogues (issue 14; the same check as
the editor's browser journey, tests/browser/admin_language.py)."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import RequestFactory
from PIL import Image as PILImage
from wagtail.admin.menu import SubmenuMenuItem, admin_menu
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Site, Workflow
from wagtail.models import Task as WorkflowTaskModel

from cms.models import ContentPage
from courses.models import CourseIndexPage, CoursePage, LearningPathPage, LessonPage, ModulePage
from lms.accounts.services import editors_group
from quizzes.models import Question, QuestionCategory, QuizPage
from tests.browser.admin_language import catalogue_messages, english_in_text, english_report, visible_text
from tests.factories import UserFactory, make_course, make_quiz

pytestmark = pytest.mark.django_db


def menu_urls(user) -> list[str]:
    """Every admin screen the menu (with its submenus: reports, settings) leads ``user`` to."""
    request = RequestFactory().get("/admin/")
    request.user = user
    urls, items = [], list(admin_menu.menu_items_for_request(request))
    while items:
        item = items.pop(0)
        if isinstance(item, SubmenuMenuItem):
            items += item.menu.menu_items_for_request(request)
        elif item.url.startswith("/admin/"):
            urls.append(item.url)
    return urls


def a_png(title: str):
    data = io.BytesIO()
    PILImage.new("RGB", (40, 30), "teal").save(data, "PNG")
    return get_image_model().objects.create(title=title, file=ImageFile(data, name="anh.png"))


@pytest.fixture
def admin_screens(admin_user) -> list[str]:
    """The main admin screens: the menu's, then explorer, search, the page editor for every page
    type of ours (edit and create), image, document, snippet, user, group and workflow forms."""
    quiz = make_quiz(course=make_course(modules=1, lessons_per_module=1))
    module = quiz.get_parent().specific
    course = module.get_parent().specific
    index = course.get_parent().specific
    home = index.get_parent().specific
    lesson = LessonPage.objects.child_of(module).exclude(pk=quiz.pk).first()
    path = index.add_child(instance=LearningPathPage(title="Lộ trình chuyển đổi số", slug="lo-trinh"))
    content = home.add_child(instance=ContentPage(title="Giới thiệu", slug="gioi-thieu"))
    image = a_png("Ảnh bìa")
    document = get_document_model().objects.create(
        title="Hướng dẫn", file=ContentFile(b"%PDF-1.4 Huong dan", name="huong-dan.pdf")
    )
    editor = UserFactory(full_name="Trần Thị Biên Tập")
    editor.groups.add(editors_group())
    workflow = Workflow.objects.first()
    task = WorkflowTaskModel.objects.first()
    question = Question.objects.first()
    category = QuestionCategory.objects.first()
    site = Site.objects.get(is_default_site=True)
    pages = {
        home: None,
        content: home,
        index: home,
        course: index,
        module: course,
        lesson: module,
        quiz: module,
        path: index,
    }
    screens = menu_urls(admin_user)
    screens += [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{home.pk}/",
        f"/admin/pages/{module.pk}/",
        "/admin/pages/search/?q=bài",
        f"/admin/pages/{module.pk}/add_subpage/",
    ]
    for page, parent in pages.items():
        screens.append(f"/admin/pages/{page.pk}/edit/")
        if parent is not None and page.specific_class.can_create_at(parent):
            model = page.specific_class._meta
            screens.append(f"/admin/pages/add/{model.app_label}/{model.model_name}/{parent.pk}/")
    screens += [
        f"/admin/pages/{lesson.pk}/history/",
        f"/admin/pages/{lesson.pk}/move/",
        f"/admin/pages/{lesson.pk}/copy/",
        f"/admin/pages/{lesson.pk}/delete/",
        f"/admin/pages/{lesson.pk}/unpublish/",
        f"/admin/images/{image.pk}/",
        "/admin/images/multiple/add/",
        f"/admin/documents/edit/{document.pk}/",
        "/admin/documents/multiple/add/",
        f"/admin/snippets/quizzes/question/edit/{question.pk}/",
        "/admin/snippets/quizzes/question/add/",
        f"/admin/snippets/quizzes/questioncategory/edit/{category.pk}/",
        "/admin/snippets/certificates/certificatetemplate/add/",
        "/admin/users/new/",
        f"/admin/users/edit/{editor.pk}/",
        f"/admin/groups/edit/{editors_group().pk}/",
        "/admin/groups/new/",
        f"/admin/workflows/edit/{workflow.pk}/",
        "/admin/workflows/add/",
        f"/admin/workflows/tasks/edit/{task.pk}/",
        f"/admin/settings/cms/sitesettings/{site.pk}/",
        f"/admin/sites/edit/{site.pk}/",
        "/admin/account/",
    ]
    assert {CourseIndexPage, CoursePage, ModulePage, LessonPage, QuizPage, LearningPathPage} <= {
        type(page) for page in pages
    }
    return list(dict.fromkeys(screens))


def english_on_screens(client, screens) -> dict[str, list[str]]:
    found = {}
    for url in screens:
        response = client.get(url, follow=True)
        # Only the site settings' menu item redirects (to this site's settings): no screen may be missed.
        assert response.status_code == 200, url
        assert all(target.startswith(url.split("?")[0]) for target, _status in response.redirect_chain), url
        found[url] = english_in_text(visible_text(response.content))
    return found


def test_the_main_admin_screens_show_no_english_from_wagtails_catalogues(client, admin_user, admin_screens):
    admin_user.language = "vi"
    admin_user.save()
    client.force_login(admin_user)
    assert '<html lang="vi"' in client.get("/admin/").content.decode()
    assert len(admin_screens) >= 50
    found = english_on_screens(client, admin_screens)
    assert not any(found.values()), english_report(found)


def test_the_check_finds_english_where_there_is_some(client, admin_user):
    """The same screen in English is full of the catalogues' messages: the check can fail.

    After the Vietnamese screens, on purpose: a screen rendered in English earlier in the process leaves
    some of Wagtail's texts in English for everyone — ``wagtail.snippets.widgets.AdminSnippetChooser``
    formats its lazy "Choose another %(object)s" when the cached form class is built, in the language of
    that first request (the question's category chooser)."""
    admin_user.language = "en"
    admin_user.save()
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert '<html lang="en"' in response.content.decode()
    found = english_in_text(visible_text(response.content))
    assert len(found) >= 5, found
    assert len(catalogue_messages()) > 800
    assert english_in_text("Tôi đã Save draft rồi") == ["Save draft"]
    assert [m.casefold() for m in english_in_text("SAVE DRAFT")] == ["save draft"]  # CSS upper case
    assert english_in_text("Unsave drafts") == []  # whole words only
    assert english_in_text("Lưu bản nháp") == []
