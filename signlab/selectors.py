"""Reads of the practice lab: which lab blocks a lesson holds and which a learner has passed."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import LabResult

LAB_BLOCK_TYPE = "signature_lab"


def _body(lesson):
    body = getattr(lesson, "body", None)
    if body is None:
        specific = getattr(lesson, "specific", lesson)
        body = getattr(specific, "body", None)
    return body


def lab_blocks(lesson) -> list:
    """The lesson body's lab blocks (``StreamChild`` items: ``.id``, ``.value``)."""
    body = _body(lesson)
    if not body:
        return []
    return [child for child in body if child.block_type == LAB_BLOCK_TYPE]


def lab_block_ids(lesson) -> set[str]:
    """The ids of the lesson body's lab blocks, read from the stored JSON: no block is built (a
    lesson's body is images, videos and rich text that marking it done does not need)."""
    body = _body(lesson)
    if not body:
        return set()
    return {item.get("id") for item in body.raw_data if item.get("type") == LAB_BLOCK_TYPE}


def lab_block(lesson, block_id: str):
    return next((child for child in lab_blocks(lesson) if child.id == block_id), None)


def passed_block_ids(*, user, lesson) -> set[str]:
    return set(LabResult.objects.filter(user=user, lesson_id=lesson.pk, passed=True).values_list("block_id", flat=True))


def lab_blocks_missing(*, user, lesson) -> set[str]:
    """The lesson's lab blocks ``user`` has not passed yet (no query for a lesson without any)."""
    block_ids = lab_block_ids(lesson)
    if not block_ids:
        return set()
    return block_ids - passed_block_ids(user=user, lesson=lesson)


def lab_lesson_rule(*, lesson, enrollment) -> str | None:
    """Registered lesson rule: a lesson with lab activities completes when every one is passed."""
    missing = lab_blocks_missing(user=enrollment.user_id, lesson=lesson)
    if missing:
        return _("Bạn cần hoàn thành %(count)s bài thực hành ký số trong bài này trước.") % {"count": len(missing)}
    return None
