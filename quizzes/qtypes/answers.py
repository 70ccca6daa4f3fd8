"""Typed answers: true/false, short answer (each accepted answer with its fraction) and numeric
(several answers, each an exact value with a tolerance or a range, with its fraction)."""

from __future__ import annotations

import math
import re
import unicodedata

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.text import normalize_nfc, search_key

from .base import ANSWER_MAX, PayloadError, QType, fraction_value, plain, rich


class TrueFalse(QType):
    code = "true_false"
    label = gettext_lazy("Đúng/Sai")
    template = "quizzes/qtypes/true_false.html"

    def normalize(self, spec):
        if not isinstance(spec.get("answer"), bool):
            raise PayloadError(_("Câu Đúng/Sai cần chọn đáp án."))
        return {
            "answer": spec["answer"],
            "feedback_true": rich(spec.get("feedback_true")),
            "feedback_false": rich(spec.get("feedback_false")),
        }

    def response_from_post(self, payload, entry, data, prefix):
        return {"true": True, "false": False}.get(data.get(prefix))

    def grade(self, payload, response):
        return 1.0 if response is payload["answer"] else 0.0

    def response_display(self, payload, response):
        return "" if response is None else (_("Đúng") if response else _("Sai"))

    def right_answer_display(self, payload):
        return _("Đúng") if payload["answer"] else _("Sai")

    def specific_feedback(self, payload, response):
        if response is None:
            return []
        return [payload["feedback_true"] if response else payload["feedback_false"]]

    def fields_from_payload(self, payload):
        return {
            "true_false_answer": payload["answer"],
            "feedback_true": payload.get("feedback_true", ""),
            "feedback_false": payload.get("feedback_false", ""),
        }, []

    def spec_from_question(self, question, rows):
        return {
            "answer": question.true_false_answer,
            "feedback_true": question.feedback_true,
            "feedback_false": question.feedback_false,
        }


class ShortAnswer(QType):
    code = "short_answer"
    label = gettext_lazy("Trả lời ngắn")
    template = "quizzes/qtypes/short_answer.html"

    def normalize(self, spec):
        if "answers" in spec:
            answers = [
                {
                    "text": plain(answer.get("text"), label=_("Đáp án")),
                    "fraction": fraction_value(answer.get("fraction", 1)),
                    "feedback": rich(answer.get("feedback")),
                }
                for answer in spec["answers"]
            ]
        else:  # schema 1: every accepted answer is fully right
            answers = [
                {"text": plain(text, label=_("Đáp án")), "fraction": 1.0, "feedback": ""}
                for text in spec.get("accepted", [])
            ]
        answers = [answer for answer in answers if answer["text"]]
        if not any(answer["fraction"] > 0 for answer in answers):
            raise PayloadError(_("Câu trả lời ngắn cần ít nhất một đáp án được tính điểm."))
        return {
            "answers": answers,
            "case_sensitive": bool(spec.get("case_sensitive", False)),
            "ignore_diacritics": bool(spec.get("ignore_diacritics", True)),
        }

    def response_from_post(self, payload, entry, data, prefix):
        value = normalize_nfc(data.get(prefix, "")).strip()[:ANSWER_MAX]
        return value or None

    def _match(self, payload, given: str):
        """The answer the response matches with the highest fraction, or None."""
        best = None
        for answer in payload["answers"]:
            if _same_text(given, answer["text"], payload) and (best is None or answer["fraction"] > best["fraction"]):
                best = answer
        return best

    def grade(self, payload, response):
        if not response:
            return 0.0
        match = self._match(payload, response)
        return max(0.0, match["fraction"]) if match else 0.0

    def right_answer_display(self, payload):
        best = max(answer["fraction"] for answer in payload["answers"])
        return " / ".join(answer["text"] for answer in payload["answers"] if answer["fraction"] == best)

    def specific_feedback(self, payload, response):
        match = self._match(payload, response) if response else None
        return [match["feedback"]] if match else []

    def response_key(self, payload, response):
        return search_key(response or "")

    def fields_from_payload(self, payload):
        rows = [
            {"text": a["text"], "fraction": a["fraction"], "feedback": a.get("feedback", "")}
            for a in payload["answers"]
        ]
        return {"case_sensitive": payload["case_sensitive"], "ignore_diacritics": payload["ignore_diacritics"]}, rows

    def spec_from_question(self, question, rows):
        return {
            "answers": [{"text": r.text, "fraction": r.fraction, "feedback": r.feedback} for r in rows],
            "case_sensitive": question.case_sensitive,
            "ignore_diacritics": question.ignore_diacritics,
        }


def _same_text(given: str, accepted: str, payload: dict) -> bool:
    """Moodle's short-answer match: ``*`` in an answer matches any run of characters; case and (by
    default, for Vietnamese typed without a keyboard layout) diacritics ignored unless set."""
    given = " ".join(given.split())
    accepted = " ".join(accepted.split())
    if payload.get("ignore_diacritics", True):
        given_key, accepted_key = search_key(given), search_key(accepted)
        if payload.get("case_sensitive"):  # keep case, drop marks only
            given_key = _strip_marks_keep_case(given)
            accepted_key = _strip_marks_keep_case(accepted)
    else:
        given_key, accepted_key = given, accepted
        if not payload.get("case_sensitive"):
            given_key, accepted_key = given.casefold(), accepted.casefold()
    if "*" in accepted_key:
        pattern = ".*".join(re.escape(part) for part in accepted_key.split("*"))
        return re.fullmatch(pattern, given_key, flags=re.DOTALL) is not None
    return given_key == accepted_key


