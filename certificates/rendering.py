"""Certificate HTML → PDF with xhtml2pdf 0.2.28, fonts embedded, text NFC.

Traps handled here (docs/architecture.md, DOMAIN.md §7):

- xhtml2pdf confines file reads to the document's directory and silently
  swaps in Helvetica for a font it may not read: fonts are named
  ``font:<file>`` and resolved by ``_link_callback`` into the shipped font
  directories, which the ``ResourceAccessPolicy`` lists as its only roots;
  nothing remote, no other local path.
- ReportLab starts every canvas with ``rl_config.canvas_basefontname``
  (Helvetica, not embedded): ``fonts_register`` registers the TTFs once per
  process and points that setting at the serif face.
- Names that do not print: the name must pass the account's character policy
  (``lms.accounts.validators.full_name_problem``, the same rule as at input),
  every printed character must be in the layout's fonts, and xhtml2pdf's own
  "no font can draw" warning fails the render — a ``RenderError`` with the
  reason, never a PDF with a blank or boxed name. A long name shrinks (and
  wraps, up to three lines) to fit between the page margins.
- Template variables go through Django's autoescaping; images (background,
  signature, seal, QR code) are inlined as ``data:`` URIs, so a hostile name
  such as ``<img src="http://127.0.0.1:9/x">`` prints literally and fetches nothing.
"""

from __future__ import annotations

import base64
import io
import re
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import qrcode
import qrcode.constants
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe
from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus.tables import CellStyle
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from lms.accounts.validators import FULL_NAME_MAX_LENGTH, full_name_problem
from lms.text import normalize_nfc

FONT_DIRS = (
    Path(settings.BASE_DIR) / "certificates" / "fonts",
    Path(settings.BASE_DIR) / "lms" / "fonts",
)
# family → {(bold, italic): file}; names follow xhtml2pdf's "<family>_<bold><italic>".
FONT_FACES = {
    "certserif": {
        (0, 0): "LiberationSerif-Regular.ttf",
        (1, 0): "LiberationSerif-Bold.ttf",
        (0, 1): "LiberationSerif-Italic.ttf",
        (1, 1): "LiberationSerif-BoldItalic.ttf",
    },
    "certsans": {(0, 0): "BeVietnamPro-Regular.ttf", (1, 0): "BeVietnamPro-Bold.ttf"},
}
BASE_FONT = "certserif_00"

# What a certificate document may read: the font directories, nothing else.
RESOURCE_POLICY = ResourceAccessPolicy.server(
    base_dir=None,
    extra_roots=FONT_DIRS,
    allow_remote=False,
    max_resources=20,
    max_render_seconds=60,
)

_fonts_lock = threading.Lock()
_fonts_ready = False


def _font_path(filename: str) -> Path | None:
    for directory in FONT_DIRS:
        candidate = directory / filename
        if candidate.is_file():
            return candidate
    return None


def fonts_register() -> None:
    """Register the TTFs with ReportLab and make the serif the canvas base font (once per process)."""
    global _fonts_ready
    if _fonts_ready:
        return
    with _fonts_lock:
        if _fonts_ready:
            return
        for family, faces in FONT_FACES.items():
            for (bold, italic), filename in faces.items():
                name = f"{family}_{bold}{italic}"
                if name not in pdfmetrics.getRegisteredFontNames():
                    pdfmetrics.registerFont(TTFont(name, str(_font_path(filename))))
            for bold in (0, 1):
                for italic in (0, 1):
                    # A missing face (e.g. bold italic) falls back to bold, then regular.
                    b, i = next(face for face in ((bold, italic), (bold, 0), (0, 0)) if face in faces)
                    addMapping(family, bold, italic, f"{family}_{b}{i}")
        rl_config.canvas_basefontname = BASE_FONT
        # Binary image streams: ReportLab's ASCII85 encoder is pure Python
        # (≈ 10 ms for a page-sized JPEG) and makes the file 25 % larger.
        rl_config.useA85 = 0
        # Table cells take their font from a class attribute bound to the base
        # font name when ReportLab was imported (before this ran): without this
        # every table adds a non-embedded Helvetica.
        CellStyle.fontname = BASE_FONT
        _fonts_ready = True


def _link_callback(uri: str, rel: str) -> str:
    """``font:<file>`` → the shipped font; ``data:`` stays inline; everything else is refused."""
    if uri.startswith("data:"):
        return uri
    if uri.startswith("font:"):
        name = uri[len("font:") :]
        if re.fullmatch(r"[A-Za-z0-9._-]+\.ttf", name):
            path = _font_path(name)
            if path is not None:
                return str(path)
    return ""  # an empty source: xhtml2pdf leaves the resource out


