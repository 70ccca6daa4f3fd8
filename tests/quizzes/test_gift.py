"""GIFT files into the question bank and back: the conformance file, all-or-nothing imports with
line-numbered Vietnamese errors, the admin screen, and a lossless export → import."""

from collections import Counter
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lms.accounts.services import editors_group
from quizzes.gift import gift_export, gift_import
from quizzes.grading import grade
from quizzes.models import Question, QuestionCategory
from tests.factories import UserFactory, make_catalogue

pytestmark = pytest.mark.django_db

CONFORMANCE = (Path(__file__).parent / "gift" / "conformance.gift").read_text(encoding="utf-8")


def payloads(root) -> dict[str, dict]:
    ids = _tree(root)
    return {
        q.name: q.versions.order_by("-number").first().payload
        for q in Question.objects.filter(category__in=ids).prefetch_related("versions")
    }


def _tree(category) -> list[int]:
    ids = [category.pk]
    for child in category.children.all():
        ids.extend(_tree(child))
    return ids


def test_the_conformance_file_imports_every_construct_with_fractions_and_feedback():
    root = QuestionCategory.objects.create(name="Ngân hàng Moodle")
    result = gift_import(text=CONFORMANCE, category=root)
    assert result.ok, [str(e) for e in result.errors]
    assert Counter(q.qtype for q in result.created) == {
        "single": 5,
        "multiple": 2,
        "true_false": 5,
        "short_answer": 2,
        "numeric": 6,
        "matching": 2,
        "essay": 2,
        "description": 1,
        "ordering": 1,
    }
    # "Nghị định 30//2020" is one category whose name holds a "/", under the chosen one.
    law = QuestionCategory.objects.get(parent=root, name="Nghị định 30/2020")
    assert QuestionCategory.objects.filter(parent=law, name="Thể thức").exists()
    assert Question.objects.get(name="Hai cộng hai bằng mấy?").category.name == "Khác"

    stored = payloads(root)
    single = stored["Lề trái"]
    assert [(o["text"], o["fraction"]) for o in single["options"]] == [
        ("15–20 mm", 0.0),
        ("30–35 mm", 1.0),
        ("25–30 mm", 0.5),
        ("0 mm", -0.5),
    ]
    assert (
        single["options"][1]["feedback"] == "Đúng, theo Phụ lục I." and single["general_feedback"] == "Xem Phụ lục I."
    )
    assert grade(single, 2) == 0.5 and grade(single, 3) == 0.0  # radio buttons, partial credit, floored

    vneid = stored["VNeID"]
    assert [(a["text"], a["fraction"]) for a in vneid["answers"]] == [("VNeID", 1.0), ("Vneid", 0.75), ("CCCD", 0.0)]
    assert vneid["case_sensitive"] and grade(vneid, "Vneid") == 0.75 and grade(vneid, "vneid") == 0.0

    year = stored["Năm"]
    assert [(a["value"], a["tolerance"], a["fraction"]) for a in year["answers"]] == [(1945, 0, 1.0), (1945, 2, 0.5)]
    assert grade(year, "1946") == 0.5 and year["answers"][1]["feedback"] == "Gần đúng."
    light = stored["Ánh sáng"]
    assert light["answers"][0]["value"] == 299792458 and light["unit"] == "m/s"
    assert light["answers"][-1] == {"kind": "any", "fraction": 0.0, "feedback": "Xem lại định nghĩa mét."}

    true_false = stored["Sai F"]
    assert (
        true_false["feedback_true"] == "Không: chỉ bảo đảm toàn vẹn."
        and true_false["feedback_false"] == "Đúng, không mã hoá."
    )
    assert stored["Ba phần"]["all_or_nothing"] and stored["Ba phần"]["default_mark"] == 3
    assert stored["Markdown"]["text_format"] == "markdown" and "<strong>một</strong>" in stored["Markdown"]["text"]
    assert "<script>" not in stored["HTML"]["text"] and "onclick" not in stored["HTML"]["text"]
    assert stored["Tự luận 2"]["min_words"] == 50 and stored["Mô tả"]["type"] == "description"


def test_export_then_import_gives_the_same_questions():
    root = QuestionCategory.objects.create(name="Gốc")
    assert gift_import(text=CONFORMANCE, category=root).ok
    exported = gift_export(category=root)
    copy = QuestionCategory.objects.create(name="Bản sao")
    again = gift_import(text=exported, category=copy)
    assert again.ok, [str(e) for e in again.errors]
    assert payloads(copy) == payloads(root)
    assert "2.99792e+08" not in exported and "299792458" in exported
    # the exported tree goes under the chosen category; a second round trip changes nothing more
    assert QuestionCategory.objects.filter(parent=copy, name="Gốc").exists()
    copy_top = QuestionCategory.objects.get(parent=copy, name="Gốc")
    assert gift_export(category=copy_top) == exported


def test_a_malformed_file_reports_every_bad_line_in_vietnamese_and_saves_nothing():
    root = QuestionCategory.objects.create(name="Gốc")
    text = (
        "::Tốt::Câu đúng {T}\n\n"
        "::Hỏng::Câu thiếu ngoặc đóng {=a ~b\n\n"
        "::Số::Câu số {#không-phải-số}\n\n"
        f"::Dài::Phản hồi quá dài {{=a#{'x' * 2500} ~b}}\n"
    )
    result = gift_import(text=text, category=root)
    lines = [error.line for error in result.errors]
    assert lines == [3, 5, 7]
    assert all(str(error).startswith(f"Dòng {error.line}: ") for error in result.errors)
    assert "2.000" in str(result.errors[-1]) or "2000" in str(result.errors[-1])  # the limit is named
    assert not Question.objects.exists()


@pytest.fixture
def editor(client):
    make_catalogue()
    user = UserFactory()
    user.groups.add(editors_group())
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00garbage", "UTF-8"),
        ("::Hỏng::{=a ~b".encode(), "Dòng 1"),
        (b"", "Hãy chọn một tệp GIFT"),
        ("// chỉ có chú thích\n".encode(), "không có câu hỏi nào"),
    ],
)
def test_the_import_screen_answers_bad_files_with_a_message_not_a_500(client, editor, content, message):
    category = QuestionCategory.objects.create(name="Gốc")
    upload = SimpleUploadedFile("cau-hoi.txt", content) if content else ""
    response = client.post(reverse("quiz_gift"), {"category": category.pk, "file": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.exists()


def test_the_import_screen_refuses_a_file_over_the_size_limit(client, editor, settings):
    settings.GIFT_MAX_BYTES = 1000
    category = QuestionCategory.objects.create(name="Gốc")
    upload = SimpleUploadedFile("lon.txt", ("::A::Câu {T}\n\n" * 200).encode())
    body = client.post(reverse("quiz_gift"), {"category": category.pk, "file": upload}).content.decode()
    assert "giới hạn của một lần nhập" in body and not Question.objects.exists()


def test_an_editor_imports_and_exports_from_the_screen(client, editor):
    category = QuestionCategory.objects.create(name="Gốc")
    upload = SimpleUploadedFile("ngan-hang.txt", CONFORMANCE.encode("utf-8"))
    response = client.post(reverse("quiz_gift"), {"category": category.pk, "file": upload})
    assert response.status_code == 302 and Question.objects.count() == 26
    exported = client.get(reverse("quiz_gift"), {"export": category.pk})
    assert (
        exported["Content-Disposition"].startswith("attachment")
        and "$CATEGORY: $course$/top/Gốc/" in exported.content.decode()
    )
