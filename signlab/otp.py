"""One-time codes that confirm each remote signature, as remote-signing services send them:
six digits by e-mail, valid ``SIGNLAB_CODE_MINUTES``, used once, a few wrong tries at most.
Stored as an HMAC, never in clear."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import OneTimeCode, OneTimeCodePurpose


class CodeRefused(Exception):
    """The code is wrong, used, expired or tried too often: the message is for the learner."""


def _digest(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"signlab-code:{code}".encode(), hashlib.sha256).hexdigest()


def code_send(*, user, purpose=OneTimeCodePurpose.SIGN) -> OneTimeCode:
    """A fresh code for ``user`` (any earlier unused one stops working) and the e-mail carrying it."""
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        OneTimeCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(used_at=now)
        record = OneTimeCode.objects.create(
            user=user,
            purpose=purpose,
            code_hash=_digest(code),
            expires_at=now + timedelta(minutes=settings.SIGNLAB_CODE_MINUTES),
        )
    subject = _("[Học Số] Mã xác nhận ký số (thực hành): %(code)s") % {"code": code}
    body = _(
        "Mã xác nhận để ký số văn bản thực hành của bạn là: %(code)s\n\n"
        "Mã có hiệu lực %(minutes)s phút và chỉ dùng được một lần. Nếu bạn không yêu cầu ký, hãy bỏ qua thư này.\n"
        "Dịch vụ ký số từ xa thật cũng gửi mã như thế này: không bao giờ đọc mã cho người khác."
    ) % {"code": code, "minutes": settings.SIGNLAB_CODE_MINUTES}
    send_mail(subject, body, None, [user.email])
    return record


def code_consume(*, user, code: str, purpose=OneTimeCodePurpose.SIGN) -> None:
    """Accept ``code`` once, or raise ``CodeRefused`` (a wrong code counts as a failed try). The
    code is spent before signing: a signature that then fails needs a new code, as with real
    remote-signing services."""
    code = (code or "").strip().replace(" ", "")
    now = timezone.now()
    with transaction.atomic():
        record = (
            OneTimeCode.objects.select_for_update().filter(user=user, purpose=purpose).order_by("-created_at").first()
        )
        refusal = _refusal(record, code, now)
        if refusal is None:
            OneTimeCode.objects.filter(pk=record.pk).update(used_at=now)
        elif refusal == WRONG:
            OneTimeCode.objects.filter(pk=record.pk).update(failed_attempts=F("failed_attempts") + 1)
    if refusal == WRONG:
        raise CodeRefused(_("Mã xác nhận không đúng."))
    if refusal:
        raise CodeRefused(refusal)


WRONG = "wrong"


def _refusal(record: OneTimeCode | None, code: str, now) -> str | None:
    if record is None:
        return _("Hãy bấm “Gửi mã xác nhận” để nhận mã qua thư điện tử.")
    if record.used_at is not None:
        return _("Mã này đã được dùng. Mỗi lần ký cần một mã mới: hãy gửi mã khác.")
    if record.expires_at <= now:
        return _("Mã đã hết hạn. Hãy gửi mã mới.")
    if record.failed_attempts >= settings.SIGNLAB_CODE_MAX_FAILURES:
        return _("Bạn đã nhập sai quá nhiều lần. Hãy gửi mã mới.")
    if not (code.isdigit() and len(code) == 6 and hmac.compare_digest(record.code_hash, _digest(code))):
        return WRONG
    return None
