"""Certification signatures (DocMDP "no changes allowed"): an untouched certificate validates,
an incremental update that draws or annotates a false name is reported as not allowed."""

import dataclasses
import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import TextStamp, TextStampStyle

from .conftest import NAME, pdf_bytes, pdfsig_validation, pdftotext, pyhanko_status

pytestmark = pytest.mark.django_db

FALSE_NAME = "Tran Van Gia"


def _updated(data: bytes, change) -> bytes:
    """``data`` with one incremental update made by ``change(writer)`` — the signed bytes stay as they are."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    updated = out.getvalue()
    assert updated.startswith(data)  # an incremental update: the signed revision is untouched
    return updated


def _draw_false_name(writer) -> None:
    """A new page content stream (a stamp) printing another name over the certificate."""
    page_ref, _resources = TextStamp(writer, style=TextStampStyle(stamp_text=FALSE_NAME, border_width=0)).apply(
        0, 300, 300
    )
    writer.mark_update(page_ref)  # the page's resources are inline: write the page with the stamp's XObject


def _annotate_false_name(writer) -> None:
    """A FreeText annotation with another name — the kind of change a PDF editor adds."""
    page_ref, _resources = writer.find_page_for_modification(0)
    annotation = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/FreeText"),
            generic.pdf_name("/Rect"): generic.ArrayObject(generic.NumberObject(n) for n in (250, 280, 600, 320)),
            generic.pdf_name("/Contents"): generic.TextStringObject("Trần Văn Giả"),
            generic.pdf_name("/DA"): generic.pdf_string("/Helv 24 Tf 0 g"),
            generic.pdf_name("/P"): page_ref,
        }
    )
    writer.register_annotation(page_ref, writer.add_object(annotation))


def test_an_untouched_certificate_is_certified_with_no_changes_allowed(issued, tmp_path):
    data = pdf_bytes(issued)
    signature, status = pyhanko_status(data)
    assert signature.docmdp_level == MDPPerm.NO_CHANGES
    assert "/DocMDP" in signature.reader.root["/Perms"]  # a certification (author) signature
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.docmdp_ok and status.modification_level == ModificationLevel.NONE
    assert status.bottom_line
    path = tmp_path / "certificate.pdf"
    path.write_bytes(data)
    assert pdfsig_validation(path) == "Signature is Valid."


@pytest.mark.parametrize("change", [_draw_false_name, _annotate_false_name], ids=["content-stream", "annotation"])
def test_an_incremental_update_after_signing_is_not_allowed(issued, tmp_path, change):
    tampered = _updated(pdf_bytes(issued), change)
    signature, status = pyhanko_status(tampered)
    # The signed bytes are intact — what fails is the document modification policy.
    assert status.intact and status.valid
    assert signature.docmdp_level == MDPPerm.NO_CHANGES
    assert status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
    assert status.modification_level is not None and status.modification_level > ModificationLevel.LTA_UPDATES
    assert status.docmdp_ok is False
    assert not status.bottom_line, status.pretty_print_details()
    if change is _draw_false_name:
        path = tmp_path / "tampered.pdf"
        path.write_bytes(tampered)
        text = pdftotext(path)
        assert FALSE_NAME in text and NAME in text  # what a reader would display


def _signed_attributes(data: bytes) -> dict:
    from pyhanko.pdf_utils.reader import PdfFileReader

    signer_info = PdfFileReader(io.BytesIO(data)).embedded_signatures[0].signer_info
    return {attribute["type"].native: attribute["values"].dump() for attribute in signer_info["signed_attrs"]}


def test_the_signature_carries_the_attributes_pyhanko_itself_signs(issuer_key):
    """The signer keeps ``signing-certificate-v2`` encoded (asn1crypto re-encodes a freshly built one at
    every level, ≈ 30 ms a signature): the signed attributes are those pyHanko's own ``SimpleSigner``
    gives the same PAdES signature — the same types, the same certificate reference."""
    from pyhanko.sign import signers

    from certificates.rendering import pdf_from_html
    from certificates.signing import issuer_signer, pdf_sign

    issuer = issuer_signer()
    unsigned = pdf_from_html("<p>Certificate</p>")
    stock = signers.SimpleSigner(
        signing_cert=issuer.signer.signing_cert,
        signing_key=issuer.signer.signing_key,
        cert_registry=issuer.signer.cert_registry,
    )
    by_pyhanko = _signed_attributes(pdf_sign(unsigned, issuer=dataclasses.replace(issuer, signer=stock)))
    ours = _signed_attributes(pdf_sign(unsigned, issuer=issuer))

    assert set(ours) == set(by_pyhanko) == {"content_type", "message_digest", "signing_certificate_v2"}
    assert ours["signing_certificate_v2"] == by_pyhanko["signing_certificate_v2"]
    assert ours["content_type"] == by_pyhanko["content_type"]
