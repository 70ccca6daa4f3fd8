"""StreamField blocks shared by every page type.

Each block has an icon, a template under ``templates/blocks/`` and a preview
value, so editors see what they insert.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Tiêu đề"))
    level = blocks.ChoiceBlock(choices=[("h2", _("Cấp 2")), ("h3", _("Cấp 3"))], default="h2", label=_("Cấp"))

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        label = _("Tiêu đề")
        preview_value = {"text": "Dịch vụ công trực tuyến là gì?", "level": "h2"}
        description = _("Tiêu đề một phần của trang.")


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("tip", _("Mẹo")), ("warning", _("Cảnh báo")), ("legal", _("Căn cứ pháp lý"))],
        default="tip",
        label=_("Loại"),
    )
    title = blocks.CharBlock(required=False, label=_("Tiêu đề"))
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"], label=_("Nội dung"))
    citation = blocks.CharBlock(
        required=False, label=_("Trích dẫn"), help_text=_("Ví dụ: Điều 8, Nghị định 30/2020/NĐ-CP.")
    )

    class Meta:
        icon = "warning"
        template = "blocks/callout_block.html"
        label = _("Hộp ghi chú")
        preview_value = {
            "kind": "tip",
            "title": "Mẹo",
            "text": "<p>Đăng nhập Cổng Dịch vụ công quốc gia bằng tài khoản VNeID.</p>",
            "citation": "",
        }
        description = _("Mẹo, cảnh báo hoặc căn cứ pháp lý có trích dẫn.")


class ImageWithCaptionBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Ảnh"))
    caption = blocks.CharBlock(required=False, label=_("Chú thích"))

    class Meta:
        icon = "image"
        template = "blocks/image_block.html"
        label = _("Ảnh có chú thích")
        description = _("Ảnh kèm văn bản thay thế và chú thích.")


class BaseStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        icon="pilcrow",
        label=_("Đoạn văn"),
        template="blocks/paragraph_block.html",
        preview_value="<p>Học Số giúp cán bộ và người dân sử dụng dịch vụ số.</p>",
        description=_("Văn bản có định dạng."),
    )
    image = ImageWithCaptionBlock()
    callout = CalloutBlock()
