"""A learner takes a timed quiz in a real browser: reload and resume, submit, review, retry."""

import re

import pytest

from cms.services import site_home_ensure
from courses.models import Enrollment
from courses.services import enrollment_create, lesson_complete
from quizzes.models import Attempt, QuestionCategory, ReviewItem
from quizzes.services import question_create
from tests.factories import QUESTION_SPECS, UserFactory, course_lessons, make_catalogue, make_course, make_quiz

pytestmark = [pytest.mark.browser, pytest.mark.embedded]
PASSWORD = "Hoc-so-an-toan-2026"


def login(page, base, email):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base + "/")


def submit(page, lands_on=r"/review/"):
    """Finish the attempt: the summary page, then the confirmed final submit."""
    page.get_by_role("button", name="Kết thúc bài làm…").click()
    page.wait_for_url(re.compile(r"/summary/"))
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Nộp bài và kết thúc").click()
    page.wait_for_url(re.compile(lands_on))


@pytest.mark.django_db(transaction=True)
def test_timed_quiz_resume_submit_review_retry_and_course_completion(page, live_server):
    site_home_ensure()
    course = make_course("Chữ ký số", index=make_catalogue(), modules=1, lessons_per_module=1)
    bank = QuestionCategory.objects.create(name="Ngân hàng Đúng/Sai")
    for n in range(4):
        question_create(category=bank, spec={**QUESTION_SPECS["true_false"], "text": f"Mệnh đề số {n} là sai?"})
    quiz = make_quiz(
        course=course,
        questions=[QUESTION_SPECS["single"]],
        random_from=(bank, 2),
        questions_per_page=1,
        time_limit_minutes=15,
        review_options={item: ["immediately", "open", "done", "closed"] for item in ReviewItem.values},
        pass_mark_pct=100,
    )
    user = UserFactory(email="hocvien.quiz@example.vn", password=PASSWORD)
    enrollment_create(user=user, course=course)
    lesson_complete(user=user, lesson=course_lessons(course)[0])
    base = live_server.url
    login(page, base, user.email)

    page.goto(base + quiz.url)
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_url(re.compile(r"/quiz/attempt/\d+/"))
    assert page.get_by_role("timer").is_visible()
    page.get_by_label("30–35 mm").check()
    page.get_by_role("button", name="Lưu và sang trang sau").click()
    page.wait_for_url(re.compile(r"page=1"))

    page.reload()  # a lost connection: the attempt resumes where it was, answers kept
    page.goto(base + quiz.url)
    page.get_by_role("link", name="Tiếp tục làm bài").click()
    page.goto(page.url.split("?")[0] + "?page=0")
    assert page.get_by_label("30–35 mm").is_checked()
    page.goto(page.url.split("?")[0] + "?page=1")
    page.get_by_label("Đúng", exact=True).check()  # wrong on purpose: the statements are false
    page.get_by_role("button", name="Lưu và sang trang sau").click()
    page.get_by_label("Sai", exact=True).check()
    submit(page)
    body = page.content()
    assert "Chưa đạt" in body and "Đáp án đúng" in body
    first = Attempt.objects.get(user=user, number=1)
    assert Enrollment.objects.get(user=user).completed_at is None

    page.goto(base + quiz.url)
    page.get_by_role("button", name="Làm lại").click()
    page.wait_for_url(re.compile(r"/quiz/attempt/\d+/"))
    second = Attempt.objects.get(user=user, number=2)
    random_ids = lambda a: {e["question_id"] for e in a.slots if e["slot"] > 0}  # noqa: E731
    assert random_ids(first).isdisjoint(random_ids(second))
    page.get_by_label("30–35 mm").check()
    page.get_by_role("button", name="Lưu và sang trang sau").click()
    page.get_by_label("Sai", exact=True).check()
    page.get_by_role("button", name="Lưu và sang trang sau").click()
    page.get_by_label("Sai", exact=True).check()
    submit(page, lands_on=r"/learn/course/\d+/completed/$")  # the pass completes the course
    assert "Chúc mừng! Bạn đã hoàn thành khoá học" in page.content()
    assert Enrollment.objects.get(user=user).completed_at is not None
    page.goto(f"{base}/quiz/attempt/{second.pk}/review/")
    assert "Đạt" in page.content()
    page.screenshot(path="var/screenshots/quiz-review.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_three_right_options_all_chosen_are_reviewed_as_right_on_a_phone(chromium, live_server):
    """Each right option is worth 33.33333 %: choosing the three makes the whole mark, reviewed as
    "chính xác" (as in every demo course's final quiz), not "đúng một phần"."""
    site_home_ensure()
    course = make_course("Dịch vụ công trực tuyến", index=make_catalogue(), modules=1, lessons_per_module=1)
    three_right = {
        "type": "multiple",
        "text": "Những giấy tờ nào có thể tích hợp vào VNeID?",
        "options": [
            {"text": "Căn cước công dân", "correct": True},
            {"text": "Giấy phép lái xe", "correct": True},
            {"text": "Thẻ bảo hiểm y tế", "correct": True},
            {"text": "Sổ hộ khẩu giấy", "correct": False},
        ],
        "partial": True,
    }
    quiz = make_quiz(
        course=course,
        questions=[three_right],
        questions_per_page=1,
        review_options={item: ["immediately", "open", "done", "closed"] for item in ReviewItem.values},
    )
    user = UserFactory(email="hocvien.vneid@example.vn", password=PASSWORD)
    enrollment_create(user=user, course=course)
    lesson_complete(user=user, lesson=course_lessons(course)[0])
    context = chromium.new_context(locale="vi-VN", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    login(page, base, user.email)

    page.goto(base + quiz.url)
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_url(re.compile(r"/quiz/attempt/\d+/"))
    for option in ("Căn cước công dân", "Giấy phép lái xe", "Thẻ bảo hiểm y tế"):
        page.get_by_label(option).check()
    submit(page, lands_on=r"/learn/course/\d+/completed/$")  # the only other lesson is done: the course too
    attempt = Attempt.objects.get(user=user)
    page.goto(f"{base}/quiz/attempt/{attempt.pk}/review/")
    review = page.locator("main").inner_text()
    assert "chính xác" in review and "đúng một phần" not in review, review
    assert "Điểm: 100%" in review, review
    assert attempt.score_pct == 100 and attempt.answers.get().fraction == 1.0
    page.screenshot(path="var/screenshots/quiz-review-three-right-360.png", full_page=True)
    context.close()
