"""Open Badges credential files: the baked badge images a learner downloads, and reading a
credential back out of whatever a verifier uploads.

Baking follows Open Badges 3.0 §5.3: a PNG carries the credential in an ``iTXt`` chunk with the
keyword ``openbadgecredential``; an SVG carries it in an ``<openbadges:credential>`` element
(namespace ``https://purl.imsglobal.org/ob/v3p0``) right inside its root. For a VC-JWT the
carried text is the compact JWS itself. A ``.json`` file is a VC 2.0
``EnvelopedVerifiableCredential`` whose ``id`` is ``data:application/vc+jwt,<JWS>``.

Reading is for untrusted uploads: the size is capped before anything is parsed, PNG chunks are
walked without decoding the image, compressed text is inflated with a ceiling, and SVG is parsed
with defusedxml (no DTDs, no entities).
"""

from __future__ import annotations

import io
import json
import struct
import textwrap
import zlib
from functools import cache
from pathlib import Path

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

from .models import Credential

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = "openbadgecredential"
SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
ENVELOPE_PREFIX = "data:application/vc+jwt,"
MAX_TOKEN_LENGTH = 64 * 1024
FONT = Path(__file__).resolve().parent / "fonts" / "LiberationSerif-Bold.ttf"
BADGE_SIZE = 512
BRAND = "#0b5cad"
BRAND_DARK = "#084683"
GOLD = "#ffbf47"


class CredentialFileError(ValueError):
    """An upload that holds no readable credential; the message is for the person uploading."""


# --- What a learner downloads --------------------------------------------------------------


def credential_envelope(credential: Credential) -> dict:
    """The credential as a VC 2.0 JSON document (``EnvelopedVerifiableCredential``)."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": ENVELOPE_PREFIX + credential.jwt,
        "type": "EnvelopedVerifiableCredential",
    }


def _badge_lines(credential: Credential) -> tuple[list[str], str]:
    certificate = credential.certificate
    title = textwrap.wrap(certificate.title, width=22)
    if len(title) > 4:  # a long title keeps its first four lines and says it goes on
        title = title[:3] + [textwrap.shorten(" ".join(title[3:]), width=22, placeholder=" …")]
    issued = timezone.localtime(certificate.issued_at).strftime("%d/%m/%Y") if certificate.issued_at else ""
    return title, issued


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


def badge_png(credential: Credential) -> bytes:
    """A round badge (course title, issue date) with the VC-JWT baked into an ``iTXt`` chunk."""
    title, issued = _badge_lines(credential)
    scale = 2  # drawn at twice the size and reduced: smooth edges without anti-aliased shapes
    size = BADGE_SIZE * scale
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8 * scale, 8 * scale, size - 8 * scale, size - 8 * scale), fill=BRAND_DARK)
    draw.ellipse(
        (28 * scale, 28 * scale, size - 28 * scale, size - 28 * scale), fill=BRAND, outline=GOLD, width=6 * scale
    )
    centre = size // 2
    draw.text((centre, 110 * scale), "HỌC SỐ", font=_font(34 * scale), fill=GOLD, anchor="mm")
    line_height = 40 * scale
    top = centre - (len(title) - 1) * line_height // 2
    for number, line in enumerate(title):
        draw.text((centre, top + number * line_height), line, font=_font(32 * scale), fill="white", anchor="mm")
    draw.text((centre, 392 * scale), _("Chứng chỉ"), font=_font(26 * scale), fill=GOLD, anchor="mm")
    if issued:
        draw.text((centre, 428 * scale), issued, font=_font(24 * scale), fill="white", anchor="mm")
    image = image.resize((BADGE_SIZE, BADGE_SIZE), Image.Resampling.LANCZOS)
    info = PngImagePlugin.PngInfo()
    info.add_itxt(PNG_KEYWORD, credential.jwt)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info, optimize=True)
    return out.getvalue()


def badge_svg(credential: Credential) -> str:
    """The same badge as SVG, the VC-JWT in ``<openbadges:credential>``."""
    title, issued = _badge_lines(credential)
    centre = BADGE_SIZE // 2
    top = centre - (len(title) - 1) * 20
    lines = "\n".join(
        f'  <text x="{centre}" y="{top + n * 40}" font-size="32" fill="#fff">{escape(line)}</text>'
        for n, line in enumerate(title)
    )
    label = escape(_("Chứng chỉ"))
    name = escape(credential.certificate.title)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{SVG_NAMESPACE}" width="{BADGE_SIZE}" height="{BADGE_SIZE}"
     viewBox="0 0 {BADGE_SIZE} {BADGE_SIZE}" role="img" aria-label="{name}">
<openbadges:credential>{escape(credential.jwt)}</openbadges:credential>
<title>{name}</title>
<circle cx="{centre}" cy="{centre}" r="{centre - 8}" fill="{BRAND_DARK}"/>
<circle cx="{centre}" cy="{centre}" r="{centre - 31}" fill="{BRAND}" stroke="{GOLD}" stroke-width="6"/>
<g font-family="'Be Vietnam Pro', 'Liberation Serif', 'Noto Sans', serif" font-weight="700" text-anchor="middle"
   dominant-baseline="middle">
  <text x="{centre}" y="110" font-size="34" fill="{GOLD}">HỌC SỐ</text>
{lines}
  <text x="{centre}" y="392" font-size="26" fill="{GOLD}">{label}</text>
  <text x="{centre}" y="428" font-size="24" fill="#fff">{escape(issued)}</text>
</g>
</svg>
"""


