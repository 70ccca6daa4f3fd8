"""Grading and display of one question from its frozen payload, through its type's class.

The learner's form only ever carries *display positions*; the attempt layout maps them back to the
payload's rows, so no field name or value reveals which option, match or order is right.
``question_public`` is the only thing the attempt page receives about a question: no fractions,
no feedback, no right answer.
"""

from __future__ import annotations

from typing import Any

from .qtypes import qtype_for
from .qtypes.answers import parse_number

__all__ = [
    "correct_answer_display",
    "correctness",
    "general_feedback",
    "grade",
    "layout_entry_for",
    "parse_number",
    "question_public",
    "response_display",
    "response_from_post",
    "specific_feedback",
]


def layout_entry_for(payload: dict, *, rng, shuffle_answers: bool) -> dict:
    """Freeze how a question is shown in one attempt (option / match / item order)."""
    return qtype_for(payload).layout_entry(payload, rng=rng, shuffle_answers=shuffle_answers)


def question_public(payload: dict, entry: dict) -> dict:
    """What the learner sees while answering: text and shown rows, nothing else."""
    qtype = qtype_for(payload)
    shown: dict[str, Any] = {
        "type": qtype.code,
        "template": qtype.template,
        "text": payload["text"],
        "image_id": payload.get("image_id"),
        "graded": qtype.graded,
    }
    shown.update(qtype.public(payload, entry))
    return shown


def response_from_post(payload: dict, entry: dict, data, prefix: str):
    """One question's answer from a submitted form, as stored JSON (payload indices)."""
    return qtype_for(payload).response_from_post(payload, entry, data, prefix)


# Fractions are kept to 7 decimals (as Moodle keeps them): three right options of 33.33333 % each sum
# to 0.9999999, which is the whole mark — Moodle counts a fraction above 0.999999 right, below
# 0.000001 wrong (``question_state::graded_state_for_fraction``).
FRACTION_RIGHT = 0.999999
FRACTION_WRONG = 0.000001


def grade(payload: dict, response) -> float | None:
    """The fraction of the question's mark earned, in [0, 1]; ``None`` for an essay (a person grades it)
    or a description (nothing to grade)."""
    qtype = qtype_for(payload)
    if not qtype.graded:
        return None
    if response is None and not qtype.manual:
        return 0.0
    fraction = qtype.grade(payload, response)
    if fraction is None:
        return None
    if fraction > FRACTION_RIGHT:
        return 1.0
    if fraction < FRACTION_WRONG:
        return 0.0
    return round(fraction, 7)


def correctness(fraction: float | None) -> str | None:
    """ "right", "partial" or "wrong" for a graded fraction, on the thresholds ``grade`` rounds to (an
    answer stored before it rounded — 0.9999999 — reads right too); None when there is none."""
    if fraction is None:
        return None
    if fraction > FRACTION_RIGHT:
        return "right"
    return "wrong" if fraction < FRACTION_WRONG else "partial"


def response_display(payload: dict, response) -> str:
    """The learner's answer as text, for the review page and reports."""
    return "" if response is None else qtype_for(payload).response_display(payload, response)


def correct_answer_display(payload: dict) -> str:
    return qtype_for(payload).right_answer_display(payload)


def specific_feedback(payload: dict, response) -> list[str]:
    """The feedback tied to the answer given (HTML)."""
    return [text for text in qtype_for(payload).specific_feedback(payload, response) if text]


def general_feedback(payload: dict) -> str:
    return payload.get("general_feedback", "")
