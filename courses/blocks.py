"""The lesson body: the site's shared blocks plus the learning-specific ones."""

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.list_block import ListValue

from cms.blocks import (
    BaseStreamBlock,
    ChecklistBlock,
    DocumentBlock,
    ExternalVideoBlock,
    FaqBlock,
    GlossaryTermBlock,
    StepsBlock,
    VideoBlock,
)


class SignatureLabBlock(blocks.StructBlock):
    """A digital-signature practice activity (the ``signlab`` app runs it): the lesson counts as
    done only when every such activity in it is passed."""

    activity = blocks.ChoiceBlock(
        choices=[
            ("sign", _("Ký số một văn bản")),
            ("check", _("Kiểm tra văn bản đã ký (6 văn bản)")),
            ("countersign", _("Ký nối tiếp sau lãnh đạo")),
        ],
        default="sign",
        label=_("Hoạt động"),
    )
    title = blocks.CharBlock(required=False, label=_("Tiêu đề"), help_text=_("Để trống: dùng tên của hoạt động."))
    instructions = blocks.RichTextBlock(
        required=False, features=["bold", "italic", "link", "ol", "ul"], label=_("Hướng dẫn")
    )
    document_kind = blocks.ChoiceBlock(
        choices=[("to_trinh", _("Tờ trình")), ("cong_van", _("Công văn"))],
        default="to_trinh",
        label=_("Loại văn bản mẫu"),
        help_text=_("Văn bản mẫu người học ký (hoạt động ký số và ký nối tiếp)."),
    )
    pass_mark = blocks.IntegerBlock(
        default=5,
        min_value=1,
        max_value=6,
        label=_("Số văn bản phải đánh giá đúng"),
        help_text=_("Chỉ dùng cho hoạt động kiểm tra văn bản: trên tổng số 6."),
    )

    class Meta:
        icon = "pick"
        template = "blocks/signature_lab_block.html"
        label = _("Thực hành ký số")
        description = _("Người học ký số, kiểm tra hoặc ký nối tiếp văn bản PDF thật bằng chứng thư số thực hành.")
        preview_value = {"activity": "sign", "title": "", "document_kind": "to_trinh", "pass_mark": 5}  # nosec B105


class LessonStreamBlock(BaseStreamBlock):
    steps = StepsBlock()
    checklist = ChecklistBlock()
    glossary = GlossaryTermBlock()
    faq = FaqBlock()
    document = DocumentBlock()
    video = VideoBlock()
    external_video = ExternalVideoBlock()
    signature_lab = SignatureLabBlock()

    class Meta:
        block_counts: dict = {}


def stream_plain_text(stream) -> str:
    """The readable text of a StreamField, for the search index."""
    parts: list[str] = []

    def walk(value):
        if isinstance(value, blocks.StreamValue | ListValue | list | tuple):
            for item in value:
                walk(getattr(item, "value", item))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif hasattr(value, "source"):  # RichText
            parts.append(strip_tags(value.source))
        elif isinstance(value, str):
            parts.append(value)

    walk(stream)
    return " ".join(part.strip() for part in parts if part and part.strip())
