"""An editor (the Editors group, not a superuser) builds a quiz in the Wagtail admin of a real browser:
a question category, one question of every registered type, a quiz page whose slots are picked with
the question chooser's search and category filter, publish; a learner takes it, the editor grades the
essay and reads the report with the attempt listed."""

import re
from decimal import Decimal

import pytest
from django.http import QueryDict
from playwright.sync_api import expect

from cms.services import site_home_ensure
from courses.models import ModulePage
from courses.services import enrollment_create
from lms.accounts.services import editors_group
from quizzes.models import Attempt, AttemptState, Question, QuestionCategory, QuestionVersion, QuizPage
from quizzes.qtypes.registry import QUESTION_TYPES
from quizzes.services import attempt_start, attempt_submit, question_create
from tests.factories import QUESTION_SPECS, UserFactory, make_catalogue, make_course

pytestmark = [pytest.mark.browser, pytest.mark.embedded]
PASSWORD = "Hoc-so-an-toan-2026"
CATEGORY = "Văn thư điện tử"

# One question of each type: what the editor types, the word the chooser search finds it by, and the
# rows (text, match, fraction, tolerance, feedback) the database must hold afterwards.
QUESTIONS = {
    "single": {
        "name": "Lề trái văn bản hành chính",
        "search": "lề trái",
        "text": "Lề trái của văn bản hành chính là bao nhiêu?",
        "rows": [
            {"text": "30–35 mm", "fraction": "1", "feedback": "Đúng theo Nghị định 30."},
            {"text": "15–20 mm", "fraction": "0", "feedback": "Quá hẹp."},
            {"text": "20–25 mm", "fraction": "-0.5", "feedback": "Vẫn hẹp."},
        ],
    },
    "multiple": {
        "name": "Thành phần thể thức văn bản",
        "search": "thể thức",
        "text": "Những thành phần nào thuộc thể thức văn bản?",
        "rows": [
            {"text": "Quốc hiệu và Tiêu ngữ", "fraction": "0.5"},
            {"text": "Số, ký hiệu", "fraction": "0.5"},
            {"text": "Ảnh đại diện", "fraction": "-1"},
        ],
    },
    "true_false": {
        "name": "Chữ ký số và tính bí mật",
        "search": "bí mật",
        "text": "Chữ ký số bảo đảm tính bí mật của văn bản.",
        "settings": {"true_false_answer": "False", "feedback_true": "Chưa đúng.", "feedback_false": "Chính xác."},
    },
    "short_answer": {
        "name": "Ứng dụng định danh điện tử",
        "search": "định danh",
        "text": "Tên ứng dụng định danh điện tử quốc gia?",
        "rows": [{"text": "VNeID", "fraction": "1"}, {"text": "VN eID", "fraction": "0.5"}],
    },
    "numeric": {
        "name": "Số tỉnh thành sau sắp xếp",
        "search": "tỉnh thành",
        "text": "Sau sắp xếp năm 2025 cả nước có bao nhiêu đơn vị hành chính cấp tỉnh?",
        "rows": [
            {"text": "34", "fraction": "1", "tolerance": "0"},
            {"text": "30..40", "fraction": "0.5", "feedback": "Gần đúng."},
        ],
        "settings": {"numeric_unit": "tỉnh"},
    },
    "matching": {
        "name": "Chữ viết tắt khi ký văn bản",
        "search": "viết tắt",
        "text": "Ghép chữ viết tắt với nghĩa.",
        "rows": [
            {"text": "TM.", "match": "Thay mặt"},
            {"text": "KT.", "match": "Ký thay"},
            {"text": "TL.", "match": "Thừa lệnh"},
        ],
    },
    "ordering": {
        "name": "Các bước nộp hồ sơ trực tuyến",
        "search": "hồ sơ",
        "text": "Sắp xếp các bước nộp hồ sơ trực tuyến.",
        "rows": [{"text": "Đăng nhập"}, {"text": "Chọn thủ tục"}, {"text": "Điền tờ khai"}, {"text": "Nộp hồ sơ"}],
    },
    "essay": {
        "name": "Tự luận về chuyển đổi số",
        "search": "chuyển đổi",
        "text": "Nêu một việc cơ quan anh/chị đã làm để chuyển đổi số.",
        "settings": {"min_words": "5"},
    },
    "description": {
        "name": "Giới thiệu phần kiểm tra",
        "search": "giới thiệu",
        "text": "Phần sau gồm các câu hỏi về văn thư điện tử.",
    },
}
# The row columns each type shows (static/js/admin/question-form.js hides the others).
ROW_COLUMNS = {
    "single": {"fraction", "feedback"},
    "multiple": {"fraction", "feedback"},
    "short_answer": {"fraction", "feedback"},
    "numeric": {"fraction", "tolerance", "feedback"},
    "matching": {"match"},
    "ordering": set(),
}


