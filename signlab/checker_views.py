"""The public "Kiểm tra chữ ký số" pages (thin): the upload form and the report of one check.

An upload larger than ``SIGNLAB_CHECK_MAX_BYTES`` is refused from its Content-Length before its body
is parsed or kept anywhere (no memory, no temporary file): the view is CSRF-exempt so the middleware
does not parse the body first, and the form is CSRF-protected once the size is acceptable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.conf import settings
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from certificates.ratelimit import window_allowed

from .checker import looks_like_pdf, signature_check_create
from .models import SignatureCheck, SignatureCheckStatus
from .pki import CA_NAME
from .validation import VERDICT_LABELS, Verdict

# Room for the multipart envelope around the file (boundaries, headers, the CSRF field).
MULTIPART_SLACK = 64 * 1024
# A refused upload's body is read in chunks and thrown away, so the browser, still sending, gets the
# message instead of a reset connection; a body larger than this is not read at all.
DISCARD_MAX_BYTES = 100 * 1024 * 1024


def _too_large_message() -> str:
    return _("Tệp quá lớn: chỉ kiểm tra được tệp PDF đến %(limit)s.") % {
        "limit": filesizeformat(settings.SIGNLAB_CHECK_MAX_BYTES)
    }


class SignatureCheckForm(forms.Form):
    document = forms.FileField(
        label=gettext_lazy("Tệp PDF đã ký số"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if upload.size > settings.SIGNLAB_CHECK_MAX_BYTES:
            raise forms.ValidationError(_too_large_message())
        upload.seek(0)
        if not looks_like_pdf(upload.read(1024)):
            raise forms.ValidationError(_("Tệp không phải là PDF."))
        upload.seek(0)
        return upload


def _form_page(request, form, *, status=200, refused: str = ""):
    context = {
        "form": form,
        "refused": refused,
        "max_bytes": settings.SIGNLAB_CHECK_MAX_BYTES,
        "max_signatures": settings.SIGNLAB_CHECK_MAX_SIGNATURES,
        "keep_hours": settings.SIGNLAB_CHECK_KEEP_HOURS,
    }
    return _private(TemplateResponse(request, "signlab/checker/signature_check_form.html", context, status=status))


def _private(response):
    response["X-Robots-Tag"] = "noindex"
    return response


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _refuse_upload(request, *, status: int, message: str):
    if _content_length(request) <= DISCARD_MAX_BYTES:
        while request.read(64 * 1024):
            pass
    return _form_page(request, SignatureCheckForm(), status=status, refused=message)


@csrf_exempt  # checked in _checker_form, once the body is known to be small enough to read
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def checker(request):
    """The upload form. A POST is counted against the IP's budget and refused by its size before
    its body is read."""
    if request.method == "POST":
        if not window_allowed(request, scope="signlab:check", rate=settings.SIGNLAB_CHECK_RATE):
            message = _("Bạn đã gửi quá nhiều tệp. Hãy thử lại sau ít phút.")
            return _refuse_upload(request, status=429, message=message)
        if _content_length(request) > settings.SIGNLAB_CHECK_MAX_BYTES + MULTIPART_SLACK:
            return _refuse_upload(request, status=413, message=_too_large_message())
    return _checker_form(request)


@csrf_protect
def _checker_form(request):
    if request.method != "POST":
        return _form_page(request, SignatureCheckForm())
    form = SignatureCheckForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    upload = form.cleaned_data["document"]
    check = signature_check_create(data=upload.read(), file_name=upload.name or "")
    return redirect("signlab:checker_report", token=check.token)


@dataclass(frozen=True)
class SignatureCard:
    """One signature of a report, as the page words it."""

    number: int
    field_name: str
    verdict: str
    verdict_label: str
    signer: str
    signer_email: str
    issuer: str
    practice_ca: bool
    signed_at: datetime | None
    valid_from: datetime | None
    valid_until: datetime | None
    changed_after_signing: bool
    covers_whole_document: bool
    expired: bool
    revoked: bool
    trusted: bool


def _moment(value) -> datetime | None:
    return parse_datetime(value) if value else None


def _cards(report: dict) -> list[SignatureCard]:
    cards = []
    for number, signature in enumerate(report.get("signatures", []), start=1):
        verdict = signature.get("verdict", Verdict.UNREADABLE)
        cards.append(
            SignatureCard(
                number=number,
                field_name=signature.get("field_name", ""),
                verdict=verdict,
                verdict_label=str(VERDICT_LABELS.get(verdict, "")),
                signer=signature.get("signer", ""),
                signer_email=signature.get("signer_email", ""),
                issuer=signature.get("issuer", ""),
                practice_ca=signature.get("issuer") == CA_NAME,
                signed_at=_moment(signature.get("signed_at")),
                valid_from=_moment(signature.get("certificate_valid_from")),
                valid_until=_moment(signature.get("certificate_valid_until")),
                changed_after_signing=bool(signature.get("changed_after_signing") or not signature.get("intact")),
                covers_whole_document=bool(signature.get("covers_whole_document")),
                expired=bool(signature.get("expired")),
                revoked=bool(signature.get("revoked")),
                trusted=bool(signature.get("trusted")),
            )
        )
    return cards


@never_cache
@require_GET
def checker_report(request, token: str):
    """The report of one check; while it is queued the page reloads itself every 2 seconds."""
    check = get_object_or_404(SignatureCheck.objects.defer("upload"), token=token)
    report = check.report or {}
    verdict = report.get("verdict", "")
    context = {
        "check": check,
        "queued": check.status == SignatureCheckStatus.QUEUED,
        "failed": check.status == SignatureCheckStatus.FAILED,
        "verdict": verdict,
        "verdict_label": VERDICT_LABELS.get(verdict, ""),
        "verdict_ok": verdict == Verdict.VALID,
        "unreadable": verdict == Verdict.UNREADABLE,
        "cards": _cards(report),
        "checked": report.get("checked", 0),
        "total": report.get("total", 0),
        "limited": report.get("total", 0) > report.get("checked", 0),
        "keep_hours": settings.SIGNLAB_CHECK_KEEP_HOURS,
    }
    return _private(TemplateResponse(request, "signlab/checker/signature_check.html", context))
