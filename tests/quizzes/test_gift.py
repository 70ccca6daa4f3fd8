import pytest

from quizzes.gift import gift_export, gift_import, parse_gift
from quizzes.models import Question, QuestionCategory, QuestionVersion

pytestmark = pytest.mark.django_db

GIFT = r"""// Every question type GIFT supports.
$CATEGORY: Nghị định 30/Thể thức

::Lề trái::Lề trái của văn bản hành chính là bao nhiêu? {
  ~15–20 mm#Đó là lề phải.
  =30–35 mm#Đúng, theo Phụ lục I.
  ~20–25 mm
####Xem Phụ lục I Nghị định 30/2020/NĐ-CP.}

::Thể thức::Những thành phần nào thuộc thể thức văn bản? {
  ~%50%Quốc hiệu và Tiêu ngữ
  ~%50%Số, ký hiệu của văn bản
  ~%-100%Ảnh đại diện người ký#Không có thành phần này.
}

::Bí mật::Chữ ký số bảo đảm tính bí mật của văn bản.{FALSE#Sai: chữ ký số không mã hoá nội dung.#Chính xác.}

::VNeID::Ứng dụng định danh điện tử quốc gia tên là gì? {=VNeID =V\-NeID}

::Lề::Lề trên tối thiểu (mm)? {#20:0}

::Khoảng::Lề trái nằm trong khoảng nào (mm)? {#30..35}

::Viết tắt::Ghép chữ viết tắt với nghĩa. {
  =TM. -> Thay mặt
  =KT. -> Ký thay
  =TL. -> Thừa lệnh
}

::Thoát ký tự::Dấu \{ \} \= \~ \# và \: được viết thế nào? {=bằng dấu gạch chéo ngược}
"""


def question_specs(category):
    return sorted(
        (q.versions.order_by("-number").first().payload for q in Question.objects.filter(category__in=category)),
        key=lambda p: p["name"],
    )


def test_gift_round_trip_covers_every_supported_type():
    root = QuestionCategory.objects.create(name="Gốc")
    first = gift_import(text=GIFT, category=root)
    assert first.ok, [str(e) for e in first.errors]
    kinds = sorted(q.qtype for q in first.created)
    assert kinds == sorted(
        ["single", "multiple", "true_false", "short_answer", "numeric", "numeric", "matching", "short_answer"]
    )
    exported = gift_export(category=root)
    other = QuestionCategory.objects.create(name="Bản sao")
    second = gift_import(text=exported, category=other)
    assert second.ok, [str(e) for e in second.errors]
    original = question_specs(_descendants(root))
    copied = question_specs(_descendants(other))
    assert len(original) == 8
    assert copied == original
    multiple = next(p for p in original if p["type"] == "multiple")
    assert multiple["partial"] and multiple["negative"]
    assert next(p for p in original if p["name"] == "Khoảng")["tolerance"] == 2.5


def _descendants(category):
    result = [category]
    for child in category.children.all():
        result.extend(_descendants(child))
    return result


def test_malformed_file_reports_line_numbers_and_saves_nothing():
    root = QuestionCategory.objects.create(name="Gốc")
    text = "::Tốt::Câu đúng {T}\n\n::Hỏng::Câu thiếu ngoặc đóng {=a ~b\n\n::Số::Câu số {#không-phải-số}\n"
    result = gift_import(text=text, category=root)
    assert [error.line for error in result.errors] == [3, 5]
    assert "Dòng 3" in str(result.errors[0])
    assert not Question.objects.exists() and not QuestionVersion.objects.exists()


def test_ordering_questions_are_skipped_on_export_with_a_comment():
    from quizzes.services import question_create
    from tests.factories import QUESTION_SPECS

    root = QuestionCategory.objects.create(name="Gốc")
    question_create(category=root, spec=QUESTION_SPECS["ordering"])
    exported = gift_export(category=root)
    assert exported.count("// ") == 1
    questions, errors = parse_gift(exported)
    assert questions == [] and errors == []
