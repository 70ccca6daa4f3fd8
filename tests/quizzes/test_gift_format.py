"""GIFT as pure functions (quizzes.gift_format): Moodle's constructs and errors for people.

No database: every test reads or writes text only.
"""

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.gift_format import CATCH_ALL, gift_parse

CONFORMANCE = Path(__file__).parent / "gift" / "conformance.gift"


@pytest.fixture(scope="module")
def conformance():
    result = gift_parse(CONFORMANCE.read_text(encoding="utf-8"))
    assert result.errors == []
    return {question.spec["name"]: question for question in result.questions}


def options(spec):
    return [(option["text"], option["fraction"], option["feedback"]) for option in spec["options"]]


def test_conformance_file_reads_every_construct(conformance):
    counts = Counter(question.spec["type"] for question in conformance.values())
    assert counts == {
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
    assert all(question.spec["schema"] == 2 for question in conformance.values())


def test_categories_drop_course_and_top_and_keep_doubled_slashes(conformance):
    assert conformance["Lề trái"].category == ["Nghị định 30/2020", "Thể thức"]
    assert conformance["Hai cộng hai bằng mấy?"].category == ["Khác"]  # unnamed: named after its text


def test_single_choice_fractions_feedback_and_general_feedback(conformance):
    spec = conformance["Lề trái"].spec
    assert options(spec) == [
        ("15–20 mm", 0.0, "Đó là lề phải."),
        ("30–35 mm", 1.0, "Đúng, theo Phụ lục I."),
        ("25–30 mm", 0.5, "Gần đúng."),  # a partial-credit distractor: still single choice, as in Moodle
        ("0 mm", -0.5, ""),
    ]
    assert spec["general_feedback"] == "Xem Phụ lục I."
    assert spec["text_format"] == "moodle" and spec["default_mark"] == 1.0
    assert conformance["Lề trái"].line == 7


def test_missing_word_puts_a_blank_where_the_answers_were(conformance):
    spec = conformance["Thiếu từ"].spec
    assert spec["text"] == "Văn bản hành chính được trình bày trên khổ giấy _____ theo chiều dài."
    assert spec["type"] == "single" and [o[1] for o in options(spec)] == [0.0, 1.0, 0.0]


def test_multiple_choice_weights_negative_marks_and_hints(conformance):
    spec = conformance["Thể thức"].spec
    assert [o[1] for o in options(spec)] == [0.5, 0.5, -1.0]
    assert spec["all_or_nothing"] is False
    thirds = conformance["Ba phần"].spec
    assert [o[1] for o in options(thirds)] == [0.3333333, 0.3333333, 0.3333333, 0.0]
    assert thirds["all_or_nothing"] is True and thirds["default_mark"] == 3.0


@pytest.mark.parametrize(
    ("name", "answer", "feedback_true", "feedback_false", "general"),
    [
        ("Đúng T", True, "", "", ""),
        ("Đúng TRUE", True, "Chính xác.", "Sai rồi.", ""),
        ("Sai F", False, "Không: chỉ bảo đảm toàn vẹn.", "Đúng, không mã hoá.", ""),
        ("Sai FALSE", False, "", "", "Nghị định 30, Điều 13."),
    ],
)
def test_true_false_feedback_follows_the_learners_choice(
    conformance, name, answer, feedback_true, feedback_false, general
):
    spec = conformance[name].spec
    assert (spec["answer"], spec["feedback_true"], spec["feedback_false"]) == (answer, feedback_true, feedback_false)
    assert spec["general_feedback"] == general


def test_short_answer_weights_feedback_and_hint(conformance):
    spec = conformance["VNeID"].spec
    assert [(a["text"], a["fraction"], a["feedback"]) for a in spec["answers"]] == [
        ("VNeID", 1.0, "Đúng."),
        ("Vneid", 0.75, "Gần đúng: viết hoa N, I, D."),
        ("CCCD", 0.0, "Đó là căn cước."),
    ]
    assert spec["case_sensitive"] is True and spec["ignore_diacritics"] is False


def test_numeric_answers_tolerances_ranges_and_any_other_number(conformance):
    assert conformance["Năm"].spec["answers"] == [
        {"kind": "exact", "value": 1945.0, "tolerance": 0.0, "fraction": 1.0, "feedback": "Chính xác."},
        {"kind": "exact", "value": 1945.0, "tolerance": 2.0, "fraction": 0.5, "feedback": "Gần đúng."},
    ]
    assert conformance["Sai số"].spec["answers"][0] | {"feedback": ""} == {
        "kind": "exact",
        "value": 20.0,
        "tolerance": 2.0,
        "fraction": 1.0,
        "feedback": "",
    }
    assert conformance["Khoảng"].spec["answers"][0]["kind"] == "range"
    assert (conformance["Khoảng"].spec["answers"][0]["min"], conformance["Khoảng"].spec["answers"][0]["max"]) == (1, 5)
    light = conformance["Ánh sáng"].spec
    assert light["unit"] == "m/s"
    assert light["answers"][0]["value"] == 299792458
    assert light["answers"][2] == {
        "kind": "range",
        "min": -CATCH_ALL,
        "max": CATCH_ALL,
        "fraction": 0.0,
        "feedback": "Xem lại định nghĩa mét.",
    }
    assert [(a["value"], a["fraction"]) for a in conformance["Âm"].spec["answers"]] == [(-39, 1.0), (39, -1.0)]


def test_matching_pairs_and_distractor(conformance):
    assert conformance["Viết tắt"].spec["pairs"][-1] == {"left": "", "right": "Thừa uỷ quyền"}
    assert len(conformance["Viết tắt"].spec["pairs"]) == 4
    assert len(conformance["Hai cặp"].spec["pairs"]) == 2


def test_essay_description_and_ordering(conformance):
    essay = conformance["Tự luận 2"].spec
    assert essay["general_feedback"] == "&lt;Xem Nghị định 30&gt;"
    assert (essay["grader_info"], essay["min_words"], essay["default_mark"]) == ("<p>Đủ 3 bước.</p>", 50, 5.0)
    assert conformance["Tự luận"].spec["min_words"] == 0
    assert conformance["Mô tả"].spec["default_mark"] == 0.0
    ordering = conformance["Thứ tự ký"].spec
    assert ordering["items"] == ["Soạn thảo", "Ký số", "Phát hành"]
    assert ordering["default_mark"] == 2.0 and ordering["text"] == "<p>Sắp xếp các bước.</p>"


def test_formats_become_sanitised_html_and_keep_their_source(conformance):
    html = conformance["HTML"].spec
    assert "<script>" not in html["text"] and "onclick" not in html["text"] and "<strong>một</strong>" in html["text"]
    assert 'href="https://hocso.gov.vn"' in html["text"] and "text_source" not in html
    assert options(html) == [("Đúng & đủ", 1.0, "<em>Tốt</em>"), ("Sai", 0.0, "Chưa đúng")]
    markdown = conformance["Markdown"].spec
    assert markdown["text_format"] == "markdown" and markdown["text_source"] == "Chọn **một** đáp án:\n\n- A\n- B"
    assert "<strong>một</strong>" in markdown["text"] and "<li>A</li>" in markdown["text"]
    assert options(markdown)[1][2] == "Dùng &lt;b&gt; là sai"  # its own [plain]
    plain = conformance["Plain"].spec
    assert (plain["text"], plain["text_source"]) == ("Dấu &lt;b&gt; không phải thẻ.", "Dấu <b> không phải thẻ.")
    moodle = conformance["Moodle"].spec
    assert moodle["text"] == "Dòng một<br>Dòng hai" and options(moodle)[0][2] == "Phản hồi<br>có hai dòng"


def test_escapes_and_multi_line_text(conformance):
    spec = conformance["Thoát: ký tự"].spec
    assert spec["text_source"] == "Dấu { } = ~ # : và \\ được viết\nthế nào\n  trong GIFT?"
    assert spec["answers"][0]["feedback"] == "Ví dụ: \\= là \\ rồi =."
    assert conformance["Thoát: ký tự"].line == 88


# --- malformed files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("::A::Câu {=a ~b\n\n", 1, "thiếu dấu “}”"),
        ("::A::Câu\n{=a ~b\n=c}}", 3, "dấu “}” thừa"),
        ("::A::Câu {=a {~b}", 1, "dấu “{” thừa"),
        ("::A::Câu } {=a ~b", 1, "không có dấu “{”"),
        ("::A::Câu {#không-phải-số}", 1, "đáp án số “không-phải-số” không hợp lệ"),
        ("::A::Câu {#\n=1,5\n}", 2, "đáp án số “1,5”"),
        ("::A::Câu {#=5..1}", 1, "số đầu lớn hơn số cuối"),
        ("::A::Câu {#1 ~ sai #x}", 1, "sau dấu “~”"),
        ("::A::Câu {#}", 1, "ít nhất một đáp án"),
        ("::A::Câu {\n~%150%a\n~b}", 2, "tỷ lệ điểm “%150%” không hợp lệ"),
        ("::A::Câu {~%50%a ~%20%b}", 1, "tổng tỷ lệ điểm các phương án đúng phải là 100% (đang là 70%)"),
        ("::A::Câu {=a ~}", 1, "phương án thứ 2 trống"),
        ("::A::Câu {=a}", 1, None),  # a short answer, fine
        ("::A::Câu {=%0%a}", 1, "ít nhất một đáp án được tính điểm"),
        ("::A::Câu {= =b}", 1, "đáp án thứ 1 trống"),
        ("::A::Câu {\n=a -> 1\n=b 2\n=c -> 3}", 3, "cặp ghép “b 2” thiếu dấu “->”"),
        ("::A::Câu {=a -> 1 = -> 2}", 1, "ít nhất hai cặp có vế trái"),
        ("::A::Câu {=a -> 1 =b -> }", 1, "thiếu vế phải"),
        ("::A chưa đóng {T}", 1, "chưa được đóng bằng “::”"),
        ("::A::{T}", 1, "chưa có nội dung"),
        ("// hocso: {sai json\n::A::Câu {T}", 1, "JSON"),
        ('// hocso: {"default_mark": "hai"}\n::A::Câu {T}', 1, "“default_mark”"),
        ('// hocso: {"type": "ordering", "items": ["một"]}', 1, "ít nhất hai mục"),
        ("::" + "N" * 256 + "::Câu {T}", 1, "tên câu hỏi dài quá 255 ký tự"),
        ("::A::" + "x" * 20_001 + "{T}", 1, "nội dung câu hỏi dài quá 20.000 ký tự"),
        ("::A::Câu {\n=" + "a" * 501 + "\n~b}", 2, "đáp án dài quá 500 ký tự"),
        ("::A::Câu {\n=a\n~b#" + "p" * 2_001 + "\n}", 3, "phản hồi dài quá 2.000 ký tự"),
        ("::A::Câu {T####" + "p" * 2_001 + "}", 1, "phản hồi dài quá 2.000 ký tự"),
    ],
)
def test_malformed_questions_are_line_numbered_vietnamese_errors(text, line, words):
    prefix = "// Tệp hỏng\n\n::Tốt::Câu tốt {T}\n\n"
    result = gift_parse(prefix + text + "\n\n::Tốt nữa::Câu tốt nữa {F}\n")
    assert [q.spec["name"] for q in result.questions if q.spec["name"].startswith("Tốt")] == ["Tốt", "Tốt nữa"]
    if words is None:
        assert result.errors == []
        return
    assert len(result.errors) == 1, result.errors
    error = result.errors[0]
    assert error.line == line + 4
    assert words in error.message
    assert str(error) == f"Dòng {line + 4}: {error.message}"