def _strip_marks_keep_case(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def parse_number(text) -> float | None:
    """Accept "30", "30,5", "30.5" and "1.234,5" (Vietnamese grouping)."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return float(text)
    cleaned = str(text or "").strip().replace(" ", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class Numeric(QType):
    code = "numeric"
    label = gettext_lazy("Số")
    template = "quizzes/qtypes/numeric.html"

    def normalize(self, spec):
        raw = spec.get("answers")
        if raw is None:  # schema 1: one exact answer
            raw = [{"kind": "exact", "value": spec.get("answer"), "tolerance": spec.get("tolerance", 0), "fraction": 1}]
        answers = []
        for answer in raw:
            kind = answer.get("kind", "exact")
            feedback = rich(answer.get("feedback"))
            fraction = fraction_value(answer.get("fraction", 1))
            if kind == "any":  # Moodle's "*": any other number (usually 0 % with a feedback)
                answers.append({"kind": "any", "fraction": fraction, "feedback": feedback})
            elif kind == "range":
                low, high = _number(answer.get("min")), _number(answer.get("max"))
                if high < low:
                    raise PayloadError(_("Khoảng đáp án số: giá trị đầu phải nhỏ hơn giá trị cuối."))
                answers.append({"kind": "range", "min": low, "max": high, "fraction": fraction, "feedback": feedback})
            else:
                answers.append(
                    {
                        "kind": "exact",
                        "value": _number(answer.get("value")),
                        "tolerance": abs(_number(answer.get("tolerance") or 0)),
                        "fraction": fraction,
                        "feedback": feedback,
                    }
                )
        if not any(answer["fraction"] > 0 for answer in answers):
            raise PayloadError(_("Câu hỏi số cần ít nhất một đáp án được tính điểm."))
        return {"answers": answers, "unit": plain(spec.get("unit", ""), limit=20, label=_("Đơn vị"))}

    def public(self, payload, entry):
        return {"unit": payload.get("unit", "")}

    def response_from_post(self, payload, entry, data, prefix):
        value = normalize_nfc(data.get(prefix, "")).strip()[:100]
        return value or None

    def _match(self, payload, response):
        value = parse_number(response)
        if value is None:
            return None
        best = None
        for answer in payload["answers"]:
            if answer["kind"] == "any":
                inside = True
            elif answer["kind"] == "range":
                inside = answer["min"] - 1e-9 <= value <= answer["max"] + 1e-9
            else:
                inside = abs(value - answer["value"]) <= answer["tolerance"] + 1e-9 * max(1.0, abs(answer["value"]))
            if inside and (best is None or answer["fraction"] > best["fraction"]):
                best = answer
        return best

    def grade(self, payload, response):
        match = self._match(payload, response) if response else None
        return max(0.0, match["fraction"]) if match else 0.0

    def right_answer_display(self, payload):
        best = max(a["fraction"] for a in payload["answers"])
        return " / ".join(
            _number_display(a) + (f" {payload['unit']}" if payload.get("unit") else "")
            for a in payload["answers"]
            if a["fraction"] == best
        )

    def specific_feedback(self, payload, response):
        match = self._match(payload, response) if response else None
        return [match["feedback"]] if match else []

    def response_key(self, payload, response):
        value = parse_number(response)
        return f"{value:g}" if value is not None else str(response or "")

    def fields_from_payload(self, payload):
        rows = []
        for a in payload["answers"]:
            if a["kind"] == "any":
                rows.append({"text": "*", "fraction": a["fraction"], "feedback": a.get("feedback", "")})
            elif a["kind"] == "range":
                rows.append(
                    {
                        "text": f"{_plain_number(a['min'])}..{_plain_number(a['max'])}",
                        "fraction": a["fraction"],
                        "feedback": a.get("feedback", ""),
                    }
                )
            else:
                rows.append(
                    {
                        "text": _plain_number(a["value"]),
                        "tolerance": a["tolerance"],
                        "fraction": a["fraction"],
                        "feedback": a.get("feedback", ""),
                    }
                )
        return {"numeric_unit": payload.get("unit", "")}, rows

    def spec_from_question(self, question, rows):
        answers = []
        for row in rows:
            if row.text.strip() == "*":
                answers.append({"kind": "any", "fraction": row.fraction, "feedback": row.feedback})
            elif ".." in row.text:
                low, high = row.text.split("..", 1)
                answers.append(
                    {"kind": "range", "min": low, "max": high, "fraction": row.fraction, "feedback": row.feedback}
                )
            else:
                answers.append(
                    {
                        "kind": "exact",
                        "value": row.text,
                        "tolerance": row.tolerance or 0,
                        "fraction": row.fraction,
                        "feedback": row.feedback,
                    }
                )
        return {"answers": answers, "unit": question.numeric_unit}


def _number(value) -> float:
    number = parse_number(value)
    if number is None:
        raise PayloadError(_("“%(value)s” không phải là số.") % {"value": value})
    return number


def _plain_number(value: float) -> str:
    """Exactly as written, never in scientific notation (299792458, 0.1, 2.5)."""
    text = repr(float(value))
    if "e" in text or "E" in text:
        text = f"{value:.15f}".rstrip("0").rstrip(".")
    return text[:-2] if text.endswith(".0") else text


def _number_display(answer: dict) -> str:
    if answer["kind"] == "any":
        return _("bất kỳ số nào")
    if answer["kind"] == "range":
        return f"{_plain_number(answer['min'])} – {_plain_number(answer['max'])}"
    tolerance = f" ± {_plain_number(answer['tolerance'])}" if answer["tolerance"] else ""
    return _plain_number(answer["value"]) + tolerance