class RenderError(Exception):
    """The PDF would be wrong (xhtml2pdf errors, a name or text the fonts cannot print):
    the message says why, for the administrator who reads it on the failed certificate."""


# xhtml2pdf 0.2.28 logs these (and counts a warning): a character no font draws, a family it
# replaces with Helvetica (not embedded).
_MISSING_GLYPH_WARNING = "No font this document has can draw"
_UNKNOWN_FAMILY_WARNING = "None of the font families"


def _family_glyphs(family: str) -> frozenset[int]:
    """Code points every face of ``family`` draws (regular, bold, italic: text uses them all)."""
    fonts_register()
    faces = [pdfmetrics.getFont(f"{family}_{bold}{italic}") for (bold, italic) in FONT_FACES[family]]
    return frozenset.intersection(*(frozenset(face.face.charToGlyph) for face in faces))


def missing_glyphs(text: str, family: str) -> list[str]:
    """The characters of ``text`` (line breaks and spaces aside) the family's fonts cannot draw."""
    glyphs = _family_glyphs(family)
    return list(dict.fromkeys(char for char in text if not char.isspace() and ord(char) not in glyphs))


def _characters_shown(chars: list[str]) -> str:
    return ", ".join(f"{char!r} (U+{ord(char):04X})" if char.isprintable() else f"U+{ord(char):04X}" for char in chars)


# The name line: between the page margins (A4 landscape 297 mm − 2 × 26 mm), in points, less a little.
NAME_LINE_WIDTH = (297 - 2 * 26) / 25.4 * 72 - 12
NAME_MAX_SIZE, NAME_MIN_SIZE, NAME_MAX_LINES = 30, 9, 3


def _lines_of(words: list[str], target: float, font: str) -> list[str]:
    """Greedy fill: words (each narrower than ``target``) into lines at most ``target`` wide."""
    lines: list[str] = []
    for word in words:
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and stringWidth(candidate, font, 1) <= target:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _pieces(word: str, target: float, font: str) -> list[str]:
    """A word wider than ``target`` cut into pieces that fit (a name without spaces)."""
    pieces, current = [], ""
    for char in word:
        if current and stringWidth(current + char, font, 1) > target:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current] if current else pieces


def name_layout(name: str, font: str) -> tuple[float, list[str]]:
    """The name's font size (points) and lines so that every line fits ``NAME_LINE_WIDTH``.

    One line at up to 30 pt while it stays at 18 pt or more, else two, else three lines
    (balanced; a word too wide for a line is cut), never below ``NAME_MIN_SIZE``.
    """
    total = stringWidth(name, font, 1)
    best: tuple[float, list[str]] = (NAME_MIN_SIZE, [name])
    for count in range(1, NAME_MAX_LINES + 1):
        target = total / count
        while True:
            words = [piece for word in name.split() for piece in _pieces(word, target, font)]
            lines = _lines_of(words, target, font)
            if len(lines) <= count:
                break
            target *= 1.03
        widest = max(stringWidth(line, font, 1) for line in lines)
        size = min(NAME_MAX_SIZE, NAME_LINE_WIDTH / widest)
        best = (size, lines)
        if size >= 18:
            break
    size, lines = best
    return max(NAME_MIN_SIZE, int(size * 2) / 2), lines


def certificate_text_problems(content: CertificateContent) -> list[str]:
    """Why this certificate cannot be printed correctly (empty when it can)."""
    problems = []
    name = normalize_nfc(content.full_name)
    if "@" in name:
        problems.append("Tài khoản chưa có họ và tên: chứng chỉ không in email thay cho họ tên.")
    elif len(name) > FULL_NAME_MAX_LENGTH:
        problems.append(f"Họ và tên dài hơn {FULL_NAME_MAX_LENGTH} ký tự.")
    else:
        problem = full_name_problem(name)
        if problem:
            problems.append(str(problem))
    family = "certsans" if content.layout == "modern" else "certserif"
    printed = " ".join(
        normalize_nfc(getattr(content, name))
        for name in (
            "full_name",
            "title",
            "unit",
            "score",
            "heading",
            "body",
            "issuer_name",
            "place",
            "signatory_name",
            "signatory_title",
            "code_display",
        )
    )
    missing = missing_glyphs(printed, family)
    if missing:
        problems.append(f"Phông chữ của chứng chỉ không vẽ được ký tự: {_characters_shown(missing)}.")
    return problems


