"""GIFT import and export (the text format Moodle trainers already use).

Supported: ``$CATEGORY:``, ``::title::``, single and multiple choice (with
``%50%`` weights; a negative weight turns on negative marking), true/false
(with wrong/right feedback), short answer, numeric (``#3:0.5`` and
``#1..5``), matching (``=a -> b``), per-answer ``#feedback`` and general
``####feedback``, ``//`` comments and ``\\`` escapes. GIFT has no ordering
type: ordering questions are skipped on export, with a comment.

Import is all-or-nothing: errors carry the line number where the question starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Question, QuestionCategory, QuestionType
from .payloads import PayloadError, payload_validate
from .services import question_create, question_version_ensure

ESCAPABLE = "~=#{}:\\"


@dataclass
class GiftError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("Dòng %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class GiftResult:
    errors: list[GiftError] = field(default_factory=list)
    created: list[Question] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --- parsing -----------------------------------------------------------------------


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).strip()


def _split_unescaped(text: str, markers: str) -> list[tuple[str, str]]:
    """Split ``text`` before each unescaped marker character: [(marker, chunk), …]."""
    parts: list[tuple[str, str]] = []
    current, marker, i = [], "", 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if ch in markers:
            if current or marker:
                parts.append((marker, "".join(current)))
            marker, current = ch, []
        else:
            current.append(ch)
        i += 1
    parts.append((marker, "".join(current)))
    return [(m, c) for m, c in parts if m or c.strip()]


def _find_unescaped(text: str, target: str, start: int = 0) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(target, i):
            return i
        i += 1
    return -1


def _feedback_split(chunk: str) -> tuple[str, str]:
    position = _find_unescaped(chunk, "#")
    if position < 0:
        return chunk, ""
    return chunk[:position], chunk[position + 1 :]


def parse_gift(text: str) -> tuple[list[tuple[int, str | None, dict]], list[GiftError]]:
    """Return [(line, category_path, spec)] and errors."""
    questions, errors = [], []
    category = None
    for line, block in _blocks(text):
        if block.startswith("$CATEGORY:"):
            category = block.split(":", 1)[1].strip().removeprefix("$course$/").removeprefix("top/")
            continue
        try:
            questions.append((line, category, _parse_question(block)))
        except (PayloadError, ValueError) as error:
            errors.append(GiftError(line, str(error)))
    return questions, errors


def _blocks(text: str):
    block, start = [], 0
    for number, raw in enumerate(text.replace("\r\n", "\n").lstrip("\ufeff").split("\n"), start=1):
        line = raw.rstrip()
        if line.strip().startswith("//"):
            continue
        if not line.strip():
            if block:
                yield start, "\n".join(block).strip()
                block = []
            continue
        if not block:
            start = number
        block.append(line)
    if block:
        yield start, "\n".join(block).strip()


def _parse_question(block: str) -> dict:
    name = ""
    if block.startswith("::"):
        end = _find_unescaped(block, "::", 2)
        if end < 0:
            raise ValueError(_("tiêu đề “::” chưa được đóng."))
        name, block = _unescape(block[2:end]), block[end + 2 :].strip()
    open_at = _find_unescaped(block, "{")
    close_at = _find_unescaped(block, "}", open_at + 1) if open_at >= 0 else -1
    if open_at < 0 or close_at < 0:
        raise ValueError(_("thiếu phần đáp án trong dấu ngoặc nhọn { }."))
    before, answer, after = block[:open_at], block[open_at + 1 : close_at], block[close_at + 1 :]
    text = _unescape(before + (" _____ " + after if after.strip() else ""))
    text = re.sub(r"^\[(html|moodle|plain|markdown)\]", "", text).strip()
    general = ""
    general_at = _find_unescaped(answer, "####")
    if general_at >= 0:
        answer, general = answer[:general_at], _unescape(answer[general_at + 4 :])
    answer = answer.strip()
    spec = {"name": name, "text": text, "feedback": general}
    upper = answer.split("#", 1)[0].strip().upper()
    if upper in {"T", "F", "TRUE", "FALSE"}:
        spec.update(type=QuestionType.TRUE_FALSE, answer=upper.startswith("T"))
        return payload_validate(spec)
    if answer.startswith("#"):
        return payload_validate({**spec, **_numeric(answer[1:])})
    parts = _split_unescaped(answer, "=~")
    if not parts or any(marker == "" for marker, _c in parts):
        raise ValueError(_("không hiểu phần đáp án “%(answer)s”.") % {"answer": answer[:60]})
    if all(marker == "=" for marker, _c in parts) and all(_find_unescaped(c, "->") >= 0 for _m, c in parts):
        pairs = []
        for _m, chunk in parts:
            arrow = _find_unescaped(chunk, "->")
            pairs.append({"left": _unescape(chunk[:arrow]), "right": _unescape(chunk[arrow + 2 :])})
        return payload_validate({**spec, "type": QuestionType.MATCHING, "pairs": pairs})
    if all(marker == "=" for marker, _c in parts):  # only "=" answers: short answer
        accepted = [_unescape(_feedback_split(chunk)[0]) for _m, chunk in parts]
        return payload_validate({**spec, "type": QuestionType.SHORT_ANSWER, "accepted": accepted})
    options, weights = [], []
    for marker, chunk in parts:
        text_part, feedback = _feedback_split(chunk)
        weight = 100.0 if marker == "=" else 0.0
        match = re.match(r"^\s*%(-?\d+(?:\.\d+)?)%", text_part)
        if match:
            weight = float(match.group(1))
            text_part = text_part[match.end() :]
        weights.append(weight)
        options.append({"text": _unescape(text_part), "correct": weight > 0, "feedback": _unescape(feedback)})
    correct = sum(1 for w in weights if w > 0)
    if correct == 1 and all(w in (0.0, 100.0) for w in weights):
        return payload_validate({**spec, "type": QuestionType.SINGLE, "options": options})
    return payload_validate(
        {
            **spec,
            "type": QuestionType.MULTIPLE,
            "options": options,
            "partial": True,
            "negative": any(w < 0 for w in weights),
        }
    )


def _numeric(body: str) -> dict:
    body = body.strip().lstrip("=").split("#", 1)[0].strip()
    if ".." in body:
        low, high = (float(x) for x in body.split(".."))
        return {"type": QuestionType.NUMERIC, "answer": (low + high) / 2, "tolerance": (high - low) / 2}
    if ":" in body:
        value, tolerance = body.split(":", 1)
        return {"type": QuestionType.NUMERIC, "answer": float(value), "tolerance": float(tolerance)}
    return {"type": QuestionType.NUMERIC, "answer": float(body), "tolerance": 0}


# --- import -------------------------------------------------------------------------


def gift_import(*, text: str, category: QuestionCategory) -> GiftResult:
    """Import every question or none. ``$CATEGORY:`` lines create sub-categories of ``category``."""

    questions, errors = parse_gift(text)
    result = GiftResult(errors=errors)
    if errors:
        return result
    if not questions:
        result.errors.append(GiftError(1, _("không có câu hỏi nào.")))
        return result
    with transaction.atomic():
        for _line, path, spec in questions:
            target = _category_for(category, path)
            result.created.append(question_create(category=target, spec=spec))
    return result


def _category_for(root: QuestionCategory, path: str | None) -> QuestionCategory:
    current = root
    for name in [part.strip() for part in (path or "").split("/") if part.strip()]:
        if name == root.name and current == root:
            continue
        current, _created = QuestionCategory.objects.get_or_create(parent=current, name=name)
    return current


# --- export -------------------------------------------------------------------------


def _escape(text: str) -> str:
    return "".join("\\" + ch if ch in ESCAPABLE else ch for ch in text).replace("\n", " ")


def gift_export(*, category: QuestionCategory) -> str:
    """The category's questions (current versions) as GIFT; sub-categories with ``$CATEGORY:``."""

    lines: list[str] = []

    def walk(node: QuestionCategory, path: list[str]):
        lines.append(f"$CATEGORY: {'/'.join(path)}")
        lines.append("")
        for question in node.questions.order_by("pk"):
            payload = question_version_ensure(question=question).payload
            lines.append(question_to_gift(payload))
            lines.append("")
        for child in node.children.order_by("name"):
            walk(child, [*path, child.name])

    walk(category, [category.name])
    return "\n".join(lines).rstrip() + "\n"