def field(scope, name):
    """A form field by its name (labels are partly English in Wagtail's admin; ``<meta name>`` too)."""
    return scope.locator(f":is(input, select, textarea)[name='{name}']")


def login(page, base, email):
    page.goto(base + "/admin/")  # Wagtail's login is allauth's, behind the same form
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base + "/admin/")


def save_snippet(page):
    page.locator("footer button[type=submit]", has_text="Lưu").first.click()
    page.wait_for_url(re.compile(r"/admin/snippets/quizzes/[a-z]+/$"))
    assert page.locator(".messages .error, .messages .warning").count() == 0, page.locator(".messages").inner_text()


def modal_choose(page, name):
    modal = page.locator(".modal-content")
    modal.get_by_role("link", name=name, exact=True).click()
    modal.wait_for(state="hidden")


def rich_text(page, name, text):
    editor = page.locator(f".w-field--draftail_rich_text_area[data-contentpath={name}] [role=textbox]")
    editor.click()
    editor.press_sequentially(text)
    # Draftail writes its hidden input a moment after the last keystroke (its save interval).
    expect(field(page, name)).to_have_value(re.compile(re.escape(text)))


def create_question(page, base, code, spec):
    page.goto(base + "/admin/snippets/quizzes/question/add/")
    page.locator("#id_category-chooser [data-chooser-action-choose]").click()
    modal_choose(page, CATEGORY)
    field(page, "qtype").select_option(code)
    field(page, "name").fill(spec["name"])
    rich_text(page, "text", spec["text"])

    # The form shows only what the chosen type uses: rows, their columns, the type's settings.
    add_row = page.locator("#id_choices-ADD")
    assert add_row.is_visible() == (code in ROW_COLUMNS)
    for index, row in enumerate(spec.get("rows", [])):
        add_row.click()
        shown = {
            c
            for c in ("match", "fraction", "tolerance", "feedback")
            if field(page, f"choices-{index}-{c}").is_visible()
        }
        assert shown == ROW_COLUMNS[code], code
        for column, value in row.items():
            field(page, f"choices-{index}-{column}").fill(value)
    assert field(page, "true_false_answer").is_visible() == (code == "true_false")
    assert field(page, "min_words").is_visible() == (code == "essay")
    assert field(page, "default_mark").is_visible() == (code != "description")
    for name, value in spec.get("settings", {}).items():
        widget = field(page, name)
        if widget.evaluate("node => node.tagName") == "SELECT":
            widget.select_option(value)
        else:
            widget.fill(value)
    save_snippet(page)


def choose_question(page, index, spec, *, decoy=None):
    """Fill slot ``index`` with the question found by the chooser's search, narrowed by category."""
    if index > 0:
        page.locator("#id_slots-ADD").click()
    page.locator(f"#id_slots-{index}-question-chooser [data-chooser-action-choose]").click()
    modal = page.locator(".modal-content")
    results = modal.locator("[data-chooser-modal-choice]")
    with page.expect_response(lambda r: "/results/" in r.url and "q=" in r.url):
        field(modal, "q").fill(spec["search"])
    if decoy:  # the same words in another category: the search finds both, the category filter one
        expect(results).to_have_count(2)  # in relevance order on PostgreSQL
        assert sorted(text.strip() for text in results.all_inner_texts()) == sorted([decoy, spec["name"]])
    else:
        expect(results).to_have_text([spec["name"]])
    with page.expect_response(lambda r: "/results/" in r.url and "category=" in r.url):
        field(modal, "category").select_option(label=CATEGORY)
    expect(results).to_have_text([spec["name"]])
    modal_choose(page, spec["name"])
    assert page.locator(f"#id_slots-{index}-question-chooser [data-chooser-title]").inner_text() == spec["name"]


