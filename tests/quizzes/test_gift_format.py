"""GIFT as pure functions (quizzes.gift_format): Moodle's constructs, errors for people, round trips.

No database: every test reads or writes text only.
"""

import html
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.html import html_from_markdown, html_from_plain, html_sanitize
from quizzes.gift_format import gift_export, gift_parse

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
    assert light["answers"][2] == {"kind": "any", "fraction": 0.0, "feedback": "Xem lại định nghĩa mét."}
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


def test_conformance_file_survives_export_and_parse(conformance):
    exported = gift_export([(q.category, q.spec) for q in conformance.values()])
    again = gift_parse(exported)
    assert again.errors == []
    assert [(q.category, q.spec) for q in again.questions] == [(q.category, q.spec) for q in conformance.values()]


# --- round trip: random payloads of every type → export → parse → the same payloads -----------

MOODLE_GRADES = [100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571]
MOODLE_GRADES += [12.5, 11.11111, 10, 5, 0]
FRACTIONS = sorted({round(sign * grade / 100, 7) for grade in MOODLE_GRADES for sign in (1, -1)})
POSITIVE_SPLITS = [[1.0], [0.5, 0.5], [0.3333333, 0.3333333, 0.3333333], [0.25] * 4, [0.75, 0.25], [0.6, 0.4]]
POSITIVE_SPLITS += [[0.8, 0.2], [0.7, 0.3], [0.9, 0.1], [0.5, 0.25, 0.25], [0.1666667] * 6, [0.1428571] * 7]
NUMBERS = [299792458, 0.1, 1945, -39, 2.5, 0, 1e-7, 1e22, 6.02214076e23, 1234.5678, -0.001]

PIECES = ["Điều", "văn bản", "số 30/2020/NĐ-CP", "{", "}", "~", "=", "#", ":", "::", "\\", "\\n", "->", "%50%"]
PIECES += ["[html]", "[plain]", "<b>", "&amp;", "&", "//", "$CATEGORY:", "####", "_____", "**đậm**", "\n", "   "]
words = st.lists(st.one_of(st.sampled_from(PIECES), st.text(alphabet=GIFT_CHARACTERS, max_size=8)), max_size=8)
plain = words.map(lambda parts: " ".join(parts).strip()).filter(bool)
short_plain = plain.filter(lambda text: len(text) <= 200)
html_text = (
    st.lists(st.tuples(st.sampled_from(["p", "strong", "em", "a", "code", "li"]), short_plain), min_size=1, max_size=3)
    .map(lambda parts: html_sanitize("".join(_element(tag, html.escape(text, quote=False)) for tag, text in parts)))
    .filter(bool)
)


def _element(tag, text):
    return f'<p><a href="https://vb.gov.vn/a?b=1#c">{text}</a></p>' if tag == "a" else f"<{tag}>{text}</{tag}>"


feedback = st.one_of(st.just(""), short_plain.map(html_from_plain), html_text)
fraction = st.sampled_from(FRACTIONS)
number = st.one_of(st.sampled_from(NUMBERS), st.floats(min_value=-1e300, max_value=1e300))


@st.composite
def head(draw, qtype):
    text_format = draw(st.sampled_from(["html", "markdown", "plain", "moodle"]))
    payload = {"schema": 2, "type": qtype, "name": draw(short_plain), "text_format": text_format}
    if text_format == "html":
        payload["text"] = draw(html_text)
    else:
        source = draw(plain)
        payload["text_source"] = source
        payload["text"] = html_from_markdown(source) if text_format == "markdown" else html_from_plain(source)
    if not payload["text"]:
        payload["text"] = "<p>x</p>"
        payload["text_format"] = "html"
        payload.pop("text_source", None)
    graded = qtype != "description"
    payload["general_feedback"] = draw(feedback) if graded else ""
    payload["default_mark"] = draw(st.sampled_from([1.0, 2.0, 0.5, 10.0])) if graded else 0.0
    return payload


@st.composite
def answer_list(draw, positive_rule):
    fractions = positive_rule(draw, draw(st.lists(fraction, min_size=2, max_size=5)))
    return [{"text": draw(short_plain), "fraction": f, "feedback": draw(feedback)} for f in fractions]