# --- What a verifier uploads ---------------------------------------------------------------


def _token_from_png(data: bytes) -> str:
    """The text of the ``openbadgecredential`` iTXt chunk, read without decoding the image."""
    position = len(PNG_SIGNATURE)
    for _chunk in range(10_000):
        if position + 8 > len(data):
            break
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IEND" or len(body) < length:
            break
        if kind != b"iTXt":
            continue
        keyword, _sep, rest = body.partition(b"\0")
        if keyword.decode("latin-1") != PNG_KEYWORD or len(rest) < 2:
            continue
        compressed, rest = rest[0], rest[2:]
        _language, _sep, rest = rest.partition(b"\0")
        _translated, _sep, text = rest.partition(b"\0")
        if compressed:
            inflater = zlib.decompressobj()
            text = inflater.decompress(text, MAX_TOKEN_LENGTH + 1)
            if len(text) > MAX_TOKEN_LENGTH:
                raise CredentialFileError(_("Chứng chỉ gắn trong ảnh quá lớn."))
        try:
            return text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise CredentialFileError(_("Chứng chỉ gắn trong ảnh không đọc được.")) from error
    raise CredentialFileError(
        _("Ảnh PNG này không mang chứng chỉ Open Badges. Hãy tải lên đúng ảnh huy hiệu đã tải từ “Chứng chỉ của tôi”.")
    )


def _token_from_svg(data: bytes) -> str:
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True)
    except (SafeElementTree.ParseError, DefusedXmlException, ValueError) as error:
        raise CredentialFileError(_("Tệp SVG không đọc được.")) from error
    element = root.find(f"{{{SVG_NAMESPACE}}}credential")
    if element is None or not (element.text or "").strip():
        raise CredentialFileError(
            _("Ảnh SVG này không mang chứng chỉ Open Badges. Hãy tải lên đúng ảnh huy hiệu đã tải về.")
        )
    return element.text.strip()


def _token_from_json(document) -> str:
    if not isinstance(document, dict):
        raise CredentialFileError(_("Tệp JSON không phải là một chứng chỉ Open Badges."))
    identifier = document.get("id")
    enveloped = document.get("type") == "EnvelopedVerifiableCredential"
    if enveloped and isinstance(identifier, str) and identifier.startswith(ENVELOPE_PREFIX):
        return identifier.removeprefix(ENVELOPE_PREFIX)
    if "proof" in document:
        raise CredentialFileError(
            _(
                "Chứng chỉ này được ký theo kiểu Data Integrity (chữ ký nằm trong JSON). Trang này chỉ kiểm tra "
                "được chứng chỉ dạng VC-JWT, nên không kiểm tra được chứng chỉ này."
            )
        )
    raise CredentialFileError(_("Tệp JSON không mang chữ ký: đây không phải là một chứng chỉ Open Badges đã ký."))


def credential_upload_too_large() -> str:
    limit = settings.CREDENTIAL_UPLOAD_MAX_BYTES
    return _("Tệp quá lớn: tối đa %(size)s MB.") % {"size": f"{limit / (1024 * 1024):g}".replace(".", ",")}


def credential_token_from_bytes(data: bytes) -> str:
    """The VC-JWT carried by an uploaded file: a baked PNG or SVG, a ``.json`` envelope, or the
    token as text. Raises ``CredentialFileError`` with a message for the uploader."""
    if len(data) > settings.CREDENTIAL_UPLOAD_MAX_BYTES:
        raise CredentialFileError(credential_upload_too_large())
    if data.startswith(PNG_SIGNATURE):
        return _token_from_png(data)
    text = data.decode("utf-8-sig", errors="replace").strip()
    if text.startswith("<"):
        return _token_from_svg(data)
    if text.startswith("{"):
        try:
            return _token_from_json(json.loads(text))
        except json.JSONDecodeError as error:
            raise CredentialFileError(_("Tệp JSON không đọc được.")) from error
    if text.count(".") == 2 and len(text) <= MAX_TOKEN_LENGTH:
        return text
    raise CredentialFileError(
        _(
            "Không tìm thấy chứng chỉ Open Badges trong tệp này. "
            "Hãy tải lên ảnh huy hiệu (PNG, SVG) hoặc tệp .json, .jwt."
        )
    )
