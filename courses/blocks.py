"""The lesson body: the site's shared blocks plus the learning-specific ones."""

from django.utils.html import strip_tags
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


class LessonStreamBlock(BaseStreamBlock):
    steps = StepsBlock()
    checklist = ChecklistBlock()
    glossary = GlossaryTermBlock()
    faq = FaqBlock()
    document = DocumentBlock()
    video = VideoBlock()
    external_video = ExternalVideoBlock()

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