def single_rule(draw, fractions):
    fractions[draw(st.integers(0, len(fractions) - 1))] = 1.0
    return fractions


def multiple_rule(draw, fractions):
    """Positive fractions that add up to 100%, then wrong ones (0 or negative), at least two options."""
    split = draw(st.sampled_from(POSITIVE_SPLITS))
    wrong = [f for f in fractions if f <= 0] or [0.0]
    return draw(st.permutations(split + wrong))


@st.composite
def payloads(draw):
    qtype = draw(st.sampled_from(["single", "multiple", "true_false", "short_answer", "numeric", "matching"]
                                 + ["ordering", "essay", "description"]))  # fmt: skip
    payload = draw(head(qtype))
    if qtype == "single":
        payload["options"] = draw(answer_list(single_rule))
    elif qtype == "multiple":
        payload["options"] = draw(answer_list(multiple_rule))
        payload["all_or_nothing"] = draw(st.booleans())
    elif qtype == "true_false":
        payload |= {"answer": draw(st.booleans()), "feedback_true": draw(feedback), "feedback_false": draw(feedback)}
    elif qtype == "short_answer":
        answers = draw(answer_list(single_rule))
        payload |= {"answers": answers, "case_sensitive": draw(st.booleans()), "ignore_diacritics": draw(st.booleans())}
    elif qtype == "numeric":
        payload |= {"answers": draw(numeric_answers()), "unit": draw(st.sampled_from(["", "m/s", "°C", "đồng"]))}
    elif qtype == "matching":
        pairs = [
            {"left": left, "right": draw(short_plain)} for left in draw(st.lists(short_plain, min_size=2, max_size=4))
        ]
        pairs += [{"left": "", "right": right} for right in draw(st.lists(short_plain, max_size=2))]
        payload["pairs"] = pairs
    elif qtype == "ordering":
        payload["items"] = draw(st.lists(short_plain, min_size=2, max_size=5))
    elif qtype == "essay":
        payload |= {
            "response_template": draw(feedback),
            "grader_info": draw(feedback),
            "min_words": draw(st.sampled_from([0, 0, 50, 300])),
        }
    return payload


@st.composite
def numeric_answers(draw):
    answers = []
    for index in range(draw(st.integers(1, 4))):
        value_fraction = 1.0 if index == 0 else draw(fraction)
        if draw(st.booleans()):
            low, high = sorted([draw(number), draw(number)])
            answers.append({"kind": "range", "min": low, "max": high, "fraction": value_fraction})
        else:
            tolerance = abs(draw(number))
            answers.append({"kind": "exact", "value": draw(number), "tolerance": tolerance, "fraction": value_fraction})
        answers[-1]["feedback"] = draw(feedback)
    if draw(st.booleans()):
        answers.append({"kind": "any", "fraction": 0.0, "feedback": draw(feedback)})
    return answers


category = st.lists(short_plain.map(lambda name: " ".join(name.split()).strip("/ ")).filter(bool), max_size=3)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.tuples(category, payloads()), min_size=1, max_size=4))
def test_export_then_parse_gives_the_same_payloads(questions):
    exported = gift_export(questions)
    result = gift_parse(exported)
    assert result.errors == [], exported
    assert [(q.category, q.spec) for q in result.questions] == questions, exported


# --- what the writer writes ------------------------------------------------------------------


def payload(qtype, **keys):
    head = {"schema": 2, "type": qtype, "name": "Câu", "text": "Câu hỏi?", "text_format": "moodle"}
    head |= {"text_source": "Câu hỏi?", "general_feedback": "", "default_mark": 0.0 if qtype == "description" else 1.0}
    return head | keys


def round_trip(questions):
    exported = gift_export(questions)
    result = gift_parse(exported)
    assert result.errors == [], exported
    assert [(q.category, q.spec) for q in result.questions] == questions, exported
    return exported


