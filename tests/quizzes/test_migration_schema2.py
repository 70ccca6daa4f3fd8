"""Migration 0004 turns schema-1 questions and versions into schema 2 with the same grading."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from quizzes.grading import grade
from quizzes.payloads import payload_validate

BEFORE = [("quizzes", "0003_attempt_cycle_backfill")]
AFTER = [("quizzes", "0004_question_fractions_essays_review_grid")]

V1_MULTIPLE = {
    "type": "multiple",
    "name": "Thể thức",
    "text": "Chọn các thành phần\nthể thức.",
    "options": [
        {"text": "Quốc hiệu", "correct": True, "feedback": "Đúng"},
        {"text": "Số, ký hiệu", "correct": True, "feedback": ""},
        {"text": "Ảnh người ký", "correct": False, "feedback": "Không có <thành phần> này"},
    ],
    "partial": True,
    "negative": True,
    "feedback": "Xem Điều 8.",
}
V1_SHORT = {
    "type": "short_answer",
    "name": "VNeID",
    "text": "<p>Tên <b>ứng dụng</b>?</p><script>alert(1)</script>",
    "accepted": ["VNeID", "V-NeID"],
}
V1_NUMERIC = {"type": "numeric", "name": "Lề", "text": "Lề trái (mm)?", "answer": 30, "tolerance": 5}


@pytest.mark.django_db(transaction=True)
def test_schema_1_versions_and_questions_become_schema_2_with_the_same_grading():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Category = old.get_model("quizzes", "QuestionCategory")
    Question = old.get_model("quizzes", "Question")
    Choice = old.get_model("quizzes", "QuestionChoice")
    Version = old.get_model("quizzes", "QuestionVersion")
    category = Category.objects.create(name="Cũ")
    question = Question.objects.create(
        category=category,
        name="Thể thức",
        qtype="multiple",
        text="Chọn các thành phần",
        partial_credit=True,
        negative_marking=True,
    )
    for index, option in enumerate(V1_MULTIPLE["options"]):
        Choice.objects.create(question=question, sort_order=index, text=option["text"], correct=option["correct"])
    versions = {
        name: Version.objects.create(question=question, number=n, payload=payload).pk
        for n, (name, payload) in enumerate(
            [("multiple", V1_MULTIPLE), ("short", V1_SHORT), ("numeric", V1_NUMERIC)], start=1
        )
    }

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Version = new.get_model("quizzes", "QuestionVersion")
    Choice = new.get_model("quizzes", "QuestionChoice")
    Question = new.get_model("quizzes", "Question")

    multiple = Version.objects.get(pk=versions["multiple"]).payload
    assert multiple["schema"] == 2 and multiple["text"] == "Chọn các thành phần<br>thể thức."
    assert [o["fraction"] for o in multiple["options"]] == [0.5, 0.5, -0.5]
    assert multiple["options"][2]["feedback"] == "Không có &lt;thành phần&gt; này"
    assert multiple["general_feedback"] == "Xem Điều 8." and multiple["all_or_nothing"] is False
    # Old grading: partial credit with negative marking, floored at 0.
    assert grade(multiple, [0, 1]) == 1.0 and grade(multiple, [0]) == 0.5 and grade(multiple, [0, 2]) == 0.0
    assert payload_validate(multiple) == multiple  # already canonical

    short = Version.objects.get(pk=versions["short"]).payload
    assert short["text"] == "<p>Tên <b>ứng dụng</b>?</p>"  # HTML kept, sanitised
    assert [(a["text"], a["fraction"]) for a in short["answers"]] == [("VNeID", 1.0), ("V-NeID", 1.0)]
    assert grade(short, "v-neid") == 1.0
    numeric = Version.objects.get(pk=versions["numeric"]).payload
    assert numeric["answers"] == [{"kind": "exact", "value": 30, "tolerance": 5, "fraction": 1.0, "feedback": ""}]
    assert grade(numeric, "34") == 1.0 and grade(numeric, "36") == 0.0

    rows = list(
        Choice.objects.filter(question_id=question.pk).order_by("sort_order").values_list("fraction", flat=True)
    )
    assert [float(f) for f in rows] == [0.5, 0.5, -0.5]
    assert Question.objects.get(pk=question.pk).all_or_nothing is False

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # leave the database as the other tests expect
