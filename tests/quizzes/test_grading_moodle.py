"""Answers graded as Moodle grades them: one row per (question, response, expected fraction).

Each case is a schema-2 payload (docs/quiz_payloads.md) written as a teacher would write it in
Moodle, a learner's response as the attempt form stores it, and the fraction of the mark Moodle
gives for it.
"""

import pytest

from quizzes.grading import grade
from quizzes.payloads import payload_validate


def opt(text, fraction, feedback=""):
    return {"text": text, "fraction": fraction, "feedback": feedback}


SINGLE_PARTIAL = {  # radio buttons, a partial-credit distractor and a penalised one
    "type": "single",
    "text": "Thủ đô của Việt Nam?",
    "options": [opt("Hà Nội", 1), opt("Thăng Long", 0.5), opt("Huế", 0), opt("Sài Gòn", -0.5)],
}
MULTIPLE = {  # checkboxes: two right (50 % each), two wrong (−50 %, −100 %)
    "type": "multiple",
    "text": "Thành phần của chữ ký số?",
    "options": [opt("khoá bí mật", 0.5), opt("chứng thư số", 0.5), opt("mật khẩu e-mail", -0.5), opt("ảnh chữ ký", -1)],
}
MULTIPLE_ALL_OR_NOTHING = {**MULTIPLE, "all_or_nothing": True}
MULTIPLE_THIRDS = {  # three right options: 33.33333 % each (Moodle's own rounding), one wrong
    "type": "multiple",
    "text": "Giấy tờ nào có thể tích hợp vào VNeID?",
    "options": [opt("CCCD", 0.3333333), opt("Giấy phép lái xe", 0.3333333), opt("BHYT", 0.3333333), opt("Sổ đỏ", -1)],
}
SHORT = {
    "type": "short_answer",
    "text": "Thủ đô của Việt Nam?",
    "answers": [opt("Hà Nội", 1), opt("Ha Noi", 0.75), opt("Thăng*", 0.5)],
    "ignore_diacritics": False,
    "case_sensitive": False,
}
SHORT_CASE = {**SHORT, "answers": [opt("VNeID", 1)], "case_sensitive": True}
SHORT_DIACRITICS = {**SHORT, "answers": [opt("Chữ ký số", 1)], "ignore_diacritics": True}
NUMERIC = {  # Moodle's {#=1945:0 =%50%1945:2}: exact answer full marks, within ±2 half marks
    "type": "numeric",
    "text": "Năm Cách mạng tháng Tám?",
    "answers": [
        {"kind": "exact", "value": 1945, "tolerance": 0, "fraction": 1, "feedback": ""},
        {"kind": "exact", "value": 1945, "tolerance": 2, "fraction": 0.5, "feedback": ""},
    ],
}
NUMERIC_RANGE = {
    "type": "numeric",
    "text": "Một số từ 1 đến 5?",
    "answers": [
        {"kind": "range", "min": 1, "max": 5, "fraction": 1, "feedback": ""},
        {"kind": "range", "min": 0, "max": 10, "fraction": 0.25, "feedback": ""},
    ],
}
MATCHING = {  # three pairs and a distractor right answer
    "type": "matching",
    "text": "Ghép cơ quan với việc.",
    "pairs": [
        {"left": "VNeID", "right": "định danh"},
        {"left": "Cổng DVC", "right": "nộp hồ sơ"},
        {"left": "Token", "right": "ký số"},
        {"left": "", "right": "nhắn tin"},
    ],
}
TRUE_FALSE = {"type": "true_false", "text": "Chữ ký số có giá trị như chữ ký tay.", "answer": True}
ORDERING = {"type": "ordering", "text": "Sắp xếp.", "items": ["một", "hai", "ba", "bốn"]}