def test_numbers_are_written_exactly_and_fractions_as_moodle_percentages():
    answers = [
        {"kind": "exact", "value": 299792458.0, "tolerance": 0.0, "fraction": 1.0, "feedback": ""},
        {"kind": "exact", "value": 0.1, "tolerance": 1e-7, "fraction": 0.3333333, "feedback": ""},
        {"kind": "range", "min": -1e22, "max": 6.02214076e23, "fraction": -1.0, "feedback": ""},
        {"kind": "exact", "value": 1945.0, "tolerance": 2.0, "fraction": 0.5, "feedback": "Gần đúng."},
    ]
    exported = round_trip([(["Số"], payload("numeric", answers=answers, unit=""))])
    assert "=299792458:0\n" in exported and "=%33.33333%0.1:0.0000001\n" in exported
    assert "=%-100%-10000000000000000000000..602214076000000000000000\n" in exported
    assert "=%50%1945:2#Gần đúng.\n" in exported
    assert "e+" not in exported and "e-" not in exported


def test_categories_are_written_with_doubled_slashes_only_when_they_change():
    single = payload("single", options=[{"text": "a", "fraction": 1.0, "feedback": ""}] * 2)
    exported = round_trip([(["Nghị định 30/2020", "Thể thức"], single), (["Nghị định 30/2020", "Thể thức"], single)])
    assert exported.count("$CATEGORY:") == 1
    assert exported.startswith("$CATEGORY: $course$/top/Nghị định 30//2020/Thể thức\n\n")


def test_a_hint_line_only_for_what_gift_cannot_say():
    options = [{"text": "a", "fraction": 0.5, "feedback": ""}, {"text": "b", "fraction": 0.5, "feedback": ""}]
    plain = round_trip([([], payload("multiple", options=options, all_or_nothing=False))])
    assert "hocso" not in plain and "~%50%a\n" in plain
    hinted = round_trip([([], payload("multiple", options=options, all_or_nothing=True, default_mark=2.0))])
    assert '// hocso: {"all_or_nothing": true, "default_mark": 2.0}\n::Câu::' in hinted


def test_ordering_is_a_comment_moodle_skips_and_hoc_so_reads_back():
    ordering = payload("ordering", items=["Soạn thảo", "Ký số", "Phát hành"], default_mark=1.0)
    exported = round_trip([([], ordering)])
    question_lines = [line for line in exported.splitlines() if line and not line.startswith("$CATEGORY")]
    assert question_lines and all(line.startswith("//") for line in question_lines)


def test_arrows_that_moodle_would_read_as_matching_are_written_around():
    short = payload(
        "short_answer",
        answers=[{"text": "a->b", "fraction": 1.0, "feedback": "x -&gt; y"}],
        case_sensitive=False,
        ignore_diacritics=True,
    )
    pairs = [{"left": "1 -> 2", "right": "một -> hai"}, {"left": "3", "right": "ba"}]
    exported = round_trip([([], short), ([], payload("matching", pairs=pairs))])
    assert '// hocso: {"type": "short_answer"}' in exported and "#[html]x -&gt; y" in exported
    assert "=[html]1 -&gt; 2 -> một -> hai\n" in exported


def test_single_choice_with_every_option_right_keeps_a_tilde_and_an_equals():
    options = [{"text": "a", "fraction": 1.0, "feedback": ""}, {"text": "b", "fraction": 1.0, "feedback": ""}]
    exported = round_trip([([], payload("single", options=options))])
    assert "\t=a\n\t~%100%b\n" in exported


def test_texts_keep_their_format_and_feedback_is_plain_when_it_can_be():
    markdown = payload("true_false", answer=True, feedback_true="<p>Đúng</p>", feedback_false="Sai<br>hẳn")
    markdown |= {
        "text_format": "markdown",
        "text_source": "**Đậm** và {ngoặc}",
        "text": "<p><strong>Đậm</strong> và {ngoặc}</p>",
    }
    moodle = payload("true_false", answer=False, feedback_true="Sai<br>hẳn", feedback_false="<p>Đúng</p>")
    exported = round_trip([([], markdown), ([], moodle)])
    assert "::Câu::[markdown]**Đậm** và \\{ngoặc\\}{TRUE#[html]Sai<br>hẳn#[html]<p>Đúng</p>}" in exported
    assert "::Câu::Câu hỏi?{FALSE#Sai\\nhẳn#[html]<p>Đúng</p>}" in exported
