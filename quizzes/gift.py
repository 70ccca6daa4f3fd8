"""GIFT files in and out of the question bank (the text format Moodle trainers already use).

``quizzes.gift_format`` reads and writes the format itself (pure functions over schema-2 payloads);
this module puts a file's questions into the bank — all or nothing, every error named by its line in
Vietnamese — and writes a category (with its sub-categories) back out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from .gift_format import GiftError, gift_parse
from .gift_format import gift_export as gift_text
from .models import Question, QuestionCategory
from .payloads import PayloadError, payload_validate
from .services import question_create, question_version_ensure

__all__ = ["GiftError", "GiftResult", "gift_export", "gift_import"]


@dataclass
class GiftResult:
    errors: list[GiftError] = field(default_factory=list)
    created: list[Question] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def gift_import(*, text: str, category: QuestionCategory) -> GiftResult:
    """Import every question of ``text`` into ``category`` or none of them.

    ``$CATEGORY:`` paths become sub-categories of ``category`` (a path that starts with the
    category's own name, as this site exports it, starts there).
    """
    parsed = gift_parse(text)
    result = GiftResult(errors=list(parsed.errors))
    if len(parsed.questions) > settings.GIFT_MAX_QUESTIONS:
        result.errors.append(
            GiftError(1, _("tệp có hơn %(n)s câu hỏi; hãy chia thành nhiều tệp.") % {"n": settings.GIFT_MAX_QUESTIONS})
        )
    validated = []
    for question in parsed.questions:
        try:
            validated.append((question.category, payload_validate(question.spec)))
        except PayloadError as error:
            result.errors.append(GiftError(question.line, str(error)))
    if not result.errors and not validated:
        result.errors.append(GiftError(1, _("không có câu hỏi nào.")))
    if result.errors:
        result.errors.sort(key=lambda error: error.line)
        return result
    with transaction.atomic():
        targets: dict[tuple[str, ...], QuestionCategory] = {}
        current = category
        for path, payload in validated:
            if path is not None:
                key = tuple(path)
                if key not in targets:
                    targets[key] = _category_for(category, path)
                current = targets[key]
            result.created.append(question_create(category=current, spec=payload))
    return result


def _category_for(root: QuestionCategory, path: list[str]) -> QuestionCategory:
    names = [name.strip() for name in path if name.strip()]  # the reader already dropped $course$/top
    if names and names[0] == root.name:
        names = names[1:]
    current = root
    for name in names:
        current, _created = QuestionCategory.objects.get_or_create(parent=current, name=name[:200])
    return current


def gift_export(*, category: QuestionCategory) -> str:
    """The category's questions (current versions) and its sub-categories', as GIFT."""
    questions: list[tuple[list[str], dict]] = []

    def walk(node: QuestionCategory, path: list[str]) -> None:
        for question in node.questions.order_by("pk"):
            questions.append((path, question_version_ensure(question=question).payload))
        for child in node.children.order_by("name"):
            walk(child, [*path, child.name])

    walk(category, [category.name])
    return gift_text(questions)
