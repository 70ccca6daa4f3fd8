"""Essays (a person grades them, with a rubric) and descriptions (text between questions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from lms.html import html_to_text
from lms.text import normalize_nfc

from .base import QType, int_or_none, rich

ESSAY_MAX = 50_000


class Essay(QType):
    code = "essay"
    label = gettext_lazy("Tự luận")
    manual = True
    template = "quizzes/qtypes/essay.html"

    def normalize(self, spec):
        return {
            "response_template": rich(spec.get("response_template"), label=gettext_lazy("Mẫu trả lời")),
            "grader_info": rich(spec.get("grader_info"), label=gettext_lazy("Hướng dẫn chấm")),
            "min_words": max(0, int_or_none(spec.get("min_words")) or 0),
        }

    def public(self, payload, entry):
        return {"response_template": payload.get("response_template", ""), "min_words": payload.get("min_words", 0)}

    def response_from_post(self, payload, entry, data, prefix):
        """The essay as the learner typed it (plain text, paragraphs kept); shown escaped."""
        text = normalize_nfc(data.get(prefix, "")).replace("\r\n", "\n").strip()[:ESSAY_MAX]
        if text and text == html_to_text(payload.get("response_template", "")).strip():
            return None  # the untouched template is not an answer
        return text or None

    def grade(self, payload, response):
        return None  # a grader records the fraction and a comment

    def response_display(self, payload, response):
        return response or ""

    def response_key(self, payload, response):
        return "answered" if response else ""

    def fields_from_payload(self, payload):
        return {
            "response_template": payload.get("response_template", ""),
            "grader_info": payload.get("grader_info", ""),
            "min_words": payload.get("min_words", 0),
        }, []

    def spec_from_question(self, question, rows):
        return {
            "response_template": question.response_template,
            "grader_info": question.grader_info,
            "min_words": question.min_words,
        }


class Description(QType):
    code = "description"
    label = gettext_lazy("Đoạn mô tả (không chấm điểm)")
    graded = False
    template = "quizzes/qtypes/description.html"

    def grade(self, payload, response):
        return None

    def is_answered(self, payload, response) -> bool:
        return True
