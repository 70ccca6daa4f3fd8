"""Reads of the practice lab: which lab blocks a lesson holds and which a learner has passed."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import LabResult

LAB_BLOCK_TYPE = "signature_lab"


def lab_blocks(lesson) -> list:
    """The lesson body's lab blocks (``StreamChild`` items: ``.id``, ``.value``)."""
    body = getattr(lesson, "body", None)
    if body is None:
        specific = getattr(lesson, "specific", lesson)
        body = getattr(specific, "body", None)
    if not body:
        return []
    return [child for child in body if child.block_type == LAB_BLOCK_TYPE]


def lab_block(lesson, block_id: str):
    return next((child for child in lab_blocks(lesson) if child.id == block_id), None)


def passed_block_ids(*, user, lesson) -> set[str]:
    return set(LabResult.objects.filter(user=user, lesson_id=lesson.pk, passed=True).values_list("block_id", flat=True))


def lab_lesson_rule(*, lesson, enrollment) -> str | None:
    """Registered lesson rule: a lesson with lab activities completes when every one is passed."""
    blocks = lab_blocks(lesson)
    if not blocks:
        return None
    missing = {b.id for b in blocks} - passed_block_ids(user=enrollment.user, lesson=lesson)
    if missing:
        return _("Bạn cần hoàn thành %(count)s bài thực hành ký số trong bài này trước.") % {"count": len(missing)}
    return None
