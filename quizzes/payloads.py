"""Canonical question payloads: what a ``QuestionVersion`` stores and grading reads.

One dict per question, the same shape as the demo files (courses/demo/SCHEMA.md)
and GIFT imports: ``{"type", "name", "text", "feedback", ...type fields}``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from lms.text import normalize_nfc

from .models.bank import Question, QuestionType


class PayloadError(ValueError):
    """A question that cannot be graded as written; the message is for people."""


def payload_validate(spec: dict) -> dict:
    """Return a normalised copy of ``spec`` or raise ``PayloadError``."""
    qtype = spec.get("type")
    text = normalize_nfc(spec.get("text", ""))
    if qtype not in QuestionType.values:
        raise PayloadError(_("Loại câu hỏi “%(type)s” không được hỗ trợ.") % {"type": qtype})
    if not text:
        raise PayloadError(_("Câu hỏi chưa có nội dung."))
    payload = {
        "type": qtype,
        "name": normalize_nfc(spec.get("name") or text[:80]),
        "text": text,
        "feedback": normalize_nfc(spec.get("feedback", "")),
    }
    if spec.get("image_id"):
        payload["image_id"] = spec["image_id"]
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        options = [
            {
                "text": normalize_nfc(option["text"]),
                "correct": bool(option.get("correct")),
                "feedback": normalize_nfc(option.get("feedback", "")),
            }
            for option in spec.get("options", [])
        ]
        correct = sum(option["correct"] for option in options)
        if len(options) < 2:
            raise PayloadError(_("Câu hỏi trắc nghiệm cần ít nhất hai phương án."))
        if qtype == QuestionType.SINGLE and correct != 1:
            raise PayloadError(_("Câu hỏi một đáp án cần đúng một phương án đúng."))
        if qtype == QuestionType.MULTIPLE and correct < 1:
            raise PayloadError(_("Câu hỏi nhiều đáp án cần ít nhất một phương án đúng."))
        payload["options"] = options
        if qtype == QuestionType.MULTIPLE:
            payload["partial"] = bool(spec.get("partial", False))
            payload["negative"] = bool(spec.get("negative", False))
    elif qtype == QuestionType.TRUE_FALSE:
        if not isinstance(spec.get("answer"), bool):
            raise PayloadError(_("Câu Đúng/Sai cần chọn đáp án."))
        payload["answer"] = spec["answer"]
    elif qtype == QuestionType.SHORT_ANSWER:
        accepted = [normalize_nfc(answer) for answer in spec.get("accepted", []) if normalize_nfc(answer)]
        if not accepted:
            raise PayloadError(_("Câu trả lời ngắn cần ít nhất một đáp án được chấp nhận."))
        payload.update(
            accepted=accepted,
            case_sensitive=bool(spec.get("case_sensitive", False)),
            ignore_diacritics=bool(spec.get("ignore_diacritics", True)),
        )
    elif qtype == QuestionType.NUMERIC:
        try:
            payload["answer"] = float(spec["answer"])
            payload["tolerance"] = abs(float(spec.get("tolerance", 0) or 0))
        except (KeyError, TypeError, ValueError) as error:
            raise PayloadError(_("Câu hỏi số cần một đáp án là số.")) from error
        payload["unit"] = normalize_nfc(spec.get("unit", ""))
    elif qtype == QuestionType.MATCHING:
        pairs = [
            {"left": normalize_nfc(pair["left"]), "right": normalize_nfc(pair["right"])}
            for pair in spec.get("pairs", [])
        ]
        if len(pairs) < 2:
            raise PayloadError(_("Câu ghép cặp cần ít nhất hai cặp."))
        payload["pairs"] = pairs
    elif qtype == QuestionType.ORDERING:
        items = [normalize_nfc(item) for item in spec.get("items", []) if normalize_nfc(item)]
        if len(items) < 2:
            raise PayloadError(_("Câu sắp xếp cần ít nhất hai mục."))
        payload["items"] = items
    return payload


def payload_from_question(question: Question) -> dict:
    """Build the canonical payload from an edited question and its rows."""
    rows = list(question.choices.all())
    spec: dict = {
        "type": question.qtype,
        "name": question.name,
        "text": question.text,
        "feedback": question.general_feedback,
        "image_id": question.image_id,
    }
    if question.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        spec["options"] = [{"text": r.text, "correct": r.correct, "feedback": r.feedback} for r in rows]
        spec["partial"] = question.partial_credit
        spec["negative"] = question.negative_marking
    elif question.qtype == QuestionType.TRUE_FALSE:
        spec["answer"] = question.true_false_answer
    elif question.qtype == QuestionType.SHORT_ANSWER:
        spec["accepted"] = [r.text for r in rows]
        spec["case_sensitive"] = question.case_sensitive
        spec["ignore_diacritics"] = question.ignore_diacritics
    elif question.qtype == QuestionType.NUMERIC:
        spec.update(answer=question.numeric_answer, tolerance=question.numeric_tolerance, unit=question.numeric_unit)
    elif question.qtype == QuestionType.MATCHING:
        spec["pairs"] = [{"left": r.text, "right": r.match} for r in rows]
    elif question.qtype == QuestionType.ORDERING:
        spec["items"] = [r.text for r in rows]
    return payload_validate(spec)


def question_fields_from_payload(payload: dict) -> tuple[dict, list[dict]]:
    """Question field values and choice rows that reproduce ``payload`` (imports, demo)."""
    fields = {
        "qtype": payload["type"],
        "name": payload["name"][:255],
        "text": payload["text"],
        "general_feedback": payload.get("feedback", ""),
    }
    rows: list[dict] = []
    qtype = payload["type"]
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        rows = [
            {"text": o["text"], "correct": o["correct"], "feedback": o.get("feedback", "")} for o in payload["options"]
        ]
        fields.update(partial_credit=payload.get("partial", False), negative_marking=payload.get("negative", False))
    elif qtype == QuestionType.TRUE_FALSE:
        fields["true_false_answer"] = payload["answer"]
    elif qtype == QuestionType.SHORT_ANSWER:
        rows = [{"text": answer, "correct": True} for answer in payload["accepted"]]
        fields.update(case_sensitive=payload["case_sensitive"], ignore_diacritics=payload["ignore_diacritics"])
    elif qtype == QuestionType.NUMERIC:
        fields.update(
            numeric_answer=payload["answer"], numeric_tolerance=payload["tolerance"], numeric_unit=payload["unit"]
        )
    elif qtype == QuestionType.MATCHING:
        rows = [{"text": pair["left"], "match": pair["right"]} for pair in payload["pairs"]]
    elif qtype == QuestionType.ORDERING:
        rows = [{"text": item} for item in payload["items"]]
    return fields, rows