@pytest.mark.django_db(transaction=True)
def test_editor_builds_every_question_type_picks_them_with_chooser_publishes_and_reads_report(chromium, live_server):
    site_home_ensure()
    course = make_course("Văn thư điện tử", index=make_catalogue(), modules=1, lessons_per_module=1)
    module = ModulePage.objects.child_of(course).get()
    editor = UserFactory(email="bientap@example.vn", full_name="Trần Thị Biên Tập", password=PASSWORD)
    editor.groups.add(editors_group())
    assert not editor.is_superuser and not editor.is_staff
    learner = UserFactory(email="hocvien.vanthu@example.vn", full_name="Lê Văn Học", password=PASSWORD)
    enrollment_create(user=learner, course=course)
    archive = QuestionCategory.objects.create(name="Lưu trữ năm 2020")
    decoy = question_create(
        category=archive, spec={**QUESTION_SPECS["single"], "name": "Lề trái văn bản (mẫu cũ)", "text": "Lề trái cũ?"}
    )
    assert set(QUESTION_TYPES) == set(QUESTIONS)  # a new type needs its row here

    context = chromium.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    try:
        login(page, base, editor.email)

        # The category, from the question bank menu's "add" screen.
        page.goto(base + "/admin/snippets/quizzes/questioncategory/add/")
        field(page, "name").fill(CATEGORY)
        field(page, "description").fill("Câu hỏi cho khoá văn thư điện tử.")
        save_snippet(page)
        category = QuestionCategory.objects.get(name=CATEGORY)
        assert category.parent is None

        for code, spec in QUESTIONS.items():
            create_question(page, base, code, spec)
        questions = {q.qtype: q for q in Question.objects.filter(category=category).prefetch_related("choices")}
        assert set(questions) == set(QUESTIONS)
        for code, spec in QUESTIONS.items():
            question = questions[code]
            assert question.name == spec["name"] and spec["text"] in question.text
            rows = [
                {
                    "text": c.text,
                    "match": c.match,
                    "fraction": c.fraction,
                    "tolerance": c.tolerance,
                    "feedback": c.feedback,
                }
                for c in question.choices.all()
            ]
            expected = [
                {
                    "text": row["text"],
                    "match": row.get("match", ""),
                    "fraction": Decimal(row.get("fraction", "0")),
                    "tolerance": float(row["tolerance"]) if "tolerance" in row else None,
                    "feedback": row.get("feedback", ""),
                }
                for row in spec.get("rows", [])
            ]
            assert rows == expected, code
            version = QuestionVersion.objects.get(question=question)  # saving made its first version
            assert version.payload["type"] == code
        assert questions["true_false"].true_false_answer is False
        assert questions["true_false"].feedback_false == "Chính xác."
        assert questions["numeric"].numeric_unit == "tỉnh"
        assert questions["essay"].min_words == 5
        payloads = {code: QuestionVersion.objects.get(question=q).payload for code, q in questions.items()}
        assert [o["fraction"] for o in payloads["single"]["options"]] == [1.0, 0.0, -0.5]
        assert [a["text"] for a in payloads["short_answer"]["answers"]] == ["VNeID", "VN eID"]
        assert [a["kind"] for a in payloads["numeric"]["answers"]] == ["exact", "range"]
        assert payloads["matching"]["pairs"][1] == {"left": "KT.", "right": "Ký thay"}
        assert payloads["ordering"]["items"] == ["Đăng nhập", "Chọn thủ tục", "Điền tờ khai", "Nộp hồ sơ"]

        # The quiz: a new page in the course's module, each slot picked with the chooser.
        page.goto(base + f"/admin/pages/add/quizzes/quizpage/{module.pk}/")
        field(page, "title").fill("Kiểm tra văn thư điện tử")
        page.locator("#body-root .c-sf-add-button").first.click()  # the lesson body: one paragraph
        page.get_by_role("option", name="Đoạn văn").click()
        intro = "Làm bài sau khi học xong chương."
        page.locator("[data-contentpath=body] [role=textbox]").press_sequentially(intro)
        expect(field(page, "body-0-value")).to_have_value(re.compile(intro))
        field(page, "pass_mark_pct").fill("60")
        field(page, "questions_per_page").fill("10")
        for index, code in enumerate(QUESTIONS):
            choose_question(page, index, QUESTIONS[code], decoy=decoy.name if code == "single" else None)
        page.locator("footer .w-dropdown--dropdown-button .w-dropdown__toggle").click()
        page.locator("button[name=action-publish]").click()
        page.wait_for_url(base + f"/admin/pages/{module.pk}/")
        quiz = QuizPage.objects.get(title="Kiểm tra văn thư điện tử")
        assert quiz.live and not quiz.has_unpublished_changes
        assert quiz.pass_mark_pct == 60 and quiz.questions_per_page == 10
        assert [s.question_id for s in quiz.slots.order_by("sort_order")] == [questions[c].pk for c in QUESTIONS]
        live_slots = quiz.get_latest_revision().as_object().slots.all()
        assert [s.question_id for s in live_slots] == [questions[c].pk for c in QUESTIONS]

        # The learner takes it (service layer): single, true/false, short answer and numeric right,
        # the essay written, the rest left blank.
        attempt = attempt_start(user=learner, quiz=quiz)
        entries = attempt.layout["pages"][0]
        assert len(entries) == len(QUESTIONS)
        by_type = {QuestionVersion.objects.get(pk=e["version_id"]).payload["type"]: e for e in entries}
        single = by_type["single"]
        data = QueryDict(mutable=True)  # as the attempt page posts it
        data.update(
            {
                f"q{single['slot']}": str(single["order"].index(0)),
                f"q{by_type['true_false']['slot']}": "false",
                f"q{by_type['short_answer']['slot']}": "vneid",
                f"q{by_type['numeric']['slot']}": "34",
                f"q{by_type['essay']['slot']}": "Cơ quan đã dùng chữ ký số cho mọi văn bản đi.",
            }
        )
        attempt = attempt_submit(attempt_id=attempt.pk, user=learner, sequence=attempt.sequence, page=0, data=data)
        assert attempt.state == AttemptState.NEEDS_GRADING

        # The editor grades the essay from the grading queue, then reads the report.
        page.get_by_role("link", name="Chấm bài tự luận").click()
        page.wait_for_url(base + "/admin/quizzes/grading/")
        item = page.locator(".grading-item")
        assert "Lê Văn Học" in item.inner_text() and "chữ ký số cho mọi văn bản đi" in item.inner_text()
        item.get_by_label("Điểm (0 – 1)").fill("1")
        item.get_by_label("Nhận xét cho người học").fill("Ví dụ cụ thể, tốt.")
        item.get_by_role("button", name="Lưu điểm").click()
        expect(page.locator(".messages")).to_contain_text(
            "Đã chấm xong lượt làm của Lê Văn Học: 62,5%."
        )  # as the report writes it
        expect(page.get_by_text("Không có bài tự luận nào đang chờ chấm.")).to_be_visible()
        attempt = Attempt.objects.get(pk=attempt.pk)
        # 5 of 8 marks (the description has none): single, true/false, short answer, numeric, essay.
        assert attempt.state == AttemptState.GRADED and attempt.score_pct == Decimal("62.50") and attempt.passed

        page.goto(base + f"/admin/pages/{module.pk}/")
        row = page.locator("tr", has_text="Kiểm tra văn thư điện tử")
        report = row.get_by_role("link", name="Báo cáo")
        if not report.is_visible():  # the listing keeps extra buttons in the row's "more" menu
            row.locator(".w-dropdown__toggle").last.click()
        report.click()
        page.wait_for_url(base + f"/admin/quizzes/{quiz.pk}/report/")
        assert "Báo cáo: Kiểm tra văn thư điện tử" in page.locator("h1").inner_text()
        rows = page.locator("table[data-report=attempts] tbody tr")
        assert rows.count() == 1
        cells = rows.first.locator("td").all_inner_texts()
        assert cells[0] == "Lê Văn Học <hocvien.vanthu@example.vn>"
        assert cells[2] == "1" and cells[5] == "Đã chấm" and cells[7] == "✓"
        assert cells[6] == "62,5%", cells
        page.screenshot(path="var/screenshots/quiz-editor-report.png", full_page=True)
    finally:
        context.close()
