"""Reading GIFT: text → schema-2 question specs (``docs/quiz_payloads.md``), or line-numbered errors.

Every rule follows Moodle's importer (``question/format/gift/format.php``) unless said otherwise:
questions are separated by blank lines; the answer part ``{…}`` decides the type (empty: essay,
``#…``: numeric, any ``~``: choice — single when it holds an ``=``, multiple otherwise —, ``=`` and
``->``: matching, T/F: true/false, else short answer); no braces at all: description. Where Moodle
would silently guess (an unknown number, a weight past 100%, a stray brace), this reader reports
the line instead. It never raises on bad input.
"""

from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass, field
from typing import NoReturn

from django.utils.translation import gettext as _

from lms.html import FORMATS, clean_plain, html_from_format, html_to_text

from . import syntax
from .hints import Hint
from .syntax import GiftProblem, Span

logger = logging.getLogger(__name__)

_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


@dataclass(frozen=True)
class GiftError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("Dòng %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass(frozen=True)
class ParsedQuestion:
    line: int  # where the question starts (its ``::name::`` or text)
    category: list[str] | None  # from the last ``$CATEGORY:`` line; None before any
    spec: dict  # a schema-2 payload, for ``payload_validate`` / ``question_create``


@dataclass
class GiftParse:
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[GiftError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Block:
    """Consecutive non-blank lines: the content lines and the ``// hocso:`` lines among them."""

    lines: list[tuple[int, str]] = field(default_factory=list)
    hints: list[tuple[int, str]] = field(default_factory=list)


def gift_parse(text: str) -> GiftParse:
    """Every question of a GIFT file as a schema-2 spec, and every problem as a ``GiftError``.

    Questions keep the category of the last ``$CATEGORY:`` line before them. A question with a
    problem is left out and reported at the line of the problem; the others are still read.
    """
    result = GiftParse()
    category: list[str] | None = None
    pending = Hint()  # a hint alone in its block applies to the next question
    for block in _blocks(text):
        try:
            if block.lines and block.lines[0][1].strip().startswith("$CATEGORY:"):
                category = syntax.category_names(block.lines.pop(0)[1].strip()[len("$CATEGORY:") :])
            hint, pending = pending.then(Hint.read(block.hints)), Hint()
            if not block.lines:
                if hint.get("type") == "ordering":
                    result.questions.append(ParsedQuestion(hint.line, category, _ordering(hint)))
                else:
                    pending = hint
                continue
            reader = _Reader(block)
            result.questions.append(ParsedQuestion(reader.first_line, category, reader.question(hint)))
        except GiftProblem as problem:
            result.errors.append(GiftError(problem.line, problem.message))
        except Exception:  # a bug here must still end as a message, never as a server error
            logger.exception("GIFT question not read")
            line = (block.lines or block.hints or [(1, "")])[0][0]
            result.errors.append(GiftError(line, _("không đọc được câu hỏi này.")))
    return result


def _blocks(text: str):
    block = _Block()
    text = syntax.RESERVED.sub("", text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            if block.lines or block.hints:
                yield block
            block = _Block()
        elif stripped.startswith("//"):
            comment = stripped[2:].strip()
            if comment.startswith(syntax.HINT_PREFIX):
                block.hints.append((number, comment[len(syntax.HINT_PREFIX) :].strip()))
        else:
            block.lines.append((number, line.rstrip()))
    if block.lines or block.hints:
        yield block


def _ordering(hint: Hint) -> dict:
    """An ordering question (not in GIFT) as Học Số writes it: all of it in the hint line."""
    items = hint.value("items", list, [], lambda values: all(isinstance(value, str) for value in values))
    items = [clean_plain(item) for item in items]
    if len(items) < 2 or not all(items):
        raise GiftProblem(hint.line, _("câu sắp xếp cần ít nhất hai mục, không mục nào trống."))
    if any(len(item) > syntax.ANSWER_MAX for item in items):
        raise GiftProblem(hint.line, _("đáp án dài quá 500 ký tự."))
    text_format = hint.value("text_format", str, "html", lambda value: value in FORMATS)
    source = hint.value("text_source" if text_format != "html" else "text", str, "")
    spec = _head(
        "ordering",
        name=clean_plain(hint.value("name", str, "")),
        text_format=text_format,
        source=clean_plain(source),
        general=hint.rich("general_feedback"),
        line=hint.line,
    )
    return spec | hint.default_mark(graded=True) | {"items": items}


def _head(qtype: str, *, name: str, text_format: str, source: str, general: str, line: int) -> dict:
    """The keys every payload has."""
    text = html_from_format(source, text_format)
    if len(name) > syntax.NAME_MAX:
        raise GiftProblem(line, _("tên câu hỏi dài quá 255 ký tự."))
    if len(text) > syntax.TEXT_MAX:
        raise GiftProblem(line, _("nội dung câu hỏi dài quá 20.000 ký tự."))
    if not text:
        raise GiftProblem(line, _("câu hỏi chưa có nội dung."))
    spec = {
        "schema": 2,
        "type": qtype,
        "name": name or " ".join(html_to_text(text).split())[:80],
        "text": text,
        "text_format": text_format,
        "general_feedback": general,
    }
    if text_format != "html":
        spec["text_source"] = source
    return spec


class _Reader:
    """One question block: its text with escapes encoded, and the line of every offset."""

    def __init__(self, block: _Block):
        self.block = block
        self.first_line = block.lines[0][0]
        self._starts, self._numbers, offset = [], [], 0
        for number, line in block.lines:
            self._starts.append(offset)
            self._numbers.append(number)
            offset += len(line) + 1
        self.body = Span(syntax.encode_escapes("\n".join(line for _n, line in block.lines)), 0)
        self.text_format = "moodle"

    def line(self, where: Span | int) -> int:
        offset = where.start if isinstance(where, Span) else where
        return self._numbers[max(0, bisect.bisect_right(self._starts, offset) - 1)]

    def fail(self, where: Span | int, message: str) -> NoReturn:
        raise GiftProblem(self.line(where), message)

    # -- pieces ---------------------------------------------------------------------------------
    def rich(self, span: Span | None) -> str:
        """Feedback: HTML in the piece's format (the question's unless it says ``[format]``)."""
        if span is None:
            return ""
        text_format, span = syntax.split_format(span, self.text_format)
        value = html_from_format(syntax.decode(span.text), text_format)
        if len(value) > syntax.FEEDBACK_MAX:
            self.fail(span, _("phản hồi dài quá 2.000 ký tự."))
        return value

    def plain(self, span: Span, *, formatted: bool = True, prefixed: bool = True) -> str:
        """An option, answer or matching side as plain text. ``formatted``: read out of HTML in an
        ``[html]`` piece (options, matching lefts); ``prefixed``: a ``[format]`` is dropped but the
        text kept as written (accepted answers); neither: the text as written (matching rights)."""
        text_format, inner = syntax.split_format(span, self.text_format) if prefixed else ("plain", span.strip())
        value = syntax.decode(inner.text)
        value = html_to_text(value) if formatted and text_format == "html" else clean_plain(value)
        if len(value) > syntax.ANSWER_MAX:
            self.fail(span, _("đáp án dài quá 500 ký tự."))
        return value

    def weight(self, chunk: Span, default: float) -> tuple[float, Span]:
        """A leading ``%50%`` weight as a fraction; Moodle's rule: digits between percent signs."""
        if not chunk.text.startswith("%"):
            return default, chunk
        end = chunk.text.find("%", 1)
        written = chunk.text[1:end] if end > 0 else ""
        if not written or any(ch not in "0123456789.-" for ch in written):
            return default, chunk  # "%" that is not a weight: part of the text, as in Moodle
        fraction = syntax.parse_percent(written)
        if fraction is None:
            self.fail(
                chunk, _("tỷ lệ điểm “%%%(value)s%%” không hợp lệ: phải từ -100%% đến 100%%.") % {"value": written}
            )
        return fraction, chunk[end + 1 :].strip()

    # -- the question ---------------------------------------------------------------------------
    def question(self, hint: Hint) -> dict:
        body, name = self.body.strip(), ""
        if body.text.startswith("::"):
            end = body.text.find("::", 2)
            if end < 0:
                self.fail(body, _("tên câu hỏi chưa được đóng bằng “::”."))
            name = clean_plain(syntax.decode(body.text[2:end]))
            body = body[end + 2 :].strip()
        opening = [i for i, ch in enumerate(body.text) if ch == "{"]
        closing = [i for i, ch in enumerate(body.text) if ch == "}"]
        if not opening and not closing:
            return self._finish("description", name, body, None, hint, {})
        self._check_braces(body, opening, closing)
        before, answer, after = body[: opening[0]], body[opening[0] + 1 : closing[0]], body[closing[0] + 1 :]
        text = Span(before.text + syntax.BLANK + after.text, before.start) if after.text.strip() else before
        general = None
        at = answer.text.rfind("####")
        if at >= 0:
            answer, general = answer[:at], answer[at + 4 :]
        answer = answer.strip()
        qtype, keys = self._answers(answer, hint)
        return self._finish(qtype, name, text, general, hint, keys)

    def _check_braces(self, body: Span, opening: list[int], closing: list[int]) -> None:
        if not closing:
            self.fail(body.start + opening[0], _("thiếu dấu “}” đóng phần đáp án."))
        if not opening or closing[0] < opening[0]:
            self.fail(body.start + closing[0], _("dấu “}” không có dấu “{” mở trước nó."))
        if len(opening) > 1:
            self.fail(
                body.start + opening[1], _("dấu “{” thừa: mỗi câu hỏi chỉ có một phần { }; viết \\{ nếu đó là chữ.")
            )
        if len(closing) > 1:
            self.fail(
                body.start + closing[1], _("dấu “}” thừa: mỗi câu hỏi chỉ có một phần { }; viết \\} nếu đó là chữ.")
            )

    def _finish(self, qtype: str, name: str, text: Span, general: Span | None, hint: Hint, keys) -> dict:
        """The payload; ``keys`` gives the type's own keys once the text's format is known,
        because options and feedback are written in it unless they say otherwise."""
        self.text_format, source = syntax.split_format(text, "moodle")
        spec = _head(
            qtype,
            name=name,
            text_format=self.text_format,
            source=clean_plain(syntax.decode(source.text)),
            general=self.rich(general) if general is not None else hint.rich("general_feedback"),
            line=self.first_line,
        )
        type_keys = keys() if callable(keys) else keys
        return spec | hint.default_mark(graded=qtype != "description") | type_keys | hint.type_keys(qtype)

    def _answers(self, answer: Span, hint: Hint):
        """(type, a function giving the type's keys), decided as Moodle decides."""
        text = answer.text
        if not text:
            return "essay", {}
        if text.startswith("#"):
            return "numeric", lambda: self._numeric(answer[1:])
        if hint.get("type") == "short_answer":
            return "short_answer", lambda: self._short(answer)
        if "~" in text:
            qtype = "single" if "=" in text else "multiple"
            return qtype, lambda: self._choice(answer, qtype)
        if "=" in text and "->" in text:
            return "matching", lambda: self._matching(answer)
        first, _rest = answer.split_first("#")
        if first.text.strip().upper() in _TRUE_FALSE:
            return "true_false", lambda: self._true_false(answer)
        return "short_answer", lambda: self._short(answer)

    def _choice(self, answer: Span, qtype: str) -> dict:
        options = []
        for number, (marker, chunk) in enumerate(answer.marked("~="), start=1):
            fraction, chunk = (1.0, chunk) if marker == "=" else self.weight(chunk, 0.0)
            written, feedback = chunk.split_first("#")
            option = {"text": self.plain(written), "fraction": fraction, "feedback": self.rich(feedback)}
            if not option["text"]:
                self.fail(chunk, _("phương án thứ %(number)s trống.") % {"number": number})
            options.append(option)
        if len(options) < 2:
            self.fail(answer, _("câu trắc nghiệm cần ít nhất hai phương án."))
        if qtype == "multiple":
            total = sum(option["fraction"] for option in options if option["fraction"] > 0)
            if abs(total - 1.0) > 0.01:
                self.fail(
                    answer,
                    _("câu nhiều đáp án: tổng tỷ lệ điểm các phương án đúng phải là 100%% (đang là %(total)s%%).")
                    % {"total": f"{total * 100:g}"},
                )
        return {"options": options}

    def _true_false(self, answer: Span) -> dict:
        parts = answer.text.split("#", 2)
        value = _TRUE_FALSE[parts[0].strip().upper()]
        offset = len(parts[0]) + 1
        wrong = right = None
        if len(parts) > 1:
            wrong = answer[offset : offset + len(parts[1])]
        if len(parts) > 2:
            right = answer[offset + len(parts[1]) + 1 :]
        wrong_html, right_html = self.rich(wrong), self.rich(right)
        feedback_true, feedback_false = (right_html, wrong_html) if value else (wrong_html, right_html)
        return {"answer": value, "feedback_true": feedback_true, "feedback_false": feedback_false}

    def _short(self, answer: Span) -> dict:
        answers = []
        for number, (_marker, chunk) in enumerate(answer.marked("="), start=1):
            fraction, chunk = self.weight(chunk, 1.0)
            written, feedback = chunk.split_first("#")
            item = {"text": self.plain(written, formatted=False), "fraction": fraction, "feedback": self.rich(feedback)}
            if not item["text"]:
                self.fail(chunk, _("đáp án thứ %(number)s trống.") % {"number": number})
            answers.append(item)
        if not any(item["fraction"] > 0 for item in answers):
            self.fail(answer, _("câu trả lời ngắn cần ít nhất một đáp án được tính điểm."))
        return {"answers": answers}

    def _numeric(self, answer: Span) -> dict:
        body, wrong = answer.split_first("~")
        answers = []
        for _marker, chunk in body.marked("="):
            fraction, chunk = self.weight(chunk, 1.0)
            written, feedback = chunk.split_first("#")
            answers.append(self._number(written, fraction, self.rich(feedback)))
        if wrong is not None:
            rest, feedback = wrong.split_first("#")
            if rest.text.strip():
                self.fail(wrong, _("câu số: sau dấu “~” chỉ được viết #phản hồi cho mọi đáp án khác."))
            answers.append({"kind": "any", "fraction": 0.0, "feedback": self.rich(feedback)})
        if not any(item["fraction"] > 0 for item in answers):
            self.fail(answer, _("câu hỏi số cần ít nhất một đáp án được tính điểm, ví dụ {#1945} hoặc {#30..35}."))
        return {"answers": answers}

    def _number(self, written: Span, fraction: float, feedback: str) -> dict:
        _format, written = syntax.split_format(written, "plain")
        text = syntax.decode(written.text).strip()
        low, high = text.split("..", 1) if text.find("..") > 0 else (None, None)
        if low is not None:
            low, high = syntax.parse_number(low), syntax.parse_number(high)
            if low is not None and high is not None:
                if low > high:
                    self.fail(written, _("khoảng đáp án số “%(value)s”: số đầu lớn hơn số cuối.") % {"value": text})
                return {"kind": "range", "min": low, "max": high, "fraction": fraction, "feedback": feedback}
        else:
            value, tolerance = text.split(":", 1) if text.find(":") > 0 else (text, "0")
            value, tolerance = syntax.parse_number(value), syntax.parse_number(tolerance)
            if value is not None and tolerance is not None:
                return {
                    "kind": "exact",
                    "value": value,
                    "tolerance": abs(tolerance),
                    "fraction": fraction,
                    "feedback": feedback,
                }
        self.fail(
            written,
            _("đáp án số “%(value)s” không hợp lệ: viết một số (dấu chấm thập phân), số:sai_số hoặc nhỏ..lớn.")
            % {"value": text[:60]},
        )

    def _matching(self, answer: Span) -> dict:
        pairs = []
        for _marker, chunk in answer.marked("="):
            left, right = chunk.split_first("->")
            if right is None:
                self.fail(chunk, _("cặp ghép “%(pair)s” thiếu dấu “->”.") % {"pair": syntax.decode(chunk.text)[:60]})
            pair = {"left": self.plain(left), "right": self.plain(right, formatted=False, prefixed=False)}
            if not pair["right"]:
                self.fail(chunk, _("cặp ghép “%(pair)s” thiếu vế phải.") % {"pair": syntax.decode(chunk.text)[:60]})
            pairs.append(pair)
        if sum(1 for pair in pairs if pair["left"]) < 2:
            self.fail(answer, _("câu ghép cặp cần ít nhất hai cặp có vế trái."))
        return {"pairs": pairs}
