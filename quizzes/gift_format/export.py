"""Writing GIFT: schema-2 payloads → a file Moodle imports and ``gift_parse`` reads back unchanged.

Layout follows Moodle's exporter (one answer per line, ``$CATEGORY: $course$/top/…``). Texts are
written in their own format (``text_source``) so a Markdown question comes back as Markdown;
feedback, stored as HTML, is written as plain text when that says the same thing, else as
``[html]``. Line breaks inside a text are ``\\n`` escapes, so no text can end a question early.
What GIFT cannot say goes in a ``// hocso: {json}`` line just before the question.
"""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from lms.html import FORMATS, html_to_text, plain_equivalent, text_to_html

from . import syntax


def gift_export(questions: list[tuple[list[str], dict]]) -> str:
    """GIFT for ``[(category names, payload)]``, with a ``$CATEGORY:`` line wherever the category changes."""
    parts: list[str] = []
    current: list[str] | None = None
    for category, payload in questions:
        if category != current:
            parts.append(f"$CATEGORY: {syntax.category_path(category)}\n")
            current = list(category)
        parts.append(question_gift(payload))
    return "\n".join(parts)


def question_gift(payload: dict) -> str:
    """One question as GIFT (ending with a line break); ordering as a comment Học Số reads back."""
    writer = _Writer(payload)
    kind = payload.get("type")
    if kind == "ordering":
        return writer.ordering()
    body = _BODIES.get(kind)
    if body is None:
        return "// " + _("Bỏ qua câu hỏi loại “%(type)s”: GIFT không có loại này.") % {"type": kind} + "\n"
    return writer.hint_line() + writer.head() + body(writer) + "\n"


