"""Public verification, "Chứng chỉ của tôi", downloads, revoke and reissue (thin views)."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache

from lms.orgunits.selectors import is_coordinator

from .assets import certificate_storage
from .codes import code_display, code_normalise
from .credential_check import credential_check
from .credential_files import badge_png, badge_svg, credential_envelope, credential_upload_too_large
from .credential_keys import did_document, jwks_document
from .credentials import status_list_jwt
from .forms import CredentialCheckForm, ReasonForm, VerifyForm
from .models import Certificate
from .ratelimit import verification_allowed
from .selectors import (
    certificate_can_download,
    certificate_can_manage,
    certificate_of_owner,
    certificate_state,
    certificate_verify,
    certificates_managed_by,
    certificates_of,
    credential_by_public_id,
    credential_keys_published,
    credential_of_certificate,
    credential_status_list_exists,
    credential_status_revoked_indexes,
)
from .services import CertificateError, certificate_reissue, certificate_revoke

VERIFY_STATUS_CODES = {"not_found": 404, "malformed": 400}


def _too_many(request, *, as_json: bool):
    message = _("Bạn tra cứu quá nhiều lần. Hãy thử lại sau một phút.")
    if as_json:
        return JsonResponse({"status": "rate_limited", "detail": message}, status=429)
    context = {"form": VerifyForm(), "credential_form": CredentialCheckForm(), "rate_limited": message}
    return render(request, "certificates/verify.html", context, status=429)


def _noindex(response):
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "no-store"
    return response


@never_cache
def verify(request):
    """The code form; a submitted code is normalised and sent to its own page."""
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        code = code_normalise(form.cleaned_data["code"])
        if code:
            return redirect("certificate_verify", code=code_display(code))
        if not verification_allowed(request):
            return _too_many(request, as_json=False)
        form.add_error("code", _("Mã không đúng dạng: mã gồm 12 chữ và số, ví dụ 7K3M-Q9ZA-H2PD."))
        context = {"form": form, "credential_form": CredentialCheckForm()}
        return _noindex(render(request, "certificates/verify.html", context, status=400))
    return _noindex(
        render(request, "certificates/verify.html", {"form": form, "credential_form": CredentialCheckForm()})
    )


@never_cache
def verify_code(request, code: str):
    """What the QR code opens; ``?format=json`` gives the same answer for machines."""
    as_json = request.GET.get("format") == "json"
    if not verification_allowed(request):
        return _too_many(request, as_json=as_json)
    result = certificate_verify(typed_code=code)
    status = VERIFY_STATUS_CODES.get(result.status, 200)
    if as_json:
        return _noindex(JsonResponse(result.as_json(), status=status, json_dumps_params={"ensure_ascii": False}))
    context = {
        "result": result,
        "form": VerifyForm(initial={"code": code if result.status != "malformed" else ""}),
        "credential_form": CredentialCheckForm(),
    }
    return _noindex(render(request, "certificates/verify.html", context, status=status))


@never_cache
def verify_credential(request):
    """An Open Badges credential, pasted (VC-JWT) or uploaded (baked badge image, .json, .jwt),
    checked like a code: signature, dates, status. An upload larger than the limit is refused
    by its declared length, before its body is read."""
    context = {"form": VerifyForm()}
    if request.method != "POST":
        context["credential_form"] = CredentialCheckForm()
        return _noindex(render(request, "certificates/verify.html", context))
    if not verification_allowed(request):
        return _too_many(request, as_json=False)
    if _content_length(request) > settings.CREDENTIAL_UPLOAD_MAX_BYTES + 64 * 1024:
        context["credential_form"] = CredentialCheckForm()
        context["upload_refused"] = credential_upload_too_large()
        return _noindex(render(request, "certificates/verify.html", context, status=413))
    form = CredentialCheckForm(request.POST, request.FILES)
    context["credential_form"] = form
    if not form.is_valid():
        return _noindex(render(request, "certificates/verify.html", context, status=400))
    context["credential"] = credential_check(token=form.cleaned_data["token"])
    return _noindex(render(request, "certificates/verify.html", context))


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@never_cache
def credential_public(request, public_id):
    """The link a learner gives an employer: this site checks the stored credential now (so a
    revocation shows at once) and offers the VC-JWT for the employer's own tools."""
    if not verification_allowed(request):
        return _too_many(request, as_json=False)
    credential = credential_by_public_id(public_id=public_id)
    if credential is None:
        raise Http404
    if request.GET.get("format") == "jwt":
        return _noindex(HttpResponse(credential.jwt, content_type="application/vc+jwt"))
    context = {"credential": credential_check(token=credential.jwt), "credential_record": credential}
    return _noindex(render(request, "certificates/verify.html", context))


CREDENTIAL_FORMATS = {
    "jwt": ("application/vc+jwt", "jwt"),
    "json": ("application/vc+ld+json", "json"),
    "png": ("image/png", "png"),
    "svg": ("image/svg+xml", "svg"),
}


