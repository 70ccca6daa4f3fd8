"""Cached quiz statistics: computed by a worker when attempts change, read by the report."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuizStatistics(models.Model):
    """The figures of ``quizzes.statistics`` for one quiz, with what they were computed from.

    ``attempts`` and ``last_graded_at`` are the fingerprint (graded attempts, latest grading): when
    the quiz's current fingerprint differs, the figures are stale and a refresh is queued."""

    quiz = models.OneToOneField(
        "quizzes.QuizPage", on_delete=models.CASCADE, primary_key=True, related_name="cached_statistics"
    )
    attempts = models.PositiveIntegerField(default=0)
    last_graded_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField()
    figures = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("thống kê bài kiểm tra")
        verbose_name_plural = _("thống kê bài kiểm tra")

    def __str__(self) -> str:
        return f"{self.quiz_id}: {self.attempts}"
