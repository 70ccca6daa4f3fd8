"""Attempts: an explicit state machine with a frozen layout and a sequence number."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lms.signed_in_page_cache import LearnerStateQuerySet


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("Đang làm")
    SUBMITTED = "submitted", _("Đã nộp")
    AUTO_SUBMITTED = "auto_submitted", _("Tự động nộp khi hết giờ")
    NEEDS_GRADING = "needs_grading", _("Chờ chấm")
    GRADED = "graded", _("Đã chấm")
    ABANDONED = "abandoned", _("Không được tính (quá giờ)")


class Attempt(models.Model):
    """One learner's attempt at a quiz.

    in_progress → (submitted | auto_submitted) → graded, or → needs_grading (an essay waits for a
    person) → graded; or in_progress → abandoned.
    ``layout`` freezes the question versions, their order, pages and option
    orders when the attempt starts. ``sequence`` is the number the next page
    submit must carry: a stale or duplicate submit is refused.

    ``cycle`` is the enrolment cycle of the quiz's course the attempt belongs to
    (recertification starts a new one). Numbering, the attempt limit, the delay,
    the grade and the one-in-progress rule count only the attempts of one cycle.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    quiz = models.ForeignKey("quizzes.QuizPage", on_delete=models.PROTECT, related_name="attempts")
    cycle = models.PositiveSmallIntegerField(_("đợt học"), default=1)
    number = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=16, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS)
    layout = models.JSONField()
    sequence = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    score_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)
    # A person graded it (an essay): the learner gets an e-mail; the sweeper sends any one not sent.
    graded_notice_pending = models.BooleanField(default=False)

    objects = LearnerStateQuerySet.as_manager()  # set-based writes retire learners' pages

    class Meta:
        verbose_name = _("lượt làm bài")
        verbose_name_plural = _("lượt làm bài")
        constraints = [
            models.UniqueConstraint(fields=["user", "quiz", "cycle", "number"], name="attempt_unique_cycle_number"),
            models.UniqueConstraint(
                fields=["user", "quiz", "cycle"], condition=Q(state="in_progress"), name="attempt_one_in_progress_cycle"
            ),
        ]
        indexes = [models.Index(fields=["quiz", "state"])]

    def __str__(self) -> str:
        return f"{self.user_id} — {self.quiz_id} #{self.cycle}.{self.number}"

    @property
    def slots(self) -> list[dict]:
        return [entry for page in self.layout["pages"] for entry in page]

    @property
    def duration_seconds(self) -> int | None:
        end = self.submitted_at
        return int((end - self.started_at).total_seconds()) if end else None


class AttemptAnswer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    slot = models.PositiveSmallIntegerField()
    version = models.ForeignKey("quizzes.QuestionVersion", on_delete=models.PROTECT, related_name="+")
    response = models.JSONField(null=True)
    fraction = models.FloatField(null=True)  # of the question's mark; None until graded (essays)
    mark = models.FloatField(null=True)  # fraction × the slot's mark
    flagged = models.BooleanField(default=False)
    comment = models.TextField(blank=True)  # the grader's comment on a manually graded answer
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "slot"], name="attempt_answer_unique_slot")]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.slot}"


class QuizOverride(models.Model):
    """Extra time or attempts for one learner, set by a coordinator or editor (audited)."""

    quiz = models.ForeignKey("quizzes.QuizPage", on_delete=models.CASCADE, related_name="overrides")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_overrides")
    extra_minutes = models.PositiveSmallIntegerField(default=0)
    extra_attempts = models.PositiveSmallIntegerField(default=0)
    reason = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LearnerStateQuerySet.as_manager()  # set-based writes retire learners' pages

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quiz", "user"], name="quiz_override_unique")]

    def __str__(self) -> str:
        return f"{self.quiz_id}/{self.user_id}"
