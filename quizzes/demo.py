"""Demo quizzes: each demo course ends with its final quiz from courses/demo/course_<id>.json."""

from __future__ import annotations

from django.db import transaction
from django.utils.datastructures import MultiValueDict

from courses.demo import demo_course_files, demo_slug
from courses.models import CoursePage, ModulePage
from courses.selectors import course_outline
from courses.services import enrollment_create, lesson_complete
from lms.accounts.models import User
from lms.text import slugify_vi

from .models import Attempt, AttemptState, QuestionCategory, QuestionVersion, QuizPage, QuizSlot
from .services import attempt_save_page, attempt_start, attempt_submit, question_create

# learner e-mail, demo course id, lessons done ("all" completes the course, its final quiz included)
DEMO_PROGRESS = [
    ("hocvien@hocso.local", 1, 2),
    ("hocvien@hocso.local", 3, "all"),
    ("nguoidan@hocso.local", 5, 1),
    ("nguoidan@hocso.local", 4, 3),
    ("dieuphoi.xa@hocso.local", 6, "all"),
]


@transaction.atomic
def demo_quizzes_load() -> list[QuizPage]:
    """Idempotent: a course that already has a quiz is left alone."""
    quizzes = []
    for data in demo_course_files():
        course = CoursePage.objects.filter(slug=data["slug"]).first()
        quiz_data = data.get("final_quiz")
        if course is None or not quiz_data:
            continue
        existing = QuizPage.objects.descendant_of(course).first()
        if existing is not None:
            quizzes.append(existing)
            continue
        category, _created = QuestionCategory.objects.get_or_create(
            parent=None, name=f"Khoá {data['id']}: {data['title']}"[:200]
        )
        questions = [question_create(category=category, spec=spec) for spec in quiz_data["questions"]]
        module = ModulePage.objects.child_of(course).order_by("-path").first()
        quiz = QuizPage(
            title=quiz_data.get("title", "Bài kiểm tra cuối khoá"),
            slug=slugify_vi(quiz_data.get("title", "bai-kiem-tra-cuoi-khoa")),
            summary="Kiểm tra kiến thức của cả khoá học. Đạt bài này để hoàn thành khoá học.",
            body=[{"type": "paragraph", "value": "<p>Đọc kỹ từng câu hỏi. Bạn có thể làm lại nếu chưa đạt.</p>"}],
            pass_mark_pct=quiz_data.get("pass_mark", 70),
            max_attempts=3,
            time_limit_minutes=20,
            questions_per_page=4,
            shuffle_answers=True,
        )
        quiz.slots = [QuizSlot(question=question, sort_order=i) for i, question in enumerate(questions)]
        module.add_child(instance=quiz)
        quiz.save_revision().publish()
        quizzes.append(quiz)
    return quizzes


def demo_attempt_pass(*, user, quiz: QuizPage) -> Attempt:
    """Take ``quiz`` as ``user`` answering every question correctly (demo learners)."""
    attempt = attempt_start(user=user, quiz=quiz)
    versions = {
        v.pk: v.payload for v in QuestionVersion.objects.filter(pk__in=[e["version_id"] for e in attempt.slots])
    }
    last_page = len(attempt.layout["pages"]) - 1
    data = MultiValueDict()
    for page in attempt.layout["pages"]:
        for entry in page:
            for key, values in correct_form_values(versions[entry["version_id"]], entry).items():
                data.setlist(key, values)
    # Every page's answers are read from one form: save page by page, then submit.
    for page_index in range(last_page):
        attempt = attempt_save_page(
            attempt_id=attempt.pk, user=user, page=page_index, sequence=attempt.sequence, data=data
        )
    attempt = attempt_submit(attempt_id=attempt.pk, user=user, sequence=attempt.sequence, page=last_page, data=data)
    if attempt.state != AttemptState.GRADED:  # a demo quiz that needs manual grading would stop here
        raise RuntimeError(f"Demo attempt {attempt.pk} on {attempt.quiz} is {attempt.state}, not graded.")
    return attempt


@transaction.atomic
def demo_learning_progress_load() -> None:
    """Demo learners at different stages, quizzes passed where a course is complete.
    Idempotent: the services ignore repeats and a passed quiz is not taken again."""
    for email, course_number, lessons_done in DEMO_PROGRESS:
        user = User.objects.filter(email=email).first()
        course = CoursePage.objects.filter(slug=demo_slug(course_number)).first()
        if user is None or course is None:
            continue
        enrollment_create(user=user, course=course)
        outline = course_outline(course)
        count = len(outline.lessons) if lessons_done == "all" else lessons_done
        for lesson in outline.lessons[:count]:
            if lesson.pk not in outline.required_ids:
                continue  # optional practice (the signature lab): demo learners did the required lessons
            if lesson.specific_class is QuizPage:
                quiz = QuizPage.objects.get(pk=lesson.pk)
                if not Attempt.objects.filter(user=user, quiz=quiz, passed=True).exists():
                    demo_attempt_pass(user=user, quiz=quiz)
                continue
            lesson_complete(user=user, lesson=lesson)


def correct_form_values(payload: dict, entry: dict) -> dict[str, list[str]]:
    """The form values (display positions) that answer one question fully right (demo learners)."""
    prefix = f"q{entry['slot']}"
    kind = payload["type"]
    if kind == "single":
        right = max(range(len(payload["options"])), key=lambda i: payload["options"][i]["fraction"])
        return {prefix: [str(entry["order"].index(right))]}
    if kind == "multiple":
        return {prefix: [str(entry["order"].index(i)) for i, o in enumerate(payload["options"]) if o["fraction"] > 0]}
    if kind == "true_false":
        return {prefix: ["true" if payload["answer"] else "false"]}
    if kind == "short_answer":
        best = max(payload["answers"], key=lambda answer: answer["fraction"])
        return {prefix: [best["text"].replace("*", "")]}
    if kind == "numeric":
        best = max(payload["answers"], key=lambda answer: answer["fraction"])
        value = best["value"] if best["kind"] == "exact" else (best["min"] + best["max"]) / 2
        return {prefix: [f"{value:g}"]}
    if kind == "matching":
        lefts = [i for i, pair in enumerate(payload["pairs"]) if pair["left"]]
        return {f"{prefix}_{shown}": [str(entry["order"].index(left))] for shown, left in enumerate(lefts)}
    if kind == "ordering":
        return {f"{prefix}_{shown}": [str(item + 1)] for shown, item in enumerate(entry["order"])}
    if kind == "essay":
        return {prefix: ["Bài viết minh hoạ của người học."]}
    return {}
