"""Canonical question payloads (schema 2, ``docs/quiz_payloads.md``): what a ``QuestionVersion``
stores and grading, review, statistics and GIFT export read.

``payload_validate`` turns a spec — from the question form, a GIFT file, a demo file (schema 1 is
still accepted) — into a payload; each type's own keys are checked by its class in
``quizzes/qtypes/``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from lms.html import html_from_format, html_to_text
from lms.text import normalize_nfc

from .models.bank import Question
from .qtypes import PayloadError, qtype_for
from .qtypes.base import TEXT_MAX, rich

__all__ = ["PayloadError", "payload_from_question", "payload_validate", "question_fields_from_payload"]

TEXT_FORMATS = ("html", "plain", "markdown", "moodle")


def _text_html(spec: dict) -> tuple[str, str, str]:
    """(sanitised HTML, format, source) of the question text."""
    text_format = spec.get("text_format") or ("html" if spec.get("schema") == 2 else "plain")
    if text_format not in TEXT_FORMATS:
        text_format = "html"
    source = normalize_nfc(spec.get("text_source") or spec.get("text") or "")
    if text_format in ("markdown", "plain", "moodle"):
        html = html_from_format(source, text_format)
    else:
        html = rich(spec.get("text"), limit=TEXT_MAX, label=_("Nội dung câu hỏi"))
        source = ""
    return html, text_format, source


def payload_validate(spec: dict) -> dict:
    """A normalised schema-2 payload from ``spec``; raises ``PayloadError`` (a message for people)."""
    try:
        qtype = qtype_for(spec.get("type") or "")
    except KeyError:
        raise PayloadError(_("Loại câu hỏi “%(type)s” không được hỗ trợ.") % {"type": spec.get("type")}) from None
    html, text_format, source = _text_html(spec)
    if len(html) > TEXT_MAX:
        raise PayloadError(_("Nội dung câu hỏi dài quá %(limit)s ký tự.") % {"limit": "20.000"})
    if not html_to_text(html) and qtype.code != "description":
        raise PayloadError(_("Câu hỏi chưa có nội dung."))
    name = normalize_nfc(spec.get("name") or html_to_text(html)[:80] or qtype.label).strip()[:255]
    general = spec.get("general_feedback", spec.get("feedback", ""))
    try:
        mark = float(spec.get("default_mark", qtype.default_mark()))
    except (TypeError, ValueError):
        raise PayloadError(_("Điểm của câu hỏi phải là số.")) from None
    if qtype.graded and not 0 < mark <= 1000:
        raise PayloadError(_("Điểm của câu hỏi phải lớn hơn 0."))
    payload = {
        "schema": 2,
        "type": qtype.code,
        "name": name,
        "text": html,
        "text_format": text_format,
        "general_feedback": rich(general, label=_("Phản hồi chung")),
        "default_mark": round(mark, 4) if qtype.graded else 0.0,
    }
    if source:
        payload["text_source"] = source
    if spec.get("image_id"):
        payload["image_id"] = spec["image_id"]
    payload.update(qtype.normalize(spec))
    return payload


def payload_from_question(question: Question) -> dict:
    """The canonical payload of an edited question and its rows."""
    rows = list(question.choices.all())
    spec = {
        "schema": 2,
        "type": question.qtype,
        "name": question.name,
        **_text_as_written(question),
        "general_feedback": question.general_feedback,
        "default_mark": question.default_mark,
        "image_id": question.image_id,
    }
    spec.update(qtype_for(question.qtype).spec_from_question(question, rows))
    return payload_validate(spec)


def _text_as_written(question: Question) -> dict:
    """The text in the format it came in (a GIFT [markdown] question exports as Markdown) while
    nobody has edited it since; once edited in the admin it is HTML."""
    source, text_format = question.text_source, question.text_format
    if text_format != "html" and source and html_from_format(source, text_format) == question.text:
        return {"text": question.text, "text_format": text_format, "text_source": source}
    return {"text": question.text, "text_format": "html"}


def question_fields_from_payload(payload: dict) -> tuple[dict, list[dict]]:
    """``Question`` field values and choice rows that reproduce ``payload`` (imports, demo)."""
    fields = {
        "qtype": payload["type"],
        "name": payload["name"][:255],
        "text": payload["text"],
        "text_format": payload.get("text_format", "html"),
        "text_source": payload.get("text_source", ""),
        "general_feedback": payload.get("general_feedback", ""),
        "default_mark": payload.get("default_mark", 1),
    }
    type_fields, rows = qtype_for(payload).fields_from_payload(payload)
    fields.update(type_fields)
    return fields, rows