def question_to_gift(payload: dict) -> str:
    kind = payload["type"]
    head = f"::{_escape(payload['name'])}::{_escape(payload['text'])} "
    general = f"####{_escape(payload['feedback'])}" if payload.get("feedback") else ""
    if kind == QuestionType.ORDERING:
        return f"// {_('Bỏ qua câu sắp xếp (GIFT không hỗ trợ)')}: {payload['name']}"
    if kind == QuestionType.TRUE_FALSE:
        return f"{head}{{{'TRUE' if payload['answer'] else 'FALSE'}{general}}}"
    if kind == QuestionType.NUMERIC:
        return f"{head}{{#{payload['answer']:g}:{payload['tolerance']:g}{general}}}"
    if kind == QuestionType.SHORT_ANSWER:
        return head + "{" + " ".join(f"={_escape(a)}" for a in payload["accepted"]) + general + "}"
    if kind == QuestionType.MATCHING:
        return (
            head
            + "{"
            + " ".join(f"={_escape(p['left'])} -> {_escape(p['right'])}" for p in payload["pairs"])
            + general
            + "}"
        )
    options = []
    if kind == QuestionType.SINGLE:
        for option in payload["options"]:
            fb = f"#{_escape(option['feedback'])}" if option.get("feedback") else ""
            options.append(f"{'=' if option['correct'] else '~'}{_escape(option['text'])}{fb}")
    else:
        correct = sum(1 for o in payload["options"] if o["correct"])
        for option in payload["options"]:
            weight = 100 / correct if option["correct"] else (-100 / correct if payload.get("negative") else 0)
            fb = f"#{_escape(option['feedback'])}" if option.get("feedback") else ""
            options.append(f"~%{weight:g}%{_escape(option['text'])}{fb}")
    return head + "{" + " ".join(options) + general + "}"
