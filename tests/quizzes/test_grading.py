import pytest

from quizzes.grading import grade, parse_number
from quizzes.payloads import PayloadError, payload_validate
from tests.factories import QUESTION_SPECS


def payload(kind, **changes):
    return payload_validate({**QUESTION_SPECS[kind], **changes})


def test_single_and_true_false():
    assert grade(payload("single"), 1) == 1.0
    assert grade(payload("single"), 0) == 0.0
    assert grade(payload("true_false"), False) == 1.0
    assert grade(payload("true_false"), True) == 0.0
    assert grade(payload("single"), None) == 0.0


def test_multiple_all_or_nothing_partial_and_negative():
    all_or_nothing = payload("multiple", partial=False)
    assert grade(all_or_nothing, [0, 1]) == 1.0
    assert grade(all_or_nothing, [0]) == 0.0
    partial = payload("multiple", partial=True)
    assert grade(partial, [0]) == 0.5
    assert grade(partial, [0, 2]) == 0.5
    negative = payload("multiple", partial=True, negative=True)
    assert grade(negative, [0, 2]) == 0.0
    assert grade(negative, [0, 1, 2]) == 0.5
    assert grade(negative, [2]) == 0.0  # never below zero


def test_short_answer_case_and_diacritics():
    vneid = payload("short_answer", accepted=["Chữ ký số"])
    assert grade(vneid, "chu ky so") == 1.0
    assert grade(vneid, "CHỮ KÝ SỐ") == 1.0
    strict = payload("short_answer", accepted=["Chữ ký số"], ignore_diacritics=False)
    assert grade(strict, "chu ky so") == 0.0
    assert grade(strict, "chữ ký số") == 1.0
    assert (
        grade(
            payload("short_answer", accepted=["Chữ ký số"], ignore_diacritics=False, case_sensitive=True), "chữ ký số"
        )
        == 0.0
    )


def test_numeric_tolerance_and_vietnamese_decimal_comma():
    margin = payload("numeric", answer=30, tolerance=5)
    assert grade(margin, "35") == 1.0 and grade(margin, "25") == 1.0 and grade(margin, "35,1") == 0.0
    assert parse_number("1.234,5") == 1234.5 and parse_number("abc") is None


def test_matching_and_ordering_partial():
    assert grade(payload("matching"), [0, 1, 2]) == 1.0
    assert grade(payload("matching"), [1, 0, 2]) == pytest.approx(1 / 3)
    assert grade(payload("ordering"), [0, 1, 2, 3]) == 1.0
    assert grade(payload("ordering"), [1, 0, 2, 3]) == 0.5


@pytest.mark.parametrize(
    "spec",
    [
        {"type": "single", "text": "x", "options": [{"text": "a", "fraction": 0.5}, {"text": "b", "fraction": 0}]},
        {"type": "multiple", "text": "x", "options": [{"text": "a", "fraction": 0.5}, {"text": "b", "fraction": 0.2}]},
        {"type": "single", "text": "x", "options": [{"text": "a", "fraction": 1.5}, {"text": "b", "fraction": 0}]},
        {"type": "short_answer", "text": "x", "accepted": []},
        {"type": "numeric", "text": "x", "answer": "không phải số"},
        {"type": "cloze", "text": "x"},
        {"type": "single", "text": "", "options": []},
        {
            "type": "single",
            "text": "x",
            "options": [{"text": "a", "fraction": 1, "feedback": "x" * 2001}, {"text": "b"}],
        },
    ],
)
def test_invalid_questions_are_refused_with_a_message(spec):
    with pytest.raises(PayloadError):
        payload_validate(spec)
