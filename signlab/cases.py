"""The check-documents task: six PDFs per learner, one of each case, in an order drawn for them.

Every file is generated for the learner (their name, a number and an amount drawn for them), so
two learners never hold the same files and answers cannot be passed around.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .documents import LEADER_PLACE, document_pdf, sample_document
from .models import PracticeCertificate, PracticeCertificateRole
from .pki import (
    SigningIdentity,
    certificate_issue,
    certificate_revoke,
    end_entity_certificate,
    identity_of,
    self_signed_authority,
)
from .validation import Verdict

CASES = (
    Verdict.VALID,
    Verdict.ALTERED,
    Verdict.EXPIRED,
    Verdict.UNTRUSTED,
    Verdict.REVOKED,
    Verdict.NO_SIGNATURE,
)

EXPLANATIONS = {
    Verdict.VALID: _(
        "Chữ ký còn nguyên vẹn, bao trùm toàn bộ văn bản, chứng thư số do CA được tin cậy cấp và còn hiệu lực khi ký."
    ),
    Verdict.ALTERED: _(
        "Sau khi ký, nội dung trang đã bị thêm vào (số tiền bị che và viết lại). Phần mềm đọc PDF báo "
        "“văn bản đã bị thay đổi sau khi ký”: không được dùng văn bản này."
    ),
    Verdict.EXPIRED: _(
        "Chứng thư số của người ký đã hết hạn trước thời điểm ký. Xem mục “Hiệu lực đến” trong thông tin chứng thư."
    ),
    Verdict.UNTRUSTED: _(
        "Chứng thư số do một tổ chức không có trong danh sách tin cậy cấp: ai cũng có thể tự tạo chứng thư mang tên "
        "người khác. Chỉ tin chữ ký từ CA được công nhận."
    ),
    Verdict.REVOKED: _(
        "CA đã thu hồi chứng thư số này (ví dụ người ký báo mất thiết bị). Danh sách thu hồi (CRL) cho biết điều đó."
    ),
    Verdict.NO_SIGNATURE: _(
        "Đây chỉ là hình ảnh chữ ký và con dấu (in ra, ký tay rồi quét lại): văn bản không có chữ ký số nào, không "
        "chứng minh được ai đã ký và văn bản có bị sửa hay không."
    ),
}

SAMPLE_SENDERS = {
    Verdict.VALID: "Nguyễn Thị Lan - Chánh Văn phòng (mẫu)",
    Verdict.EXPIRED: "Lê Văn Hùng - Phó Giám đốc (mẫu)",
    Verdict.REVOKED: "Phạm Thu Hà - Trưởng phòng (mẫu)",
}


@dataclass(frozen=True)
class GeneratedDocument:
    case: str
    file_name: str
    pdf: bytes


def _sample_identity(case: str) -> SigningIdentity:
    """The sample sender of ``case`` (valid, expired or revoked), made once and kept: its revocation
    is in the practice CRL for every learner's set."""
    name = SAMPLE_SENDERS[case]
    record = (
        PracticeCertificate.objects.select_related("authority")
        .filter(role=PracticeCertificateRole.SAMPLE, subject_name=name)
        .first()
    )
    if record is None:
        if case == Verdict.EXPIRED:
            record = certificate_issue(
                common_name=name,
                role=PracticeCertificateRole.SAMPLE,
                not_before=timezone.now() - timedelta(days=400),
                days=365,
            )
        else:
            record = certificate_issue(common_name=name, role=PracticeCertificateRole.SAMPLE, days=3650)
        if case == Verdict.REVOKED:
            certificate_revoke(record=record, reason="Báo mất thiết bị (mẫu)")
    return identity_of(record)


def _untrusted_identity() -> SigningIdentity:
    ca_key, ca_certificate = self_signed_authority("CA Tự Lập Không Được Công Nhận", organisation="Không rõ")
    now = timezone.now()
    key, certificate = end_entity_certificate(
        ca_key=ca_key,
        ca_certificate=ca_certificate,
        common_name="Nguyễn Thị Lan - Chánh Văn phòng",
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=365),
    )
    return SigningIdentity(key=key, certificate=certificate, chain=(ca_certificate,))


def _alter_after_signing(signed: bytes) -> bytes:
    """Append an incremental update that paints over the amount and writes another one."""
    from pyhanko.pdf_utils import generic  # noqa: PLC0415 — pyHanko stays out of web start-up
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: PLC0415

    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    patch = generic.StreamObject(
        stream_data=b"q 1 1 1 rg 85 560 430 60 re f Q BT /Helvetica 14 Tf 90 590 Td (999.000.000) Tj ET"
    )
    resources = page["/Resources"]
    fonts = resources.setdefault(generic.NameObject("/Font"), generic.DictionaryObject())
    fonts = fonts.get_object()
    fonts[generic.NameObject("/Helvetica")] = writer.add_object(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Font"),
                generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
                generic.NameObject("/BaseFont"): generic.NameObject("/Helvetica"),
            }
        )
    )
    contents = page["/Contents"]
    existing = list(contents) if isinstance(contents, generic.ArrayObject) else [page.raw_get("/Contents")]
    page[generic.NameObject("/Contents")] = generic.ArrayObject([*existing, writer.add_object(patch)])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def check_set_generate(*, drafter: str) -> list[GeneratedDocument]:
    """One document of each case for ``drafter``, in an order drawn for them."""
    from .signing import pdf_sign  # noqa: PLC0415 — pyHanko stays out of web start-up

    today = timezone.localdate()
    order = list(CASES)
    random.SystemRandom().shuffle(order)
    documents = []
    for position, case in enumerate(order, start=1):
        kind = "cong_van" if position % 2 else "to_trinh"
        document = sample_document(kind=kind, drafter=drafter, issued_on=today)
        if case == Verdict.NO_SIGNATURE:
            pdf = document_pdf(document, scanned_signature=True)
        else:
            identity = (
                _untrusted_identity()
                if case == Verdict.UNTRUSTED
                else _sample_identity(Verdict.VALID if case == Verdict.ALTERED else case)
            )
            pdf = pdf_sign(document_pdf(document), identity=identity, field_name="ChuKyGiamDoc", place=LEADER_PLACE)
            if case == Verdict.ALTERED:
                pdf = _alter_after_signing(pdf)
        documents.append(GeneratedDocument(case=case, file_name=f"van-ban-{position}-{document.file_name}", pdf=pdf))
    return documents
