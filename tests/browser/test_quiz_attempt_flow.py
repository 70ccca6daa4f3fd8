"""The attempt flow in a real browser: the navigation panel, a flag, the summary with the unanswered
count, a dismissed and then an accepted confirmation; and the same pages at 360 px."""

import re

import pytest
from playwright.sync_api import expect

from cms.services import site_home_ensure
from courses.models import Enrollment, LessonProgress
from courses.services import enrollment_create, lesson_complete
from quizzes.models import Attempt, AttemptAnswer, AttemptState
from tests.browser.test_quiz_flow import PASSWORD, login
from tests.factories import QUESTION_SPECS, UserFactory, course_lessons, make_catalogue, make_course, make_quiz

pytestmark = [pytest.mark.browser, pytest.mark.embedded]
ESSAY = {"type": "essay", "text": "Trình bày các bước ký số một văn bản điện tử.", "min_words": 5}


def learner_with_quiz(questions, email):
    """A learner enrolled in a one-lesson course (lesson done) whose last module holds the quiz,
    one question per page in the given order."""
    site_home_ensure()
    course = make_course("Soạn thảo văn bản hành chính", index=make_catalogue(), modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=questions, questions_per_page=1, pass_mark_pct=100)
    user = UserFactory(email=email, password=PASSWORD)
    enrollment_create(user=user, course=course)
    lesson_complete(user=user, lesson=course_lessons(course)[0])
    return user, quiz


def start_attempt(page, base, quiz):
    page.goto(base + quiz.url)
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_url(re.compile(r"/quiz/attempt/\d+/"))


def panel(page):
    return page.get_by_role("navigation", name="Điều hướng câu hỏi")


def panel_labels(page) -> list[str]:
    return [button.get_attribute("aria-label") for button in panel(page).get_by_role("button").all()]


def no_horizontal_overflow(page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url}: the page is {scroll_width} px wide in a {width} px viewport"


