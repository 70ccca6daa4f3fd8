"""Simple diagrams for lessons, drawn with Pillow: a row (or column) of labelled boxes.

Used by the demo content; the font is the project's own Be Vietnam Pro
(full Vietnamese coverage), never one assumed to be on the machine.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONTS = Path(__file__).resolve().parent.parent / "lms" / "fonts"
WIDTH, HEIGHT = 1200, 630
BRAND = (11, 92, 173)
TINT = (243, 246, 250)
INK = (27, 31, 36)
PALETTE = [(11, 92, 173), (30, 107, 52), (138, 90, 0), (120, 40, 140), (179, 38, 30)]


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "BeVietnamPro-Bold.ttf" if bold else "BeVietnamPro-Regular.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def flow_diagram_png(*, title: str, labels: list[str]) -> bytes:
    """A PNG: the title on top and the labels as numbered boxes joined by arrows."""
    image = Image.new("RGB", (WIDTH, HEIGHT), TINT)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, WIDTH, 110], fill=BRAND)
    title_font = _font(40, bold=True)
    draw.text((50, 55), _fit(draw, title, title_font, WIDTH - 100), font=title_font, fill="white", anchor="lm")
    count = max(1, min(len(labels), 5))
    gap = 40
    box_width = (WIDTH - 100 - gap * (count - 1)) // count
    top, bottom = 200, 520
    label_font, number_font = _font(28), _font(44, bold=True)
    for index, label in enumerate(labels[:count]):
        left = 50 + index * (box_width + gap)
        colour = PALETTE[index % len(PALETTE)]
        draw.rounded_rectangle([left, top, left + box_width, bottom], radius=24, fill="white", outline=colour, width=6)
        draw.text((left + box_width // 2, top + 60), str(index + 1), font=number_font, fill=colour, anchor="mm")
        wrapped = _wrap(draw, label, label_font, box_width - 40)
        draw.multiline_text(
            (left + box_width // 2, (top + bottom) // 2 + 50),
            wrapped,
            font=label_font,
            fill=INK,
            anchor="mm",
            align="center",
            spacing=8,
        )
        if index < count - 1:
            x = left + box_width + 6
            y = (top + bottom) // 2
            draw.polygon([(x, y - 16), (x + gap - 12, y), (x, y + 16)], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _fit(draw: ImageDraw.ImageDraw, text: str, font, max_width: int) -> str:
    while text and draw.textlength(text, font=font) > max_width:
        text = text[:-2] + "…" if not text.endswith("…") else text[:-2] + "…"
    return text


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, max_width: int) -> str:
    for width in range(28, 6, -2):
        lines = textwrap.wrap(text, width=width)
        if all(draw.textlength(line, font=font) <= max_width for line in lines):
            return "\n".join(lines[:5])
    return "\n".join(textwrap.wrap(text, width=8)[:5])