class _Writer:
    def __init__(self, payload: dict):
        self.payload = payload
        self.text_format = payload.get("text_format") or "html"
        self.source = payload.get("text_source")
        if self.text_format not in FORMATS or self.text_format == "html" or self.source is None:
            self.text_format, self.source = "html", payload.get("text", "")

    # -- pieces ---------------------------------------------------------------------------------
    def formatted(self, value: str, text_format: str, default: str, *, force: bool = False) -> str:
        return syntax.format_prefix(value, text_format, default, force=force) + syntax.escape(value)

    def rich(self, value: str) -> str:
        """Feedback (HTML) in the question's format if it says the same there, else as ``[html]``."""
        if not value:
            return ""
        if self.text_format in ("plain", "moodle"):
            plain = plain_equivalent(value)
            if plain is not None and "->" not in plain:  # "=a#b->c" would read as a matching pair
                return self.formatted(plain, self.text_format, self.text_format)
        return self.formatted(value, "html", self.text_format)  # sanitised HTML writes ">" as "&gt;"

    def plain(self, value: str) -> str:
        """An option or matching left (plain text) where the question's format applies."""
        if self.text_format == "html":
            return self.formatted(text_to_html(value), "html", "html")
        if "->" in value:  # would end a matching left early; "-&gt;" does not
            return self.formatted(text_to_html(value), "html", self.text_format)
        return self.formatted(value, self.text_format, self.text_format)

    def feedback(self, value: str) -> str:
        return "#" + self.rich(value) if value else ""

    def general(self, indent: str = "\t") -> str:
        value = self.payload.get("general_feedback") or ""
        if not value or self.payload.get("type") == "description":
            return ""
        return f"{indent}####{self.rich(value)}" + ("\n" if indent else "")

    # -- the question ---------------------------------------------------------------------------
    def hint(self) -> dict:
        payload, kind = self.payload, self.payload.get("type")
        hint = {}
        mark = float(payload.get("default_mark", 0.0 if kind == "description" else 1.0))
        if kind != "description" and mark != 1.0:
            hint["default_mark"] = mark
        if kind == "multiple" and payload.get("all_or_nothing"):
            hint["all_or_nothing"] = True
        if kind == "short_answer":
            if payload.get("case_sensitive"):
                hint["case_sensitive"] = True
            if not payload.get("ignore_diacritics", True):
                hint["ignore_diacritics"] = False
            if any("->" in answer["text"] for answer in payload["answers"]):
                hint["type"] = "short_answer"  # Moodle would read "=a->b" as a matching pair
        if kind == "numeric" and payload.get("unit"):
            hint["unit"] = payload["unit"]
        if kind == "essay":
            for key in ("response_template", "grader_info", "min_words"):
                if payload.get(key):
                    hint[key] = payload[key]
        if kind == "description" and payload.get("general_feedback"):
            hint["general_feedback"] = payload["general_feedback"]
        return hint

    def hint_line(self) -> str:
        hint = self.hint()
        return f"// {syntax.HINT_PREFIX} {json.dumps(hint, ensure_ascii=False, sort_keys=True)}\n" if hint else ""

    def head(self) -> str:
        name = str(self.payload.get("name") or "").strip()
        head = f"::{syntax.escape(name)}::" if name else ""
        # Without a name the text starts the line: a format tag keeps "//…" from reading as a comment.
        return head + self.formatted(self.source, self.text_format, "moodle", force=not name)

    def ordering(self) -> str:
        keys = ("type", "name", "text", "text_format", "text_source", "general_feedback", "default_mark", "items")
        hint = {key: self.payload[key] for key in keys if key in self.payload}
        name = " ".join(html_to_text(self.payload.get("name", "")).split())
        comment = _("Câu sắp xếp “%(name)s”: GIFT không có loại này, Học Số đọc lại từ dòng dưới.") % {"name": name}
        return f"// {comment}\n// {syntax.HINT_PREFIX} {json.dumps(hint, ensure_ascii=False, sort_keys=True)}\n"

    def choice(self) -> str:
        options = self.payload["options"]
        single = self.payload["type"] == "single"
        # Moodle reads a choice question from its "~" and a single-choice one from its "=": when
        # every option is worth 100%, the last is written "~%100%" so that both are there.
        every_full = all(option["fraction"] == 1.0 for option in options)
        lines = []
        for number, option in enumerate(options, start=1):
            text, fraction = option["text"], option["fraction"]
            if single and fraction == 1.0 and not (every_full and number == len(options)):
                marker = "="
            elif fraction == 0 and not text.startswith("%"):
                marker = "~"
            else:
                marker = f"~%{syntax.percent_text(fraction)}%"
            lines.append(f"\t{marker}{self.plain(text)}{self.feedback(option.get('feedback', ''))}\n")
        return "{\n" + "".join(lines) + self.general() + "}"

    def true_false(self) -> str:
        answer = bool(self.payload["answer"])
        chosen_true, chosen_false = self.payload.get("feedback_true", ""), self.payload.get("feedback_false", "")
        right, wrong = (chosen_true, chosen_false) if answer else (chosen_false, chosen_true)
        text = "TRUE" if answer else "FALSE"
        if wrong or right:
            text += "#" + self.rich(wrong)
        if right:
            text += "#" + self.rich(right)
        return "{" + text + self.general(indent="") + "}"

    def short_answer(self) -> str:
        lines = []
        for answer in self.payload["answers"]:
            text, fraction = answer["text"], answer["fraction"]
            weight = f"%{syntax.percent_text(fraction)}%" if fraction != 1.0 or text.startswith("%") else ""
            written = self.formatted(text, self.text_format, self.text_format)
            lines.append(f"\t={weight}{written}{self.feedback(answer.get('feedback', ''))}\n")
        return "{\n" + "".join(lines) + self.general() + "}"

    def numeric(self) -> str:
        lines, catch_all = [], None
        for answer in self.payload["answers"]:
            if answer["kind"] == "any":
                catch_all = answer
                continue
            fraction = answer["fraction"]
            weight = f"%{syntax.percent_text(fraction)}%" if fraction != 1.0 else ""
            if answer["kind"] == "range":
                number = f"{syntax.number_text(answer['min'])}..{syntax.number_text(answer['max'])}"
            else:
                number = f"{syntax.number_text(answer['value'])}:{syntax.number_text(answer['tolerance'])}"
            lines.append(f"\t={weight}{number}{self.feedback(answer.get('feedback', ''))}\n")
        if catch_all is not None:  # Moodle reads everything after "~" as this feedback: it goes last
            lines.append(f"\t~#{self.rich(catch_all.get('feedback', ''))}\n")
        return "{#\n" + "".join(lines) + self.general() + "}"

    def matching(self) -> str:
        lines = [f"\t={self.plain(pair['left'])} -> {syntax.escape(pair['right'])}\n" for pair in self.payload["pairs"]]
        return "{\n" + "".join(lines) + self.general() + "}"

    def essay(self) -> str:
        return "{" + self.general(indent="") + "}"

    def description(self) -> str:
        return ""


_BODIES = {
    "single": _Writer.choice,
    "multiple": _Writer.choice,
    "true_false": _Writer.true_false,
    "short_answer": _Writer.short_answer,
    "numeric": _Writer.numeric,
    "matching": _Writer.matching,
    "essay": _Writer.essay,
    "description": _Writer.description,
}
