"""The question bank: categories, questions and their immutable versions.

Editors edit a ``Question``; every save that changes what is graded creates
a new ``QuestionVersion`` (an immutable JSON payload). Attempts point at
versions, so editing a question never changes a submitted attempt's grade or
review; a regrade is an explicit action.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index

RICH_FEATURES = ["bold", "italic", "ol", "ul", "link", "superscript", "subscript", "code"]


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Một đáp án đúng")
    MULTIPLE = "multiple", _("Nhiều đáp án đúng")
    TRUE_FALSE = "true_false", _("Đúng/Sai")
    SHORT_ANSWER = "short_answer", _("Trả lời ngắn")
    NUMERIC = "numeric", _("Số")
    MATCHING = "matching", _("Ghép cặp")
    ORDERING = "ordering", _("Sắp xếp thứ tự")
    ESSAY = "essay", _("Tự luận")
    DESCRIPTION = "description", _("Đoạn mô tả (không chấm điểm)")


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


class Question(index.Indexed, ClusterableModel):
    """What an editor edits. Grading always uses a ``QuestionVersion`` made from it.

    The rows (``QuestionChoice``) are the options, accepted answers, numeric answers, matching pairs
    or ordering items, each with its grade fraction and feedback; the type decides which fields
    count (``quizzes/qtypes/``) and the form shows only those.
    """

    category = models.ForeignKey(
        QuestionCategory, on_delete=models.PROTECT, related_name="questions", verbose_name=_("nhóm")
    )
    name = models.CharField(_("tên ngắn"), max_length=255, help_text=_("Để tìm trong ngân hàng câu hỏi."))
    qtype = models.CharField(_("loại"), max_length=16, choices=QuestionType.choices)
    text = RichTextField(_("nội dung câu hỏi"), features=RICH_FEATURES)
    # How the text was written when it came from a GIFT file ([markdown], [plain]…), so an export
    # gives it back as written; editing the text in the admin makes it HTML.
    text_format = models.CharField(max_length=16, default="html", editable=False)
    text_source = models.TextField(blank=True, editable=False)
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("ảnh")
    )
    default_mark = models.DecimalField(
        _("điểm mặc định"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Điểm của câu khi trả lời đúng hoàn toàn; một vị trí trong bài kiểm tra có thể đặt điểm khác."),
    )
    general_feedback = RichTextField(
        _("phản hồi chung"),
        features=RICH_FEATURES,
        blank=True,
        help_text=_("Hiện sau khi trả lời, dù trả lời thế nào. Đừng viết đáp án ở đây nếu còn lượt làm."),
    )
    tags = models.CharField(_("thẻ"), max_length=255, blank=True, help_text=_("Các thẻ, cách nhau bằng dấu phẩy."))
    # Type-specific settings
    all_or_nothing = models.BooleanField(
        _("chấm tất cả hoặc không"),
        default=False,
        help_text=_("Nhiều đáp án: chỉ được điểm khi chọn đúng tất cả và không chọn sai."),
    )
    true_false_answer = models.BooleanField(
        _("đáp án Đúng/Sai"), null=True, blank=True, choices=[(True, _("Đúng")), (False, _("Sai"))]
    )
    feedback_true = models.TextField(_("phản hồi khi chọn Đúng"), blank=True)
    feedback_false = models.TextField(_("phản hồi khi chọn Sai"), blank=True)
    case_sensitive = models.BooleanField(_("phân biệt hoa thường"), default=False)
    ignore_diacritics = models.BooleanField(_("bỏ qua dấu tiếng Việt"), default=True)
    numeric_unit = models.CharField(_("đơn vị"), max_length=20, blank=True)
    response_template = RichTextField(_("mẫu trả lời"), features=RICH_FEATURES, blank=True)
    grader_info = RichTextField(
        _("hướng dẫn chấm"), features=RICH_FEATURES, blank=True, help_text=_("Chỉ người chấm nhìn thấy.")
    )
    min_words = models.PositiveIntegerField(_("số từ tối thiểu"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldRowPanel([FieldPanel("category"), FieldPanel("qtype")]),
        FieldPanel("name"),
        FieldPanel("text"),
        FieldPanel("image"),
        FieldPanel("default_mark", classname="question-mark"),
        InlinePanel(
            "choices",
            label=_("Phương án / đáp án / cặp / mục"),
            help_text=_(
                "Mỗi dòng một phương án hoặc đáp án với tỷ lệ điểm (1 = 100%, 0.5 = 50%, -1 = trừ hết) và phản hồi "
                "riêng. Câu số: nội dung là số (hoặc khoảng “1..5”, hoặc “*” cho mọi số khác) và sai số. "
                "Câu ghép cặp: vế trái và vế phải."
            ),
            classname="qtype-choices",
        ),
        MultiFieldPanel(
            [
                FieldPanel("all_or_nothing", classname="qtype-multiple"),
                FieldPanel("true_false_answer", classname="qtype-true_false"),
                FieldPanel("feedback_true", classname="qtype-true_false"),
                FieldPanel("feedback_false", classname="qtype-true_false"),
                FieldPanel("case_sensitive", classname="qtype-short_answer"),
                FieldPanel("ignore_diacritics", classname="qtype-short_answer"),
                FieldPanel("numeric_unit", classname="qtype-numeric"),
                FieldPanel("response_template", classname="qtype-essay"),
                FieldPanel("grader_info", classname="qtype-essay"),
                FieldPanel("min_words", classname="qtype-essay"),
            ],
            _("Cài đặt theo loại câu hỏi"),
            classname="qtype-settings",
        ),
        FieldPanel("general_feedback"),
        FieldPanel("tags"),
    ]

    search_fields = [
        index.SearchField("name"),
        index.SearchField("text"),
        index.AutocompleteField("name"),
        index.AutocompleteField("text"),
        index.FilterField("qtype"),
        index.FilterField("category_id"),
    ]

    class Meta:
        verbose_name = _("câu hỏi")
        verbose_name_plural = _("câu hỏi")

    def __str__(self) -> str:
        return self.name


class QuestionChoice(Orderable):
    """One row of a question: an option or an accepted answer (with its grade fraction and
    feedback), a numeric answer (value or "low..high", with its tolerance), a matching pair
    (text → match) or an ordering item."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("nội dung"), max_length=500, blank=True)
    match = models.CharField(_("ghép với"), max_length=500, blank=True, help_text=_("Chỉ dùng cho câu ghép cặp."))
    fraction = models.DecimalField(
        _("tỷ lệ điểm"),
        max_digits=8,
        decimal_places=7,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("-1")), MaxValueValidator(Decimal("1"))],
        help_text=_("1 = 100%, 0.5 = 50%, 0 = sai, âm = trừ điểm."),
    )
    tolerance = models.FloatField(_("sai số"), null=True, blank=True, help_text=_("Chỉ dùng cho câu số."))
    feedback = models.TextField(_("phản hồi"), blank=True)

    panels = [
        FieldRowPanel([FieldPanel("text"), FieldPanel("match", classname="choice-match")]),
        FieldRowPanel(
            [FieldPanel("fraction", classname="choice-fraction"), FieldPanel("tolerance", classname="choice-tolerance")]
        ),
        FieldPanel("feedback", classname="choice-feedback"),
    ]


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