@dataclass
class CertificateContent:
    """Everything printed on one certificate (already frozen, any text allowed)."""

    full_name: str
    title: str  # course or learning-path title
    code_display: str
    verify_url: str
    issued_on: date
    completed_on: date | None = None
    unit: str = ""
    score: str = ""
    # From the template:
    layout: str = "classic"
    heading: str = "CHỨNG CHỈ"
    body: str = ""
    issuer_name: str = ""
    place: str = ""
    signatory_name: str = ""
    signatory_title: str = ""
    background: bytes | None = field(default=None, repr=False)  # JPEG, page-sized
    signature: bytes | None = field(default=None, repr=False)  # PNG
    seal: bytes | None = field(default=None, repr=False)  # PNG


def decree30_date(day: date) -> str:
    """ "ngày 05 tháng 02 năm 2026": Decree 30/2020 writes a day below 10 and the
    months 1 and 2 with a leading zero (so "tháng 1" cannot become "tháng 11")."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def qr_png(url: str) -> bytes:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=2)
    qr.add_data(url)
    qr.make(fit=True)
    out = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(out)
    return out.getvalue()


def _data_uri(data: bytes | None, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}" if data else ""


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def body_html(template_text: str, values: dict[str, str]) -> str:
    """The template's plain-text body with placeholders filled; every part escaped."""
    escaped_values = {
        key: f"<b>{escape(value)}</b>" if key == "ho_ten" else escape(value) for key, value in values.items()
    }
    pieces = []
    last = 0
    text = normalize_nfc(template_text)
    for match in _PLACEHOLDER.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(escaped_values.get(match.group(1), escape(match.group(0))))
        last = match.end()
    pieces.append(escape(text[last:]))
    html = linebreaks("".join(pieces), autoescape=False)
    return mark_safe(html)  # noqa: S308  # nosec B308 B703  # every piece escaped above


def certificate_html(content: CertificateContent) -> str:
    """The certificate as HTML for xhtml2pdf (NFC, escaped)."""
    nfc = {
        name: normalize_nfc(getattr(content, name))
        for name in (
            "full_name",
            "title",
            "unit",
            "score",
            "heading",
            "issuer_name",
            "place",
            "signatory_name",
            "signatory_title",
        )
    }
    completed = decree30_date(content.completed_on) if content.completed_on else ""
    body = body_html(
        content.body,
        {
            "ho_ten": nfc["full_name"],
            "khoa_hoc": nfc["title"],
            "don_vi": nfc["unit"],
            "ngay_hoan_thanh": completed,
            "diem": nfc["score"],
            "ma_so": content.code_display,
        },
    )
    family = "certsans" if content.layout == "modern" else "certserif"
    name_size, name_lines = name_layout(nfc["full_name"], f"{family}_10")
    dateline = decree30_date(content.issued_on)
    dateline = f"{nfc['place']}, {dateline}" if nfc["place"] else dateline[:1].upper() + dateline[1:]
    context = {
        **nfc,
        "body": body,
        "name_size": f"{name_size:g}",  # a string: the template would localise "18,5"
        "name_lines": name_lines,
        "dateline": dateline,
        "code_display": content.code_display,
        "verify_url": content.verify_url,
        "layout": content.layout,
        "family": family,
        "qr": _data_uri(qr_png(content.verify_url), "image/png"),
        "background": _data_uri(content.background, "image/jpeg"),
        "signature": _data_uri(content.signature, "image/png"),
        "seal": _data_uri(content.seal, "image/png"),
    }
    return normalize_nfc(render_to_string("certificates/pdf/certificate.html", context))


def pdf_from_html(html: str) -> bytes:
    """xhtml2pdf under the certificate resource policy; raises ``RenderError``."""
    fonts_register()
    out = io.BytesIO()
    status = pisa.CreatePDF(
        html,
        dest=out,
        encoding="utf-8",
        link_callback=_link_callback,
        resource_policy=RESOURCE_POLICY,
    )
    if status.err:
        raise RenderError(f"xhtml2pdf reported {status.err} error(s)")
    warnings = [(str(entry[2]), str(entry[3])) for entry in status.log if entry[0] == "warning"]
    blank = [fragment for message, fragment in warnings if message.startswith(_MISSING_GLYPH_WARNING)]
    if blank:
        raise RenderError(f"Phông chữ không vẽ được một số ký tự (sẽ in thành ô trống), trong: {blank[0][:200]}")
    unknown = [fragment for message, fragment in warnings if message.startswith(_UNKNOWN_FAMILY_WARNING)]
    if unknown:
        raise RenderError(f"Phông chữ không nhúng trong tài liệu (sẽ thay bằng Helvetica), tại: {unknown[0][:200]}")
    return out.getvalue()


def certificate_pdf(content: CertificateContent) -> bytes:
    """The certificate's PDF; ``RenderError`` (with the reason) for text that would not print."""
    problems = certificate_text_problems(content)
    if problems:
        raise RenderError(" ".join(problems))
    return pdf_from_html(certificate_html(content))
