"""StreamField blocks shared by every page type.

Each block has an icon, a template under ``templates/blocks/`` and a preview
value, so editors see what they insert.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
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
    """An image (with its alt text, from Wagtail's image block) and a caption."""

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


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Bước"))
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"], label=_("Hướng dẫn"))
    image = ImageBlock(required=False, label=_("Ảnh chụp màn hình"))

    class Meta:
        icon = "list-ol"
        label = _("Bước")


class StepsBlock(blocks.StructBlock):
    """A numbered step-by-step guide, each step optionally with a screenshot."""

    title = blocks.CharBlock(required=False, label=_("Tiêu đề"))
    steps = blocks.ListBlock(StepBlock(), min_num=1, label=_("Các bước"))

    class Meta:
        icon = "list-ol"
        template = "blocks/steps_block.html"
        label = _("Hướng dẫn từng bước")
        preview_value = {
            "title": "Nộp hồ sơ trực tuyến",
            "steps": [
                {"title": "Đăng nhập", "text": "<p>Đăng nhập bằng tài khoản VNeID.</p>", "image": None},
                {"title": "Chọn thủ tục", "text": "<p>Tìm thủ tục cần thực hiện.</p>", "image": None},
            ],
        }
        description = _("Danh sách các bước đánh số, mỗi bước có thể kèm ảnh chụp màn hình.")


class ChecklistBlock(blocks.StructBlock):
    title = blocks.CharBlock(required=False, label=_("Tiêu đề"))
    items = blocks.ListBlock(blocks.CharBlock(label=_("Mục")), min_num=1, label=_("Các mục"))

    class Meta:
        icon = "tasks"
        template = "blocks/checklist_block.html"
        label = _("Danh sách kiểm tra")
        preview_value = {"title": "Trước khi nộp", "items": ["Có tài khoản VNeID mức 2", "Đã chụp giấy tờ"]}
        description = _("Những việc cần kiểm tra, người học đánh dấu trên trình duyệt.")


class GlossaryTermBlock(blocks.StructBlock):
    term = blocks.CharBlock(label=_("Thuật ngữ"))
    definition = blocks.RichTextBlock(features=["bold", "italic", "link"], label=_("Giải thích"))

    class Meta:
        icon = "doc-full"
        template = "blocks/glossary_block.html"
        label = _("Thuật ngữ")
        preview_value = {"term": "Chữ ký số", "definition": "<p>Chữ ký điện tử dùng cặp khoá.</p>"}
        description = _("Một thuật ngữ và lời giải thích.")


class FaqItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Câu hỏi"))
    answer = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"], label=_("Trả lời"))

    class Meta:
        icon = "help"
        label = _("Câu hỏi")


class FaqBlock(blocks.StructBlock):
    """Questions that open and close (an accordion), without JavaScript."""

    title = blocks.CharBlock(required=False, label=_("Tiêu đề"))
    items = blocks.ListBlock(FaqItemBlock(), min_num=1, label=_("Câu hỏi"))

    class Meta:
        icon = "help"
        template = "blocks/faq_block.html"
        label = _("Hỏi đáp (accordion)")
        preview_value = {
            "title": "Câu hỏi thường gặp",
            "items": [{"question": "VNeID là gì?", "answer": "<p>Ứng dụng định danh điện tử.</p>"}],
        }
        description = _("Các câu hỏi mở/đóng được.")


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Tài liệu"))
    title = blocks.CharBlock(required=False, label=_("Tên hiển thị"))
    description = blocks.CharBlock(required=False, label=_("Mô tả"))

    class Meta:
        icon = "doc-full-inverse"
        template = "blocks/document_block.html"
        label = _("Tài liệu tải về")
        description = _("Một tệp người học tải về (mẫu văn bản, hướng dẫn PDF…).")


class VideoBlock(blocks.StructBlock):
    """A video file uploaded to the site (served from our own origin) with its transcript."""

    video = DocumentChooserBlock(label=_("Tệp video (MP4/WebM)"))
    title = blocks.CharBlock(label=_("Tiêu đề"))
    poster = ImageBlock(required=False, label=_("Ảnh đại diện"))
    transcript = blocks.RichTextBlock(
        features=["bold", "italic", "ol", "ul"],
        label=_("Bản ghi lời"),
        help_text=_("Nội dung lời nói trong video, cho người không nghe được hoặc mạng chậm."),
    )

    class Meta:
        icon = "media"
        template = "blocks/video_block.html"
        label = _("Video tải lên")
        description = _("Video lưu trên máy chủ của trang, kèm bản ghi lời.")


class ExternalVideoBlock(blocks.StructBlock):
    """A video elsewhere, shown only as a link card: no embed, no request off our origin."""

    url = blocks.URLBlock(label=_("Đường dẫn"))
    title = blocks.CharBlock(label=_("Tiêu đề"))
    description = blocks.CharBlock(required=False, label=_("Mô tả"))

    class Meta:
        icon = "link-external"
        template = "blocks/external_video_block.html"
        label = _("Video bên ngoài (liên kết)")
        preview_value = {
            "url": "https://dichvucong.gov.vn/",
            "title": "Hướng dẫn nộp hồ sơ",
            "description": "Mở trên trang nguồn",
        }
        description = _("Chỉ hiển thị thẻ liên kết; trang không nhúng video của bên thứ ba.")
