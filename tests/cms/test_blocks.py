import pytest

from courses.blocks import LessonStreamBlock, stream_plain_text


def test_every_lesson_block_has_an_icon_a_template_a_label_and_a_description():
    for name, block in LessonStreamBlock().child_blocks.items():
        meta = block.meta
        assert meta.icon and meta.icon != "placeholder", name
        assert getattr(meta, "template", None) or name == "paragraph" and block.meta.template, name
        assert block.label, name
        assert getattr(meta, "description", None), name


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["heading", "paragraph", "callout", "steps", "checklist", "glossary", "faq", "external_video"]
)
def test_preview_values_render(name):
    block = LessonStreamBlock().child_blocks[name]
    html = block.render(block.get_preview_value())
    assert html.strip()
    assert "<iframe" not in html


def test_external_video_is_a_link_card_without_embed():
    block = LessonStreamBlock().child_blocks["external_video"]
    html = block.render(block.to_python({"url": "https://example.org/v", "title": "Hướng dẫn", "description": ""}))
    assert 'href="https://example.org/v"' in html and "<iframe" not in html and "<video" not in html


def test_plain_text_of_a_stream_for_search():
    stream = LessonStreamBlock().to_python(
        [
            {"type": "paragraph", "value": "<p>Chữ <b>ký</b> số</p>"},
            {"type": "checklist", "value": {"title": "Kiểm tra", "items": ["Mở VNeID"]}},
        ]
    )
    text = stream_plain_text(stream)
    assert "Chữ ký số" in text and "Mở VNeID" in text and "<b>" not in text
