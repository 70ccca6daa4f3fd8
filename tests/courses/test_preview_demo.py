"""Every demo page previews in the admin as an editor sees it (issue 14: previews failed for every
lesson and quiz, and a module's preview had no template)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import Page, Site

from cms.models import ContentPage
from lms.accounts.services import editors_group
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_site():
    """The demo, plus a content page (the demo has none)."""
    call_command("seed_demo", stdout=io.StringIO())
    home = Site.objects.get(is_default_site=True).root_page
    home.add_child(instance=ContentPage(title="Giới thiệu Học Số", slug="gioi-thieu", summary="Về nền tảng."))


def demo_pages():
    root = Site.objects.get(is_default_site=True).root_page
    return [page.specific for page in Page.objects.descendant_of(root, inclusive=True).order_by("path")]


def test_every_demo_page_previews_for_an_editor(client, demo_site):
    editor = UserFactory(email="bientap.xemtruoc@example.vn")
    editor.groups.add(editors_group())
    client.force_login(editor)
    pages = demo_pages()
    kinds = {type(page).__name__ for page in pages}
    assert {"HomePage", "ContentPage", "CourseIndexPage", "CoursePage", "ModulePage", "LessonPage"} <= kinds
    assert {"QuizPage", "LearningPathPage"} <= kinds
    failures = []
    for page in pages:
        # Wagtail's "view draft": page.make_preview_request with the editor's request → serve_preview
        response = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
        html = response.content.decode()
        if response.status_code != 200 or escape(page.title) not in html:
            failures.append((type(page).__name__, page.title, response.status_code))
    assert not failures
