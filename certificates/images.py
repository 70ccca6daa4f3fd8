"""Pillow pre-processing of template images, done once when a template is saved.

An uploaded 200 KB PNG background embedded as is costs ≈ 100 ms per PDF;
the same image fitted to the page and stored as a JPEG costs almost nothing.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageOps

# A4 landscape (297 × 210 mm) at 150 dpi: sharp in print, small in the PDF.
PAGE_PIXELS = (1754, 1240)
STAMP_MAX_PIXELS = 480


def background_prepare(source) -> bytes:
    """Cover the page (crop the overflow, centred) and compress as JPEG."""
    with Image.open(source) as image:
        image = ImageOps.exif_transpose(image)
        image = _flatten(image)
        fitted = ImageOps.fit(image, PAGE_PIXELS, method=Image.Resampling.LANCZOS)
    out = io.BytesIO()
    fitted.save(out, format="JPEG", quality=72, optimize=True)
    return out.getvalue()


def stamp_prepare(source) -> bytes:
    """A signature or seal: at most STAMP_MAX_PIXELS wide or high, PNG keeping transparency."""
    with Image.open(source) as image:
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGBA")
        image.thumbnail((STAMP_MAX_PIXELS, STAMP_MAX_PIXELS), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB")


def default_background(layout: str) -> bytes:
    """The built-in background when a template has none: a framed page (classic)
    or a coloured band (modern), drawn once per process by the caller's cache."""

    width, height = PAGE_PIXELS
    if layout == "modern":
        image = Image.new("RGB", PAGE_PIXELS, (255, 255, 255))
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 0, width, 34), fill=(11, 92, 171))
        draw.rectangle((0, height - 22, width, height), fill=(11, 92, 171))
        draw.rectangle((0, 34, width, 44), fill=(244, 180, 0))
    else:
        image = Image.new("RGB", PAGE_PIXELS, (253, 250, 240))
        draw = ImageDraw.Draw(image)
        gold, red = (176, 138, 52), (154, 42, 28)
        draw.rectangle((40, 40, width - 41, height - 41), outline=red, width=10)
        draw.rectangle((62, 62, width - 63, height - 63), outline=gold, width=4)
        draw.rectangle((74, 74, width - 75, height - 75), outline=gold, width=2)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=70, optimize=True)
    return out.getvalue()
