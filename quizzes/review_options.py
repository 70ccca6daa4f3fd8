"""Moodle's review options: what a learner may see of a submitted attempt, and when."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewMoment(models.TextChoices):
    """When a learner may see something of a submitted attempt (Moodle's review moments, plus
    "done": once they passed or have no attempt left, so nothing gives the key away before)."""

    IMMEDIATELY = "immediately", _("Ngay sau khi nộp (2 phút)")
    OPEN = "open", _("Sau đó, khi bài kiểm tra còn mở")
    DONE = "done", _("Khi người học đã đạt hoặc hết lượt làm")
    CLOSED = "closed", _("Sau khi bài kiểm tra đóng")


class ReviewItem(models.TextChoices):
    """What a review may show (Moodle's review options)."""

    MARKS = "marks", _("Điểm")
    CORRECTNESS = "correctness", _("Đúng hay sai")
    SPECIFIC_FEEDBACK = "specific_feedback", _("Phản hồi theo câu trả lời")
    GENERAL_FEEDBACK = "general_feedback", _("Phản hồi chung của câu hỏi")
    RIGHT_ANSWER = "right_answer", _("Đáp án đúng")


def review_options_default() -> dict:
    """Scores and right/wrong at once; feedback and the right answers only once the learner passed or
    has no attempt left (or the quiz closed), so a blank first attempt never reveals the key."""
    every = [ReviewMoment.IMMEDIATELY, ReviewMoment.OPEN, ReviewMoment.DONE, ReviewMoment.CLOSED]
    later = [ReviewMoment.DONE, ReviewMoment.CLOSED]
    return {
        ReviewItem.MARKS: list(every),
        ReviewItem.CORRECTNESS: list(every),
        ReviewItem.SPECIFIC_FEEDBACK: list(later),
        ReviewItem.GENERAL_FEEDBACK: list(later),
        ReviewItem.RIGHT_ANSWER: list(later),
    }
