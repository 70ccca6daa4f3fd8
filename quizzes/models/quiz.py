"""The quiz: a lesson-like page holding slots and every quiz setting."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from courses.models import LessonPage

from ..forms import QuizPageForm
from ..review_options import ReviewItem, review_options_default
from .bank import Question, QuestionCategory


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", _("Điểm cao nhất")
    LAST = "last", _("Lần làm cuối")
    FIRST = "first", _("Lần làm đầu")
    AVERAGE = "average", _("Điểm trung bình")


class OverduePolicy(models.TextChoices):
    AUTOSUBMIT = "autosubmit", _("Tự động nộp bài khi hết giờ")
    GRACE = "grace", _("Cho phép nộp trong thời gian gia hạn (không sửa câu trả lời)")
    ABANDON = "abandon", _("Bài chưa nộp khi hết giờ không được tính")


class QuizPage(LessonPage):
    """A quiz placed in a course like a lesson; passing it completes the lesson."""

    pass_mark_pct = models.PositiveSmallIntegerField(_("điểm đạt (%)"), default=70)
    max_attempts = models.PositiveSmallIntegerField(
        _("số lần làm tối đa"), default=0, help_text=_("0 = không giới hạn.")
    )
    grading_method = models.CharField(
        _("cách tính điểm"), max_length=16, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("thời gian làm bài (phút)"), null=True, blank=True, help_text=_("Để trống nếu không giới hạn.")
    )
    overdue_policy = models.CharField(
        _("khi hết giờ"), max_length=16, choices=OverduePolicy.choices, default=OverduePolicy.AUTOSUBMIT
    )
    grace_minutes = models.PositiveSmallIntegerField(_("thời gian gia hạn (phút)"), default=0)
    attempt_delay_minutes = models.PositiveSmallIntegerField(_("chờ giữa hai lần làm (phút)"), default=0)
    open_at = models.DateTimeField(_("mở từ"), null=True, blank=True)
    close_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    shuffle_questions = models.BooleanField(_("xáo trộn câu hỏi"), default=False)
    shuffle_answers = models.BooleanField(_("xáo trộn phương án"), default=True)
    questions_per_page = models.PositiveSmallIntegerField(_("số câu mỗi trang"), default=5)
    # {review item: [moments when it is shown]}; edited as a grid of checkboxes (QuizPageForm).
    review_options = models.JSONField(_("xem lại bài làm"), default=review_options_default)

    content_panels = LessonPage.content_panels + [
        InlinePanel("slots", label=_("Câu hỏi"), min_num=1),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pass_mark_pct"), FieldPanel("max_attempts"), FieldPanel("grading_method")]),
                FieldRowPanel(
                    [FieldPanel("time_limit_minutes"), FieldPanel("overdue_policy"), FieldPanel("grace_minutes")]
                ),
                FieldRowPanel([FieldPanel("attempt_delay_minutes"), FieldPanel("open_at"), FieldPanel("close_at")]),
                FieldRowPanel(
                    [FieldPanel("shuffle_questions"), FieldPanel("shuffle_answers"), FieldPanel("questions_per_page")]
                ),
            ],
            _("Cài đặt bài kiểm tra"),
        ),
        MultiFieldPanel(
            [FieldPanel(f"review_{item}") for item in ReviewItem.values],
            _("Xem lại bài làm: người học thấy gì, khi nào"),
        ),
    ]

    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []
    template = "quizzes/quiz_page.html"
    base_form_class = QuizPageForm

    class Meta:
        verbose_name = _("bài kiểm tra")
        verbose_name_plural = _("bài kiểm tra")

    def clean(self):
        super().clean()
        # The outline and every list show a lesson's estimated_minutes: a timed quiz shows its time
        # limit, never an estimate that contradicts it.
        if self.time_limit_minutes:
            self.estimated_minutes = self.time_limit_minutes

    def get_context(self, request, *args, **kwargs):
        from ..selectors import quiz_learner_state  # noqa: PLC0415 — selectors and views import this module

        context = super().get_context(request, *args, **kwargs)
        context["quiz_state"] = quiz_learner_state(quiz=self, user=request.user)
        return context


class QuizSlot(Orderable):
    """One place in a quiz: a fixed question, or N questions drawn at random from a category."""

    quiz = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("câu hỏi cố định")
    )
    category = models.ForeignKey(
        QuestionCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("hoặc: lấy ngẫu nhiên từ nhóm"),
    )
    random_count = models.PositiveSmallIntegerField(
        _("số câu ngẫu nhiên"), default=1, help_text=_("Chỉ dùng khi lấy ngẫu nhiên từ nhóm.")
    )
    mark = models.DecimalField(
        _("điểm của vị trí này"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Để trống: dùng điểm mặc định của câu hỏi."),
    )

    panels = [
        FieldPanel("question", classname="slot-fixed"),
        FieldPanel("category", classname="slot-random"),
        FieldPanel("random_count", classname="slot-random"),
        FieldPanel("mark"),
    ]

    class Meta(Orderable.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(question__isnull=False, category__isnull=True)
                | models.Q(question__isnull=True, category__isnull=False),
                name="quiz_slot_question_or_category",
            )
        ]
