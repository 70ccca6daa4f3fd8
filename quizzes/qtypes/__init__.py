"""Question types: one class each (grading, form, payload, rendering, review, statistics)."""

from .base import PayloadError, QType
from .registry import QUESTION_TYPES, qtype_choices, qtype_for

__all__ = ["QUESTION_TYPES", "PayloadError", "QType", "qtype_choices", "qtype_for"]
