import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from courses.services import enrollment_create
from lms.accounts.services import editors_group
from lms.audit.models import AuditEntry
from quizzes.demo import demo_attempt_pass
from quizzes.models import Question, QuestionCategory, QuizOverride
from quizzes.statistics_cache import quiz_statistics_refresh
from tests.factories import UserFactory, make_catalogue, make_course, make_quiz
from tests.fixtures.jobs import quiz_report_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    make_catalogue()
    user = UserFactory()
    user.groups.add(editors_group())  # the group's own permissions: the question bank, attempts, grading
    client.force_login(user)
    return user


def test_editor_creates_a_question_in_the_bank_and_it_gets_a_version(client, editor):
    category = QuestionCategory.objects.create(name="Chữ ký số")
    url = reverse("wagtailsnippets_quizzes_question:add")
    response = client.post(
        url,
        nested_form_data(
            {
                "category": category.pk,
                "name": "Ký số",
                "qtype": "single",
                "text": rich_text("<p>Chữ ký số bảo đảm điều gì?</p>"),
                "general_feedback": rich_text("<p>Xem Luật Giao dịch điện tử 2023.</p>"),
                "default_mark": "1",
                "tags": "",
                "min_words": "0",
                "response_template": rich_text(""),
                "grader_info": rich_text(""),
                "choices": inline_formset(
                    [
                        {"text": "Tính xác thực", "match": "", "fraction": "1", "feedback": ""},
                        {"text": "Tính bí mật", "match": "", "fraction": "0", "feedback": "Không."},
                    ]
                ),
            }
        ),
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    question = Question.objects.get(name="Ký số")
    version = question.versions.get()
    assert version.payload["options"][0] == {"text": "Tính xác thực", "fraction": 1.0, "feedback": ""}
    assert version.payload["schema"] == 2 and version.payload["text"] == "<p>Chữ ký số bảo đảm điều gì?</p>"


def test_quiz_report_csv_override_and_gift_screens(client, editor):
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course)
    learner = UserFactory(full_name="Trần Thị Bích")
    enrollment_create(user=learner, course=course)
    demo_attempt_pass(user=learner, quiz=quiz)
    url = reverse("quiz_report", args=[quiz.pk])  # an editor reads every attempt (no scope needed)
    body = client.get(url).content.decode()
    assert "Trần Thị Bích" in body and "Đang tính thống kê cho 1 lượt" in body
    quiz_statistics_refresh(quiz_id=quiz.pk)  # what the worker does after the grading commits
    body = client.get(url).content.decode()
    assert "Độ phân biệt" in body and "Cronbach" in body and "trên 1 lượt đã chấm" in body
    csv_text = quiz_report_csv(client, quiz).removeprefix("\ufeff")
    assert "Trần Thị Bích" in csv_text and "100.00" in csv_text
    client.post(
        url,
        {
            "action": "override",
            "email": learner.email,
            "extra_minutes": 10,
            "extra_attempts": 1,
            "reason": "Người khuyết tật",
        },
    )
    assert QuizOverride.objects.get(user=learner).extra_minutes == 10
    assert AuditEntry.objects.filter(action="quiz.override").exists()
    gift = client.get(reverse("quiz_gift"), {"export": QuestionCategory.objects.first().pk}).content.decode()
    assert "$CATEGORY:" in gift and "{" in gift


def test_learners_cannot_open_quiz_admin_screens(client, learner):
    quiz = make_quiz()
    client.force_login(learner)
    assert client.get(reverse("quiz_report", args=[quiz.pk])).status_code in (302, 403)


def test_quiz_report_csv_never_holds_a_live_formula(client, editor):
    from tests.lms.hostile_tables import HOSTILE_NAMES, csv_cells_inert, neutralised

    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course)
    for name in HOSTILE_NAMES:
        learner = UserFactory(full_name=name)
        enrollment_create(user=learner, course=course)
        demo_attempt_pass(user=learner, quiz=quiz)
    editor.is_superuser = True
    editor.save()
    rows = csv_cells_inert(quiz_report_csv(client, quiz))
    assert rows[0][:2] == ["email", "họ và tên"]
    assert {row[1] for row in rows[1:]} == {neutralised(name) for name in HOSTILE_NAMES}
    assert all(row[7] == "100.00" for row in rows[1:])  # scores are numbers, written as they are