def test_a_file_of_several_errors_reports_each_and_keeps_the_good_questions():
    text = (
        "::Tốt::Câu {T}\n\n::Hỏng::Thiếu ngoặc {=a ~b\n\n::Số::Câu {#x}\n\n::Ghép::{=a -> 1 =b}\n\n::Tốt 2::Câu {F}\n"
    )
    result = gift_parse(text)
    assert [error.line for error in result.errors] == [3, 5, 7]
    assert [q.spec["name"] for q in result.questions] == ["Tốt", "Tốt 2"]
    assert not result.ok


GIFT_CHARACTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
GIFT_CHARACTERS += "ĐÂÊÔƠƯABCXYZ0123456789 \t\n.,;!?%*_-><&\"'/[]()~=#{}:\\$"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=GIFT_CHARACTERS, max_size=300))
def test_parse_never_raises_on_any_text(text):
    result = gift_parse(text)
    for error in result.errors:
        assert error.line >= 1 and error.message and "không đọc được" not in error.message
    for question in result.questions:
        assert question.spec["schema"] == 2 and question.line >= 1


def test_a_hint_alone_in_its_block_applies_to_the_next_question():
    result = gift_parse('// hocso: {"default_mark": 4}\n\n::A::Câu {T}\n\n::B::Câu {T}\n')
    assert [q.spec["default_mark"] for q in result.questions] == [4.0, 1.0]


def test_a_file_exported_by_moodle_reads_as_written():
    result = gift_parse((Path(__file__).parent / "gift" / "moodle_export.gift").read_text(encoding="utf-8"))
    assert result.errors == []
    specs = {q.spec["name"]: q.spec for q in result.questions}
    assert all(q.category == ["Default for Khoá 1", "Thể thức"] for q in result.questions)
    assert options(specs["Grants tomb"])[0] == ("Grant", 1.0, "<p>Right</p>")  # answers in [html]: plain text
    assert specs["Grants tomb"]["general_feedback"] == "<p>General <i>feedback</i></p>"
    assert [(a["text"], a["fraction"], a["feedback"]) for a in specs["Short"]["answers"]] == [
        ("four", 1.0, ""),
        ("4", 0.5, "Digits"),
    ]
    assert [a["fraction"] for a in specs["Num"]["answers"]] == [1.0, 0.5, 0.0]
    assert (specs["TF"]["feedback_true"], specs["TF"]["feedback_false"]) == ("<p>right</p>", "<p>wrong</p>")
    assert specs["Match"]["pairs"][0] == {"left": "cat", "right": "cat food"}
    assert specs["Essay"]["type"] == "essay"