CASES = [
    # single choice: the chosen option's fraction, never below 0
    ("single: right option", SINGLE_PARTIAL, 0, 1.0),
    ("single: partial-credit distractor", SINGLE_PARTIAL, 1, 0.5),
    ("single: plain wrong option", SINGLE_PARTIAL, 2, 0.0),
    ("single: negative option floored at 0", SINGLE_PARTIAL, 3, 0.0),
    ("single: no answer", SINGLE_PARTIAL, None, 0.0),
    # multiple answers: sum of the chosen fractions, floored at 0 and capped at 1
    ("multiple: both right", MULTIPLE, [0, 1], 1.0),
    ("multiple: one right", MULTIPLE, [0], 0.5),
    ("multiple: one right, one −50 %", MULTIPLE, [0, 2], 0.0),
    ("multiple: all ticked", MULTIPLE, [0, 1, 2, 3], 0.0),
    ("multiple: only wrong ones, floored", MULTIPLE, [2, 3], 0.0),
    ("multiple: both right and −50 %", MULTIPLE, [0, 1, 2], 0.5),
    ("all or nothing: exactly the right ones", MULTIPLE_ALL_OR_NOTHING, [0, 1], 1.0),
    ("multiple: three thirds make the whole mark", MULTIPLE_THIRDS, [0, 1, 2], 1.0),
    ("multiple: two thirds", MULTIPLE_THIRDS, [0, 2], 0.6666666),
    ("all or nothing: one missing", MULTIPLE_ALL_OR_NOTHING, [0], 0.0),
    ("all or nothing: one too many", MULTIPLE_ALL_OR_NOTHING, [0, 1, 2], 0.0),
    # short answer: the best matching answer's fraction; * is a wildcard; case as configured
    ("short: full answer", SHORT, "Hà Nội", 1.0),
    ("short: case ignored", SHORT, "hà nội", 1.0),
    ("short: 75 % answer", SHORT, "Ha Noi", 0.75),
    ("short: wildcard answer", SHORT, "Thăng Long", 0.5),
    ("short: weight is not part of the answer", SHORT, "%75%Ha Noi", 0.0),
    ("short: no match", SHORT, "Huế", 0.0),
    ("short: surrounding spaces ignored", SHORT, "  Hà Nội ", 1.0),
    ("short: case-sensitive exact", SHORT_CASE, "VNeID", 1.0),
    ("short: case-sensitive wrong case", SHORT_CASE, "vneid", 0.0),
    ("short: diacritics ignored when asked", SHORT_DIACRITICS, "chu ky so", 1.0),
    ("short: diacritics kept when not asked", SHORT, "Ha Nôi", 0.0),
    # numeric: the best answer whose interval holds the number
    ("numeric: exact", NUMERIC, "1945", 1.0),
    ("numeric: within tolerance, partial", NUMERIC, "1947", 0.5),
    ("numeric: outside every tolerance", NUMERIC, "1948", 0.0),
    ("numeric: decimal comma", NUMERIC, "1945,0", 1.0),
    ("numeric: not a number", NUMERIC, "năm 1945", 0.0),
    ("numeric range: inside", NUMERIC_RANGE, "5", 1.0),
    ("numeric range: in the wider range", NUMERIC_RANGE, "7.5", 0.25),
    ("numeric range: outside both", NUMERIC_RANGE, "11", 0.0),
    # matching: each pair counts alone
    ("matching: every pair", MATCHING, [0, 1, 2], 1.0),
    ("matching: two of three", MATCHING, [0, 1, 3], pytest.approx(2 / 3)),
    ("matching: distractor everywhere", MATCHING, [3, 3, 3], 0.0),
    ("matching: two swapped", MATCHING, [1, 0, 2], pytest.approx(1 / 3)),
    # true/false and ordering
    ("true/false: right", TRUE_FALSE, True, 1.0),
    ("true/false: wrong", TRUE_FALSE, False, 0.0),
    ("true/false: no answer", TRUE_FALSE, None, 0.0),
    ("ordering: right order", ORDERING, [0, 1, 2, 3], 1.0),
    ("ordering: two items swapped", ORDERING, [1, 0, 2, 3], 0.5),
]


@pytest.mark.parametrize(("case", "spec", "response", "expected"), CASES, ids=[c[0] for c in CASES])
def test_graded_as_moodle_grades(case, spec, response, expected):
    assert grade(payload_validate(spec), response) == expected


def test_essay_and_description_are_not_graded_automatically():
    essay = payload_validate({"type": "essay", "text": "Trình bày quy trình ký số một văn bản."})
    description = payload_validate({"type": "description", "text": "Phần 2: chữ ký số."})
    assert grade(essay, "Bước 1…") is None
    assert grade(description, None) is None