@login_required
def credential_download(request, code: str, fmt: str):
    """The owner's Open Badges credential as a file: VC-JWT, JSON envelope, or a baked badge."""
    certificate = certificate_of_owner(user=request.user, code=code)
    credential = credential_of_certificate(certificate=certificate) if certificate else None
    if credential is None or fmt not in CREDENTIAL_FORMATS:
        raise Http404
    content_type, extension = CREDENTIAL_FORMATS[fmt]
    if fmt == "png":
        body = badge_png(credential)
    elif fmt == "svg":
        body = badge_svg(credential)
    elif fmt == "json":
        body = json.dumps(credential_envelope(credential), ensure_ascii=False, indent=2)
    else:
        body = credential.jwt
    response = HttpResponse(body, content_type=content_type)
    filename = f"chung-chi-{certificate.code_display}-open-badges.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_certificates(request):
    return render(request, "certificates/my_certificates.html", {"certificates": certificates_of(user=request.user)})


@never_cache
@login_required
def certificate_status(request, code: str):
    """The learner's own certificate status as JSON (the completion page polls it while the
    worker renders the PDF). Anyone else's code answers 404, as an unknown one does."""
    certificate = certificate_of_owner(user=request.user, code=code)
    if certificate is None:
        raise Http404
    return JsonResponse(certificate_state(certificate=certificate).as_json(), json_dumps_params={"ensure_ascii": False})


def _certificate_or_404(code: str) -> Certificate:
    normalised = code_normalise(code)
    certificate = Certificate.objects.filter(code=normalised).first() if normalised else None
    if certificate is None:
        raise Http404
    return certificate


@login_required
def download(request, code: str):
    """The stored, signed PDF — never rendered again. Anyone else gets a 404 (no hint it exists)."""
    certificate = _certificate_or_404(code)
    if not certificate_can_download(viewer=request.user, certificate=certificate):
        raise Http404
    handle = certificate_storage().open(certificate.pdf, "rb")
    response = FileResponse(
        handle, content_type="application/pdf", as_attachment=True, filename=f"chung-chi-{certificate.code_display}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def manage_list(request):
    """Administrators and coordinators: certificates of the learners in their scope."""
    if not (request.user.is_superuser or is_coordinator(user=request.user)):
        raise PermissionDenied
    query = request.GET.get("q", "")
    page = Paginator(certificates_managed_by(viewer=request.user, query=query), 50).get_page(request.GET.get("p"))
    return render(request, "certificates/manage_list.html", {"page_obj": page, "query": query})


@login_required
def manage(request, code: str):
    """Revoke (with a reason) or reissue one certificate."""
    certificate = _certificate_or_404(code)
    if not certificate_can_manage(viewer=request.user, certificate=certificate):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        try:
            if action == "revoke":
                certificate_revoke(actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"])
                messages.success(request, _("Đã thu hồi chứng chỉ."))
            elif action == "reissue":
                new = certificate_reissue(
                    actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request, _("Đã yêu cầu cấp lại: chứng chỉ mới %(code)s đang được tạo.") % {"code": new.code_display}
                )
                return redirect("certificate_manage", code=new.code_display)
            else:
                messages.error(request, _("Thao tác không hợp lệ."))
        except CertificateError as error:
            messages.error(request, str(error))
        return redirect("certificate_manage", code=certificate.code_display)
    context = {
        "certificate": certificate,
        "form": form,
        "can_download": certificate_can_download(viewer=request.user, certificate=certificate),
    }
    return render(request, "certificates/manage.html", context)


# --- Open Badges: issuer keys and status lists (public, machine-readable) --------------------


def _public_json(document: dict, content_type: str = "application/json") -> JsonResponse:
    response = JsonResponse(document, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"  # wallets and verifiers fetch these from anywhere
    return response


@cache_control(public=True, max_age=300)
def jwks(request):
    """``/.well-known/jwks.json``: every credential key not retired (old ones keep verifying)."""
    return _public_json(jwks_document(credential_keys_published()), "application/jwk-set+json")


@cache_control(public=True, max_age=300)
def did_json(request):
    """``/.well-known/did.json``: the ``did:web`` document of the site."""
    return _public_json(did_document(credential_keys_published()), "application/did+json")


@cache_control(public=True, max_age=60)
def credential_status_list(request, status_list: int):
    """A Bitstring Status List credential as a VC-JWT, signed when asked (it changes on revocation)."""
    if not credential_status_list_exists(status_list=status_list):
        raise Http404
    token = status_list_jwt(
        status_list=status_list, revoked_indexes=credential_status_revoked_indexes(status_list=status_list)
    )
    response = HttpResponse(token, content_type="application/vc+jwt")
    response["Access-Control-Allow-Origin"] = "*"
    return response
