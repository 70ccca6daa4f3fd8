"""Simple diagrams for lessons, drawn with Pillow: a column of numbered, labelled boxes.

Used by the demo content; the font is the project's own Be Vietnam Pro
(full Vietnamese coverage), never one assumed to be on the machine.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONTS = Path(__file__).resolve().parent.parent / "lms" / "fonts"
# Drawn at the width a lesson shows it on a wide screen, as a column: on a 360 px phone the image
# shrinks to about 0.4× and the 38 px labels stay about 15 px tall (a row of boxes, shrunk that much,
# left 7 px labels).
WIDTH = 800
MARGIN, GAP, PADDING = 40, 44, 26
TITLE_SIZE, LABEL_SIZE, NUMBER_SIZE = 44, 38, 40
BRAND = (11, 92, 173)
TINT = (243, 246, 250)
INK = (27, 31, 36)
PALETTE = [(11, 92, 173), (30, 107, 52), (138, 90, 0), (120, 40, 140), (179, 38, 30)]


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "BeVietnamPro-Bold.ttf" if bold else "BeVietnamPro-Regular.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def flow_diagram_png(*, title: str, labels: list[str]) -> bytes:
    """A PNG: the title on top and the labels as numbered boxes, one under the other, joined by
    arrows (at most five)."""
    title_font, label_font = _font(TITLE_SIZE, bold=True), _font(LABEL_SIZE)
    number_font = _font(NUMBER_SIZE, bold=True)
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    title_lines = _wrap(measure, title, title_font, WIDTH - 2 * MARGIN, max_lines=2)
    title_height = 2 * PADDING + len(title_lines) * (TITLE_SIZE + 12)
    circle = NUMBER_SIZE + 30
    text_left = MARGIN + PADDING + circle + PADDING
    text_width = WIDTH - MARGIN - PADDING - text_left
    boxes = [_wrap(measure, label, label_font, text_width, max_lines=3) for label in labels[:5]]
    heights = [max(circle, len(lines) * (LABEL_SIZE + 12)) + 2 * PADDING for lines in boxes]
    height = title_height + MARGIN + sum(heights) + GAP * (len(boxes) - 1) + MARGIN

    image = Image.new("RGB", (WIDTH, height), TINT)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, WIDTH, title_height], fill=BRAND)
    draw.multiline_text(
        (MARGIN, title_height // 2), "\n".join(title_lines), font=title_font, fill="white", anchor="lm", spacing=12
    )
    top = title_height + MARGIN
    for index, (lines, box_height) in enumerate(zip(boxes, heights, strict=True)):
        colour = PALETTE[index % len(PALETTE)]
        bottom = top + box_height
        draw.rounded_rectangle([MARGIN, top, WIDTH - MARGIN, bottom], radius=20, fill="white", outline=colour, width=5)
        middle = (top + bottom) // 2
        centre = MARGIN + PADDING + circle // 2
        draw.ellipse(
            [centre - circle // 2, middle - circle // 2, centre + circle // 2, middle + circle // 2], fill=colour
        )
        draw.text((centre, middle), str(index + 1), font=number_font, fill="white", anchor="mm")
        draw.multiline_text((text_left, middle), "\n".join(lines), font=label_font, fill=INK, anchor="lm", spacing=12)
        if index < len(boxes) - 1:
            x, y = WIDTH // 2, bottom + 6
            draw.polygon([(x - 18, y), (x + 18, y), (x, y + GAP - 12)], fill=colour)
        top = bottom + GAP
    buffer = io.BytesIO()
    # Flat colours and anti-aliased text: a 64-colour palette keeps the lesson page light.
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, max_width: int, *, max_lines: int) -> list[str]:
    """``text`` in lines no wider than ``max_width`` (at most ``max_lines``, the last cut with "…")."""
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= max_width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [_fit(draw, " ".join(lines[max_lines - 1 :]), font, max_width)]
    return [_fit(draw, line, font, max_width) for line in lines]


def _fit(draw: ImageDraw.ImageDraw, text: str, font, max_width: int) -> str:
    while text and draw.textlength(text, font=font) > max_width:
        text = text[:-2] + "…" if not text.endswith("…") else text[:-2] + "…"
    return text
