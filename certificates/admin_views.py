"""Wagtail admin screens: failed certificates (administrators) and bulk regeneration (editors)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from lms.admin_screens import AdminScreenMixin
from lms.permissions import AdministratorRequiredMixin

from .forms import RegenerationForm
from .models import Certificate
from .regeneration import certificate_regeneration_start
from .selectors import certificates_failed, regenerations_recent
from .services import CertificateError, certificate_retry

REGENERATE_PERMISSION = "certificates.change_certificatetemplate"


class FailedCertificatesView(AdministratorRequiredMixin, AdminScreenMixin, TemplateView):
    template_name = "certificates/admin/failed.html"
    page_title = gettext_lazy("Chứng chỉ bị lỗi")
    header_icon = "warning"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["certificates"] = certificates_failed()[:200]
        return context

    def post(self, request, *args, **kwargs):
        ids = request.POST.getlist("certificate") if request.POST.get("all") is None else None
        chosen = certificates_failed() if ids is None else certificates_failed().filter(pk__in=ids)
        count = 0
        for certificate in chosen[:200]:
            try:
                certificate_retry(actor=request.user, certificate=certificate)
                count += 1
            except CertificateError:
                continue
        messages.success(request, _("Đã gửi lại %(count)d chứng chỉ cho worker.") % {"count": count})
        return redirect("certificates_failed")


class RegenerationView(AdminScreenMixin, TemplateView):
    template_name = "certificates/admin/regenerate.html"
    page_title = gettext_lazy("Tạo lại chứng chỉ")
    header_icon = "repeat"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(REGENERATE_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        jobs = list(regenerations_recent())
        context.update(
            form=kwargs.get("form") or RegenerationForm(),
            jobs=jobs,
            running=any(job.is_active for job in jobs),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = RegenerationForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        job = certificate_regeneration_start(actor=request.user, course=form.cleaned_data["course"])
        messages.success(
            request,
            _("Đã bắt đầu tạo lại %(total)d chứng chỉ của khoá học “%(title)s”.")
            % {"total": job.progress_total, "title": form.cleaned_data["course"].title},
        )
        return redirect("certificates_regenerate")


def certificate_retry_one(request, certificate_id: int):
    if not request.user.is_superuser or request.method != "POST":
        raise PermissionDenied
    certificate = get_object_or_404(Certificate, pk=certificate_id)
    try:
        certificate_retry(actor=request.user, certificate=certificate)
        messages.success(request, _("Đã gửi lại chứng chỉ %(code)s cho worker.") % {"code": certificate.code_display})
    except CertificateError as error:
        messages.error(request, str(error))
    return redirect("certificates_failed")
