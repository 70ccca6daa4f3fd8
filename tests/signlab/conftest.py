import re

import pytest

from courses.services import enrollment_create
from tests.factories import UserFactory, course_lessons, make_course

SIGN, CHECK, COUNTERSIGN = "lab-sign", "lab-check", "lab-countersign"


def lab_body():
    return [
        {"type": "paragraph", "value": "<p>Thực hành ký số văn bản điện tử.</p>", "id": "para-1"},
        {
            "type": "signature_lab",
            "id": SIGN,
            "value": {"activity": "sign", "document_kind": "to_trinh", "pass_mark": 5},
        },
        {
            "type": "signature_lab",
            "id": CHECK,
            "value": {"activity": "check", "document_kind": "cong_van", "pass_mark": 6},
        },
        {
            "type": "signature_lab",
            "id": COUNTERSIGN,
            "value": {"activity": "countersign", "document_kind": "cong_van", "pass_mark": 5},
        },
    ]


@pytest.fixture
def lab_course(db):
    """A course whose first lesson holds the three lab activities (published)."""
    course = make_course("Chữ ký số trong thực tế", modules=1, lessons_per_module=2)
    lesson = course_lessons(course)[0].specific
    lesson.body = lab_body()
    lesson.save_revision().publish()
    return course


@pytest.fixture
def lab_lesson(lab_course):
    return course_lessons(lab_course)[0].specific


@pytest.fixture
def lab_learner(lab_course):
    learner = UserFactory(full_name="Nguyễn Thị Bích Ngọc", email="ngoc@example.vn")
    enrollment_create(user=learner, course=lab_course)
    return learner


def last_code(mailbox) -> str:
    """The six-digit code of the latest lab e-mail."""
    message = [m for m in mailbox if "Mã xác nhận" in m.subject][-1]
    return re.search(r"\b(\d{6})\b", message.body).group(1)
