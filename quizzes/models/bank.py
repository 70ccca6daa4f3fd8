"""The question bank: categories, questions and their immutable versions.

Editors edit a ``Question``; every save that changes what is graded creates
a new ``QuestionVersion`` (an immutable JSON payload). Attempts point at
versions, so editing a question never changes a submitted attempt's grade or
review; a regrade is an explicit action.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Một đáp án đúng")
    MULTIPLE = "multiple", _("Nhiều đáp án đúng")
    TRUE_FALSE = "true_false", _("Đúng/Sai")
    SHORT_ANSWER = "short_answer", _("Trả lời ngắn")
    NUMERIC = "numeric", _("Số")
    MATCHING = "matching", _("Ghép cặp")
    ORDERING = "ordering", _("Sắp xếp thứ tự")


class QuestionCategory(models.Model):
    name = models.CharField(_("tên"), max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("thuộc")
    )
    description = models.TextField(_("mô tả"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("parent"), FieldPanel("description")]

    class Meta:
        verbose_name = _("nhóm câu hỏi")
        verbose_name_plural = _("nhóm câu hỏi")
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="question_category_unique_name")]

    def __str__(self) -> str:
        return self.name


class Question(ClusterableModel):
    """What an editor edits. Grading always uses a ``QuestionVersion`` made from it."""

    category = models.ForeignKey(
        QuestionCategory, on_delete=models.PROTECT, related_name="questions", verbose_name=_("nhóm")
    )
    name = models.CharField(_("tên ngắn"), max_length=255, help_text=_("Để tìm trong ngân hàng câu hỏi."))
    qtype = models.CharField(_("loại"), max_length=16, choices=QuestionType.choices)
    text = models.TextField(_("nội dung câu hỏi"))
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("ảnh")
    )
    general_feedback = models.TextField(_("phản hồi chung"), blank=True)
    tags = models.CharField(_("thẻ"), max_length=255, blank=True, help_text=_("Các thẻ, cách nhau bằng dấu phẩy."))
    # Type-specific settings
    partial_credit = models.BooleanField(
        _("chấm điểm từng phần"), default=False, help_text=_("Nhiều đáp án: mỗi đáp án đúng được một phần điểm.")
    )
    negative_marking = models.BooleanField(
        _("trừ điểm khi chọn sai"), default=False, help_text=_("Nhiều đáp án, chấm từng phần: chọn sai bị trừ điểm.")
    )
    true_false_answer = models.BooleanField(_("đáp án Đúng/Sai"), null=True, blank=True)
    case_sensitive = models.BooleanField(_("phân biệt hoa thường"), default=False)
    ignore_diacritics = models.BooleanField(_("bỏ qua dấu tiếng Việt"), default=True)
    numeric_answer = models.FloatField(_("đáp án số"), null=True, blank=True)
    numeric_tolerance = models.FloatField(_("sai số cho phép"), default=0)
    numeric_unit = models.CharField(_("đơn vị"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("category"),
        FieldPanel("name"),
        FieldPanel("qtype"),
        FieldPanel("text"),
        FieldPanel("image"),
        InlinePanel("choices", label=_("Phương án / đáp án / cặp / mục sắp xếp")),
        MultiFieldPanel(
            [
                FieldPanel("partial_credit"),
                FieldPanel("negative_marking"),
                FieldPanel("true_false_answer"),
                FieldPanel("case_sensitive"),
                FieldPanel("ignore_diacritics"),
                FieldPanel("numeric_answer"),
                FieldPanel("numeric_tolerance"),
                FieldPanel("numeric_unit"),
            ],
            _("Cài đặt theo loại câu hỏi"),
        ),
        FieldPanel("general_feedback"),
        FieldPanel("tags"),
    ]

    class Meta:
        verbose_name = _("câu hỏi")
        verbose_name_plural = _("câu hỏi")

    def __str__(self) -> str:
        return self.name


class QuestionChoice(Orderable):
    """One row of a question: an option (with correctness and feedback), an accepted
    short answer, a matching pair (text → match) or an ordering item."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("nội dung"), max_length=500)
    match = models.CharField(_("ghép với"), max_length=500, blank=True, help_text=_("Chỉ dùng cho câu ghép cặp."))
    correct = models.BooleanField(_("đúng"), default=False)
    feedback = models.CharField(_("phản hồi"), max_length=500, blank=True)

    panels = [FieldPanel("text"), FieldPanel("match"), FieldPanel("correct"), FieldPanel("feedback")]


class QuestionVersion(models.Model):
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản câu hỏi")
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="question_version_unique")]
        ordering = ["question_id", "-number"]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"