@pytest.mark.django_db(transaction=True)
def test_panel_flag_summary_and_confirmed_submit(page, live_server):
    # Three pages of three types: single choice, matching, short answer.
    questions = [QUESTION_SPECS["single"], QUESTION_SPECS["matching"], QUESTION_SPECS["short_answer"]]
    user, quiz = learner_with_quiz(questions, "hocvien.dieuhuong@example.vn")
    base = live_server.url
    login(page, base, user.email)
    start_attempt(page, base, quiz)
    attempt = Attempt.objects.get(user=user, quiz=quiz)
    page_slots = [page_entries[0]["slot"] for page_entries in attempt.layout["pages"]]
    assert len(page_slots) == 3

    # The panel shows every question, none answered, the first one current.
    assert panel_labels(page) == ["Câu 1, chưa trả lời", "Câu 2, chưa trả lời", "Câu 3, chưa trả lời"]
    expect(panel(page).get_by_role("button", name="Câu 1", exact=False)).to_have_attribute("aria-current", "page")
    expect(panel(page)).to_contain_text("còn 3 câu chưa trả lời")

    # Question 1: answer it, then the next page.
    page.get_by_label("30–35 mm").check()
    page.get_by_role("button", name="Lưu và sang trang sau").click()
    page.wait_for_url(re.compile(r"page=1$"))
    assert panel_labels(page)[0] == "Câu 1, đã trả lời"
    expect(panel(page).get_by_role("button").nth(0)).to_have_class(re.compile(r"\bis-answered\b"))

    # Question 2: flag it without answering. The panel shows the flag at once (before any save)…
    question_2 = panel(page).get_by_role("button").nth(1)
    flag = page.get_by_label("Đánh dấu để xem lại")
    flag.check()
    flag.uncheck()  # changed their mind once: the panel follows both ways
    expect(question_2).to_have_attribute("aria-label", "Câu 2, chưa trả lời")
    expect(question_2).not_to_have_class(re.compile(r"\bis-flagged\b"))
    expect(question_2.locator("span")).to_have_count(0)
    flag.check()
    expect(question_2).to_have_class(re.compile(r"\bis-flagged\b"))
    expect(question_2).to_have_attribute("aria-label", "Câu 2, chưa trả lời, đã đánh dấu")
    expect(question_2.locator("span", has_text="⚑")).to_be_visible()

    # …and jumping with the panel to page 3 saves the flag, not an answer.
    panel(page).get_by_role("button", name="Câu 3, chưa trả lời").click()
    page.wait_for_url(re.compile(r"page=2$"))
    assert panel_labels(page) == ["Câu 1, đã trả lời", "Câu 2, chưa trả lời, đã đánh dấu", "Câu 3, chưa trả lời"]
    buttons = panel(page).get_by_role("button")
    expect(buttons.nth(0)).to_have_class(re.compile(r"\bis-answered\b"))
    expect(buttons.nth(1)).to_have_class(re.compile(r"\bis-flagged\b"))
    expect(buttons.nth(1)).not_to_have_class(re.compile(r"\bis-answered\b"))
    expect(buttons.nth(1).locator("span", has_text="⚑")).to_be_visible()
    expect(buttons.nth(2)).to_have_attribute("aria-current", "page")
    expect(buttons.nth(2)).not_to_have_class(re.compile(r"\bis-(answered|flagged)\b"))
    expect(panel(page)).to_contain_text("còn 2 câu chưa trả lời")
    flagged = AttemptAnswer.objects.get(attempt=attempt, slot=page_slots[1])
    assert flagged.flagged and flagged.response is None

    # The summary: two unanswered, question 2 flagged.
    page.get_by_role("button", name="Kết thúc bài làm…").click()
    page.wait_for_url(re.compile(r"/summary/$"))
    expect(page.get_by_role("alert")).to_contain_text("Bạn còn 2 câu chưa trả lời.")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Đã trả lời")
    expect(rows.nth(0)).not_to_contain_text("đã đánh dấu")
    expect(rows.nth(1)).to_contain_text("Chưa trả lời")
    expect(rows.nth(1)).to_contain_text("đã đánh dấu")
    expect(rows.nth(2)).to_contain_text("Chưa trả lời")
    expect(rows.nth(2)).not_to_contain_text("đã đánh dấu")

    # The final submit asks first; dismissing it submits nothing.
    submits = []
    page.on("request", lambda r: submits.append(r.url) if r.method == "POST" and "/summary/" in r.url else None)
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Nộp bài và kết thúc").click()
    expect(page.get_by_role("heading", name="Tóm tắt bài làm")).to_be_visible()
    assert dialogs == ["Còn 2 câu chưa trả lời. Bạn chắc chắn muốn nộp bài?"]
    assert re.search(r"/summary/$", page.url) and submits == []
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS and attempt.submitted_at is None

    # Back to question 2 from its summary row: still flagged; answer it, then question 3.
    rows.nth(1).get_by_role("link", name="Xem lại câu này").click()
    page.wait_for_url(re.compile(r"page=1#q\d+$"))
    assert page.get_by_label("Đánh dấu để xem lại").is_checked()
    page.get_by_label("TM.", exact=True).select_option(label="Thay mặt")
    page.get_by_label("KT.", exact=True).select_option(label="Ký thay")
    page.get_by_label("TL.", exact=True).select_option(label="Thừa lệnh")
    panel(page).get_by_role("button", name="Câu 3, chưa trả lời").click()
    page.wait_for_url(re.compile(r"page=2$"))
    assert panel_labels(page) == ["Câu 1, đã trả lời", "Câu 2, đã trả lời, đã đánh dấu", "Câu 3, chưa trả lời"]
    page.get_by_label("Câu trả lời").fill("VNeIDsentinel")
    page.get_by_role("button", name="Kết thúc bài làm…").click()
    page.wait_for_url(re.compile(r"/summary/$"))
    expect(page.locator("[data-unanswered]")).to_have_text("Bạn đã trả lời tất cả các câu.")

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.get_by_role("button", name="Nộp bài và kết thúc").click()
    page.wait_for_url(re.compile(r"/learn/course/\d+/completed/$"))  # the pass completes the course
    assert dialogs[1:] == ["Nộp bài và kết thúc?"]
    assert len(submits) == 1
    page.goto(f"{base}/quiz/attempt/{Attempt.objects.get(user=user, quiz=quiz).pk}/review/")
    expect(page.locator("[data-review=score]")).to_contain_text("Đạt")

    # Finished and graded exactly once: one attempt, graded at 100 %, every answer marked, the quiz
    # lesson (and so the one-lesson-plus-quiz course) completed.
    attempts = list(Attempt.objects.filter(user=user, quiz=quiz))
    assert len(attempts) == 1
    attempt = attempts[0]
    assert attempt.state == AttemptState.GRADED and attempt.passed
    assert attempt.score_pct == 100 and attempt.submitted_at and attempt.graded_at
    answers = AttemptAnswer.objects.filter(attempt=attempt).order_by("slot")
    assert [a.fraction for a in answers] == [1.0, 1.0, 1.0]
    enrollment = Enrollment.objects.get(user=user)
    assert LessonProgress.objects.get(enrollment=enrollment, lesson_id=quiz.pk).completed_at is not None
    assert enrollment.completed_at is not None
    # The summary of a finished attempt only leads to its review: nothing is graded again.
    page.goto(f"{base}/quiz/attempt/{attempt.pk}/summary/")
    page.wait_for_url(re.compile(r"/review/$"))
    again = Attempt.objects.get(pk=attempt.pk)
    assert (again.state, again.graded_at, again.sequence) == (attempt.state, attempt.graded_at, attempt.sequence)


