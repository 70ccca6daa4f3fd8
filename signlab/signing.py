"""Signing with a practice identity (pyHanko): an approval signature (PAdES B-B) with a visible
stamp in Vietnamese, added as an incremental update so a second signer can sign after the first.

pyHanko (≈ 0.6 s to import) loads when the lab first signs or checks in a process.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1, translate_pyca_cryptography_key_to_asn1
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from certificates.signing import KeptKeySigner, outside_event_loop

from .documents import SIGNATURE_PLACES
from .pki import SigningIdentity

STAMP_FONT = Path(settings.BASE_DIR) / "lms" / "fonts" / "BeVietnamPro-Regular.ttf"
STAMP_TEXT = "Ký số bởi: %(signer)s\nThời gian ký: %(ts)s\n(THỰC HÀNH - không có giá trị pháp lý)"


def _stamp_style() -> TextStampStyle:
    return TextStampStyle(
        stamp_text=STAMP_TEXT,
        timestamp_format="%d/%m/%Y %H:%M:%S %Z",
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(STAMP_FONT), font_size=8)),
        border_width=1,
        background=None,
    )


def pdf_sign(pdf: bytes, *, identity: SigningIdentity, field_name: str, place: str, reason: str = "") -> bytes:
    """``pdf`` signed by ``identity`` in a new visible field at ``place`` (``SIGNATURE_PLACES``) of
    the last page."""
    registry = SimpleCertificateStore()
    registry.register_multiple([translate_pyca_cryptography_cert_to_asn1(c) for c in identity.chain])
    signer = KeptKeySigner(
        private_key=identity.key,
        signing_cert=translate_pyca_cryptography_cert_to_asn1(identity.certificate),
        signing_key=translate_pyca_cryptography_key_to_asn1(identity.key),
        cert_registry=registry,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    last_page = int(PdfFileReader(io.BytesIO(pdf), strict=False).root["/Pages"]["/Count"]) - 1
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        location="Việt Nam",
    )
    box = tuple(int(v) for v in SIGNATURE_PLACES[place])
    spec = fields.SigFieldSpec(field_name, box=box, on_page=last_page)
    out = io.BytesIO()

    def sign() -> None:
        signers.PdfSigner(metadata, signer=signer, stamp_style=_stamp_style(), new_field_spec=spec).sign_pdf(
            writer, output=out
        )

    outside_event_loop(sign)
    return out.getvalue()
