"""Acceptance 1 of issue 14: an editor (the editors group, not a superuser) builds a course in the
Wagtail admin of a real browser — the course, a module, two lessons and a quiz — previews each (the
preview panel shows the learner's page, not "Đã có lỗi xảy ra"), publishes, and a learner sees the
course and its lesson on the site. Autosave creates nothing while a page is being created, and every
admin screen visited shows no English message of Wagtail's catalogues (tests/browser/admin_language.py)."""

import re

import pytest
from playwright.sync_api import expect
from wagtail.models import Page

from cms.services import site_home_ensure
from courses.models import CoursePage, LessonPage, ModulePage
from lms.accounts.services import editors_group
from quizzes.models import QuestionCategory, QuizPage
from quizzes.services import question_create
from tests.browser.admin_language import english_in_text, english_report, page_text
from tests.factories import QUESTION_SPECS, UserFactory, make_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.embedded]
PASSWORD = "Hoc-so-an-toan-2026"
COURSE = "Họp trực tuyến an toàn"
MODULE = "Chuẩn bị cuộc họp"
LESSONS = {
    "Chọn phòng họp trực tuyến": "Chỉ dùng phòng họp do cơ quan cấp.",
    "Mật khẩu phòng họp": "Đặt mật khẩu riêng.",
}
QUIZ = "Kiểm tra họp trực tuyến"
QUESTION = "Mật khẩu phòng họp gửi qua đâu?"
ERROR = "Đã có lỗi xảy ra"
WATCH_DELAY_MS = 2_500  # Wagtail starts watching a form for changes 2 s after it loads
AUTOSAVE_WAIT_MS = 1_500  # Wagtail's autosave posts 500 ms after a change


def field(scope, name):
    return scope.locator(f":is(input, select, textarea)[name='{name}']")


def rich_text(page, name, text):
    editor = page.locator(f"[data-contentpath={name}] [role=textbox]").first
    editor.click()
    editor.press_sequentially(text)
    expect(field(page, name)).to_have_value(re.compile(re.escape(text)))


def paragraph(page, text):
    page.locator("#body-root .c-sf-add-button").first.click()
    page.get_by_role("option", name="Đoạn văn").click()
    page.locator("[data-contentpath=body] [role=textbox]").first.press_sequentially(text)
    expect(field(page, "body-0-value")).to_have_value(re.compile(re.escape(text)))


class Editor:
    """The editor's browser, which reads every admin screen it opens for English."""

    def __init__(self, page, base):
        self.page, self.base = page, base
        self.english: dict[str, list[str]] = {}

    def check_language(self):
        url = self.page.url.removeprefix(self.base)
        self.english[url] = sorted(set(self.english.get(url, [])) | set(english_in_text(page_text(self.page))))

    def goto(self, path):
        self.page.goto(self.base + path)
        self.check_language()

    def create(self, model, parent, title, fill):
        """Fill the "add page" form, see that autosave created nothing, save a draft; → the page."""
        meta = model._meta
        self.goto(f"/admin/pages/add/{meta.app_label}/{meta.model_name}/{parent.pk}/")
        self.page.wait_for_timeout(WATCH_DELAY_MS)
        field(self.page, "title").fill(title)
        fill(self.page)
        self.page.wait_for_timeout(AUTOSAVE_WAIT_MS)
        assert not Page.objects.filter(title=title).exists(), "autosave created the page"
        self.check_language()  # the form filled in: blocks, choosers, the unsaved-changes warning
        self.page.locator("footer button.action-save").click()
        self.page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
        self.check_language()
        created = model.objects.get(title=title)
        assert not created.live
        return created

    def preview(self, expected_text):
        """Open the preview panel: the learner's page of the draft, no error."""
        self.page.locator("[data-side-panel-toggle=preview]").click()
        frame = self.page.frame_locator("#w-preview-iframe")
        expect(frame.locator("body")).to_contain_text(expected_text, timeout=20_000)
        assert ERROR not in frame.locator("body").inner_text()
        self.check_language()
        self.page.locator("[data-side-panel-toggle=preview]").click()  # close it again

    def publish(self, page_model):
        self.page.locator("footer .w-dropdown--dropdown-button .w-dropdown__toggle").click()
        self.page.locator("button[name=action-publish]").click()
        self.page.wait_for_url(re.compile(r"/admin/pages/\d+/$"))
        self.check_language()
        published = type(page_model).objects.get(pk=page_model.pk)
        assert published.live and not published.has_unpublished_changes
        return published