@pytest.mark.django_db(transaction=True)
def test_attempt_and_summary_fit_a_360_px_phone(chromium, live_server):
    """Every question type, one per page, in a 360 px wide viewport: nothing scrolls sideways and
    the whole navigation panel stays on screen."""
    questions = [*QUESTION_SPECS.values(), ESSAY]
    user, quiz = learner_with_quiz(questions, "hocvien.dienthoai@example.vn")
    base = live_server.url
    context = chromium.new_context(locale="vi-VN", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, base, user.email)
        start_attempt(page, base, quiz)
        count = len(questions)
        for number in range(1, count + 1):
            if number > 1:
                panel(page).get_by_role("button", name=f"Câu {number},", exact=False).click()
                page.wait_for_url(re.compile(rf"page={number - 1}$"))
            buttons = panel(page).get_by_role("button")
            expect(buttons).to_have_count(count)
            for i in range(count):
                expect(buttons.nth(i)).to_be_in_viewport()
                box = buttons.nth(i).bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, (number, i, box)
            expect(page.get_by_role("button", name="Kết thúc bài làm…")).to_be_visible()
            no_horizontal_overflow(page, 360)
            if number in (1, 6):  # the first page and the matching question
                page.screenshot(path=f"var/screenshots/quiz-attempt-360-{number}.png", full_page=True)
        page.get_by_label("Bài viết của bạn", exact=False).fill("Mở tệp, chọn chứng thư số, ký và kiểm tra chữ ký.")
        page.get_by_role("button", name="Kết thúc bài làm…").click()
        page.wait_for_url(re.compile(r"/summary/$"))
        expect(page.get_by_role("alert")).to_contain_text(f"Bạn còn {count - 1} câu chưa trả lời.")
        page.get_by_role("button", name="Nộp bài và kết thúc").scroll_into_view_if_needed()
        expect(page.get_by_role("button", name="Nộp bài và kết thúc")).to_be_visible()
        no_horizontal_overflow(page, 360)
        page.screenshot(path="var/screenshots/quiz-summary-360.png", full_page=True)
    finally:
        context.close()
