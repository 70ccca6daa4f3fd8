"""An essay end to end in real browsers and a real worker: the learner submits, an editor grades it
from the queue, the course completes, a Celery worker process issues the certificate, and the learner
sees it in "Chứng chỉ của tôi"."""

import re

import pytest
from playwright.sync_api import expect

from certificates.demo import issuer_key_ensure
from certificates.models import Certificate, CertificateStatus
from cms.services import site_home_ensure
from courses.models import Enrollment
from courses.services import enrollment_create, lesson_complete
from lms.accounts.services import editors_group
from quizzes.models import Attempt, AttemptAnswer, AttemptState
from tests.browser.test_quiz_flow import PASSWORD, login
from tests.factories import QUESTION_SPECS, UserFactory, course_lessons, make_catalogue, make_course, make_quiz
from tests.fixtures.worker import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.embedded]
COURSE = "Văn bản điện tử và chữ ký số"
LEARNER = "Trần Thị Thu Hà"
ESSAY = {
    "type": "essay",
    "text": "Trình bày các bước ký số một văn bản điện tử trước khi phát hành.",
    "grader_info": "<p>Đủ ba bước: mở tệp, ký bằng chứng thư số, kiểm tra chữ ký.</p>",
    "default_mark": 2,
}
ESSAY_ANSWER = "Bước 1: mở tệp PDF cần ký.\nBước 2: chọn chứng thư số và ký.\nBước 3: kiểm tra lại chữ ký."


@pytest.mark.django_db(transaction=True)
def test_essay_submitted_graded_from_the_queue_completes_the_course_and_issues_the_certificate(
    page, chromium, live_server, celery_worker_process, published_tasks
):
    issuer_key_ensure()
    site_home_ensure()
    course = make_course(COURSE, index=make_catalogue(), modules=1, lessons_per_module=2)
    # One automatically graded question (1 mark) and the essay (2 marks); 70 % passes.
    quiz = make_quiz(course=course, questions=[QUESTION_SPECS["single"], ESSAY], questions_per_page=1)
    learner = UserFactory(email="thuha.tran@example.vn", full_name=LEARNER, password=PASSWORD)
    enrollment_create(user=learner, course=course)
    lessons = course_lessons(course)
    assert [lesson.pk for lesson in lessons][-1] == quiz.pk  # the quiz is the course's last lesson
    for lesson in lessons[:-1]:
        lesson_complete(user=learner, lesson=lesson)
    editor = UserFactory(email="bientap.vien@example.vn", full_name="Lê Văn Biên", password=PASSWORD)
    editor.groups.add(editors_group())
    base = live_server.url

    # The learner: the single-choice question, then the essay, the summary and the confirmed submit.
    login(page, base, learner.email)
    page.goto(base + quiz.url)
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_url(re.compile(r"/quiz/attempt/\d+/"))
    page.get_by_label("30–35 mm").check()
    page.get_by_role("button", name="Lưu và sang trang sau").click()
    page.wait_for_url(re.compile(r"page=1$"))
    page.get_by_label("Bài viết của bạn").fill(ESSAY_ANSWER)
    page.get_by_role("button", name="Kết thúc bài làm…").click()
    page.wait_for_url(re.compile(r"/summary/$"))
    expect(page.locator("[data-unanswered]")).to_have_text("Bạn đã trả lời tất cả các câu.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Nộp bài và kết thúc").click()
    page.wait_for_url(re.compile(r"/review/$"))
    expect(page.get_by_text("Bài làm có câu tự luận đang chờ người chấm.")).to_be_visible()
    expect(page.get_by_text("Đang chờ chấm.")).to_be_visible()

    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    assert attempt.state == AttemptState.NEEDS_GRADING and attempt.score_pct is None
    essay = AttemptAnswer.objects.get(attempt=attempt, response=ESSAY_ANSWER)
    assert essay.fraction is None
    assert Enrollment.objects.get(user=learner, course=course).completed_at is None
    assert not Certificate.objects.filter(user=learner).exists()

    # The editor, in a browser of their own: the admin menu, the queue, a mark and a comment.
    context = chromium.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    editor_page = context.new_page()
    editor_page.set_default_timeout(15_000)
    try:
        login(editor_page, base, editor.email)
        editor_page.goto(base + "/admin/")
        editor_page.get_by_role("link", name="Chấm bài tự luận").click()
        editor_page.wait_for_url(base + "/admin/quizzes/grading/")
        item = editor_page.locator("section.grading-item").filter(has_text=LEARNER)
        expect(item).to_have_count(1)
        expect(item).to_contain_text(quiz.title)
        expect(item).to_contain_text("Đủ ba bước")  # the rubric
        expect(item.locator("blockquote")).to_contain_text("Bước 2: chọn chứng thư số và ký.")
        item.get_by_label("Điểm (0 – 2)").fill("1,5")  # a decimal comma, as Vietnamese write it
        item.get_by_label("Nhận xét cho người học").fill("Đủ các bước, cần nêu rõ cách kiểm tra chữ ký.")
        item.get_by_role("button", name="Lưu điểm").click()
        editor_page.wait_for_url(base + "/admin/quizzes/grading/")
        # The score as the rest of the site writes it, with a decimal comma.
        expect(editor_page.get_by_text(f"Đã chấm xong lượt làm của {LEARNER}: 83,3%.")).to_be_visible()
        expect(editor_page.get_by_text("Không có bài tự luận nào đang chờ chấm.")).to_be_visible()
    finally:
        context.close()

    # Graded, passed, the course completed, a certificate requested.
    attempt.refresh_from_db()
    essay.refresh_from_db()
    assert attempt.state == AttemptState.GRADED and attempt.passed and float(attempt.score_pct) == 83.33
    assert (essay.mark, essay.graded_by_id) == (1.5, editor.pk)
    assert essay.comment == "Đủ các bước, cần nêu rõ cách kiểm tra chữ ký."
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.completed_at is not None
    pending = Certificate.objects.get(user=learner, enrollment=enrollment)

    # The worker process (not this one) renders, signs and stores it.
    issued = wait_for(
        lambda: Certificate.objects.filter(pk=pending.pk, status=CertificateStatus.ISSUED).first(),
        timeout=120,
        interval=0.3,
    )
    assert issued is not None, celery_worker_process.log_text()[-3000:]
    # Published once, by the grading request (the live server's thread), and run by the worker.
    [render_task] = published_tasks["certificates.tasks.certificate_render"]
    assert wait_for(lambda: celery_worker_process.task_finished(render_task), timeout=30)
    assert issued.pdf and issued.pdf_sha256
    assert Certificate.objects.filter(user=learner).count() == 1

    # The learner sees it from the account menu.
    page.goto(base + "/learn/")
    account_menu = page.get_by_role("navigation", name="Tài khoản")
    account_menu.get_by_text(LEARNER).click()
    account_menu.get_by_role("link", name="Chứng chỉ của tôi").click()
    page.wait_for_url(base + "/learn/certificates/")
    card = page.locator("article.card").filter(has_text=COURSE)
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Đã cấp")
    expect(card).to_contain_text(issued.code_display)
    expect(card.get_by_role("link", name="Tải PDF")).to_be_visible()
