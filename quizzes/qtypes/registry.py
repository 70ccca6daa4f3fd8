"""The question types, by code: one class each (``quizzes/qtypes/``), no if/elif chains elsewhere."""

from __future__ import annotations

from .answers import Numeric, ShortAnswer, TrueFalse
from .base import QType
from .choice import MultipleChoice, SingleChoice
from .manual import Description, Essay
from .structured import Matching, Ordering

QUESTION_TYPES: dict[str, QType] = {
    qtype.code: qtype
    for qtype in (
        SingleChoice(),
        MultipleChoice(),
        TrueFalse(),
        ShortAnswer(),
        Numeric(),
        Matching(),
        Ordering(),
        Essay(),
        Description(),
    )
}


def qtype_for(payload_or_code) -> QType:
    """The type of a payload (or a type code); ``KeyError`` for an unknown one."""
    code = payload_or_code if isinstance(payload_or_code, str) else payload_or_code["type"]
    return QUESTION_TYPES[code]


def qtype_choices() -> list[tuple[str, str]]:
    return [(code, qtype.label) for code, qtype in QUESTION_TYPES.items()]
