"""What every question type does, and the helpers they share.

A type validates its payload (``normalize``), freezes how it is shown in one attempt
(``layout_entry``), tells the attempt page what to show (``public``) and with which template, reads
the learner's answer from the form (``response_from_post``, display positions mapped back to payload
indices), grades it as a fraction of the mark (``grade``; ``None`` when a person must grade it), and
describes answers for the review page, reports and statistics. ``docs/quiz_payloads.md`` is the
payload schema.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from django.utils.translation import gettext as _

from lms.html import html_sanitize, html_to_text
from lms.text import normalize_nfc

FEEDBACK_MAX = 2_000
ANSWER_MAX = 500
TEXT_MAX = 20_000


class PayloadError(ValueError):
    """A question that cannot be graded as written; the message is for people."""


def fraction_value(value: Any, *, where: str = "") -> float:
    """A grade fraction in [-1, 1] (from 0.5, "0.5", Decimal, or a percentage string "50%")."""
    try:
        if isinstance(value, str) and value.strip().endswith("%"):
            number = float(value.strip().rstrip("%")) / 100
        else:
            number = float(value)
    except (TypeError, ValueError) as error:
        raise PayloadError(_("Tỷ lệ điểm “%(value)s” không phải là số.") % {"value": value}) from error
    if not math.isfinite(number) or not -1.0 - 1e-9 <= number <= 1.0 + 1e-9:
        raise PayloadError(_("Tỷ lệ điểm phải từ -100%% đến 100%%%(where)s.") % {"where": where})
    return round(max(-1.0, min(1.0, number)), 7)


def rich(value: Any, *, limit: int = FEEDBACK_MAX, label: str = "") -> str:
    """Sanitised HTML, refused past ``limit`` characters of text."""
    cleaned = html_sanitize(str(value or ""))
    if len(cleaned) > limit:
        raise PayloadError(
            _("%(what)s dài quá %(limit)s ký tự.")
            % {"what": label or _("Phản hồi"), "limit": f"{limit:,}".replace(",", ".")}
        )
    return cleaned


def plain(value: Any, *, limit: int = ANSWER_MAX, label: str = "") -> str:
    """Short text (an option, an answer): whitespace trimmed, refused past ``limit`` characters."""
    text = normalize_nfc(str(value if value is not None else "")).strip()
    if len(text) > limit:
        raise PayloadError(
            _("%(what)s dài quá %(limit)s ký tự.")
            % {"what": label or _("Đáp án"), "limit": f"{limit:,}".replace(",", ".")}
        )
    return text


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def plain_text(html: str) -> str:
    return html_to_text(html)


class QType:
    """One question type. Subclasses override what differs; the defaults suit ungraded types."""

    code: ClassVar[str]
    label: ClassVar[str]
    graded: ClassVar[bool] = True  # False: no answer at all (description)
    manual: ClassVar[bool] = False  # True: a person grades it (essay)
    in_gift: ClassVar[bool] = True
    template: ClassVar[str] = ""  # the attempt page's include for this type

    # -- payload ------------------------------------------------------------------------
    def normalize(self, spec: dict) -> dict:
        """The type's own keys of a valid payload, from a spec (schema 2, or schema 1 for the legacy
        types); raises ``PayloadError``."""
        return {}

    def default_mark(self) -> float:
        return 1.0 if self.graded else 0.0

    # -- attempt ------------------------------------------------------------------------------
    def layout_entry(self, payload: dict, *, rng, shuffle_answers: bool) -> dict:
        return {}

    def public(self, payload: dict, entry: dict) -> dict:
        return {}

    def response_from_post(self, payload: dict, entry: dict, data, prefix: str):
        return None

    def is_answered(self, payload: dict, response) -> bool:
        return response not in (None, "", [], {})

    # -- grading and review --------------------------------------------------------------------
    def grade(self, payload: dict, response) -> float | None:
        """The fraction of the mark earned, in [0, 1]; ``None`` when a person grades it."""
        return None if self.manual else 0.0

    def response_display(self, payload: dict, response) -> str:
        return "" if response is None else str(response)

    def right_answer_display(self, payload: dict) -> str:
        return ""

    def specific_feedback(self, payload: dict, response) -> list[str]:
        """Feedback tied to the answer given (HTML), Moodle's "specific feedback"."""
        return []

    def response_key(self, payload: dict, response) -> str:
        """The answer as a short key, for response frequencies in the statistics."""
        return self.response_display(payload, response)

    # -- the question bank form ------------------------------------------------------------------
    def fields_from_payload(self, payload: dict) -> tuple[dict, list[dict]]:
        """``Question`` field values and choice rows that reproduce ``payload`` (imports, demo)."""
        return {}, []

    def spec_from_question(self, question, rows: list) -> dict:
        """The type's keys of a spec built from an edited question and its choice rows."""
        return {}