def login(page, base, email, *, admin):
    page.goto(base + ("/admin/" if admin else "/accounts/login/"))
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/admin/$" if admin else r"/$"))


@pytest.mark.django_db(transaction=True)
def test_an_editor_builds_previews_and_publishes_a_course_that_a_learner_then_sees(chromium, live_server):
    site_home_ensure()
    catalogue = make_catalogue()
    category = QuestionCategory.objects.create(name="Họp trực tuyến")
    question_create(category=category, spec={**QUESTION_SPECS["single"], "name": QUESTION, "text": QUESTION})
    editor = UserFactory(email="bientap@example.vn", full_name="Trần Thị Biên Tập", password=PASSWORD)
    editor.groups.add(editors_group())
    assert not editor.is_superuser and not editor.is_staff
    learner = UserFactory(email="hocvien@example.vn", full_name="Lê Văn Học", password=PASSWORD)
    base = live_server.url

    context = chromium.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, base, editor.email, admin=True)
        admin = Editor(page, base)
        admin.check_language()  # the dashboard
        admin.goto(f"/admin/pages/{catalogue.pk}/")

        def course_fields(p):
            field(p, "summary").fill("Tổ chức và tham dự họp trực tuyến an toàn.")
            rich_text(p, "objectives", "Đặt mật khẩu phòng họp")
            field(p, "topic").select_option(index=1)
            field(p, "audience").select_option(index=1)

        course = admin.create(CoursePage, catalogue, COURSE, course_fields)
        assert course.slug == "hop-truc-tuyen-an-toan"
        admin.preview(COURSE)
        course = admin.publish(course)

        module = admin.create(ModulePage, course, MODULE, lambda p: field(p, "summary").fill("Trước giờ họp."))
        admin.preview(MODULE)
        module = admin.publish(module)

        lessons = []
        for title, text in LESSONS.items():
            lesson = admin.create(LessonPage, module, title, lambda p, text=text: paragraph(p, text))
            admin.preview(text)
            lessons.append(admin.publish(lesson))

        def quiz_fields(p):
            paragraph(p, "Làm bài sau khi học xong chương.")
            p.locator("#id_slots-0-question-chooser [data-chooser-action-choose]").click()
            modal = p.locator(".modal-content")
            admin.check_language()  # the question chooser
            modal.get_by_role("link", name=QUESTION, exact=True).click()
            modal.wait_for(state="hidden")

        quiz = admin.create(QuizPage, module, QUIZ, quiz_fields)
        admin.preview(QUIZ)
        quiz = admin.publish(quiz)
        assert [s.question.name for s in quiz.slots.all()] == [QUESTION]
        admin.goto(f"/admin/pages/{module.pk}/")  # the module's listing: two lessons and the quiz
        for title in [*LESSONS, QUIZ]:
            expect(page.locator("main")).to_contain_text(title)
    finally:
        context.close()

    # The learner finds the course in the catalogue, enrols and reads the first lesson.
    context = chromium.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, base, learner.email, admin=False)
        page.goto(base + catalogue.url)
        page.get_by_role("link", name=COURSE).first.click()
        page.wait_for_url(base + course.url)
        for title in [*LESSONS, QUIZ]:
            expect(page.locator("main")).to_contain_text(title)
        page.get_by_role("button", name="Ghi danh khoá học").click()  # → the first lesson
        page.wait_for_url(base + lessons[0].url)
        expect(page.locator("main")).to_contain_text(LESSONS[lessons[0].title])
    finally:
        context.close()

    assert not any(admin.english.values()), english_report(admin.english)
