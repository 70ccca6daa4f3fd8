"""The seven demo courses load with full lessons and every demo page renders."""

import io
import json
import unicodedata

import pytest
from django.core.management import call_command
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from courses.demo import DEMO_DIR, demo_course_files
from courses.models import CoursePage, LearningPathPage, LessonPage
from lms.text import tone_marks_on_main_vowel
from quizzes.models import QuizPage

MIN_PARAGRAPHS = 3


def test_seven_demo_course_files_follow_the_schema():
    files = demo_course_files()
    assert [data["id"] for data in files] == [1, 2, 3, 4, 5, 6, 7]
    outlines_file = DEMO_DIR.parents[2] / "shared" / "courses.json"  # ../shared beside the checkout
    outlines = {}
    if outlines_file.exists():
        outlines = {course["id"]: course for course in json.loads(outlines_file.read_text())["courses"]}
    for data in files:
        every_lesson = [lesson for module in data["modules"] for lesson in module["lessons"]]
        # A practice lesson of the signature lab is an extra beside the outline's five.
        practice = [lesson for lesson in every_lesson if is_signature_lab(lesson)]
        lessons = [lesson for lesson in every_lesson if not is_signature_lab(lesson)]
        assert len(lessons) == 5, data["title"]
        assert bool(practice) == (data["topic"] == "digital_signature"), data["title"]
        for lesson in practice:
            activities = [block["value"]["activity"] for block in lesson["body"] if block["type"] == "signature_lab"]
            assert sorted(activities) == ["check", "countersign", "sign"] and lesson["required"] is False
        if outlines:
            # the outlines' titles in the glossary's spelling (docs/glossary.md: "khóa" → "khoá")
            expected = [tone_marks_on_main_vowel(outline["title"]) for outline in outlines[data["id"]]["lessons"]]
            assert [lesson["title"] for lesson in lessons] == expected
        for lesson in lessons:
            kinds = [block["type"] for block in lesson["body"]]
            assert kinds.count("paragraph") >= MIN_PARAGRAPHS, lesson["title"]
            assert "steps" in kinds or "checklist" in kinds, lesson["title"]
            assert kinds.count("illustration") == 1, lesson["title"]
        assert len(data["final_quiz"]["questions"]) >= 8
        assert unicodedata.is_normalized("NFC", json.dumps(data, ensure_ascii=False))


def is_signature_lab(lesson) -> bool:
    return any(block["type"] == "signature_lab" for block in lesson["body"])


@pytest.mark.django_db
class TestDemoPagesRender(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=io.StringIO())

    def test_seven_courses_with_full_lessons_and_the_basic_path(self):
        self.assertEqual(CoursePage.objects.live().count(), 7)
        self.assertEqual(LessonPage.objects.live().not_type(QuizPage).count(), 36)  # 35 + the signature lab
        lab = LessonPage.objects.get(title="Thực hành: ký, kiểm tra và ký nối tiếp văn bản")
        self.assertFalse(lab.is_required)
        self.assertEqual(
            [b.value["activity"] for b in lab.body if b.block_type == "signature_lab"], ["sign", "check", "countersign"]
        )
        quizzes = QuizPage.objects.live()
        self.assertEqual(quizzes.count(), 7)
        for quiz in quizzes:
            kinds = {slot.question.qtype for slot in quiz.slots.select_related("question")}
            self.assertGreaterEqual(quiz.slots.count(), 8)
            self.assertGreaterEqual(len(kinds), 4)
        path = LearningPathPage.objects.get(title="Phổ cập kỹ năng số cơ bản")
        self.assertEqual(path.path_courses.count(), 3)
        self.assertTrue(CoursePage.objects.filter(title__contains="Chữ ký số", open_preview=True).exists())
        self.assertTrue(CoursePage.objects.filter(sequential=True).exists())

    def test_every_demo_page_renders(self):
        from lms.accounts.models import User

        editor = User.objects.get(email="bientap@hocso.local")
        for page in Page.objects.live().specific().filter(depth__gt=1):
            if page.specific_class.__name__ == "ModulePage":
                continue  # a module redirects to its course
            with self.subTest(page=page.title):
                self.assertPageIsRenderable(page, user=editor)
