from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views
from .assets import certificate_template_prepare, certificate_template_saved
from .models import CertificateTemplate


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = _("Mẫu chứng chỉ")
    menu_order = 290
    add_to_admin_menu = True
    list_display = ["name", "layout", "is_default", "version", "updated_at"]


register_snippet(CertificateTemplateViewSet)


@hooks.register("after_create_snippet")
def prepare_new_template(request, instance):
    if isinstance(instance, CertificateTemplate):
        certificate_template_prepare(template=instance)


@hooks.register("after_edit_snippet")
def version_edited_template(request, instance):
    """An edit is a new template version; its images are pre-processed once, here."""
    if isinstance(instance, CertificateTemplate):
        certificate_template_saved(template=instance)


@hooks.register("register_admin_urls")
def register_certificate_urls():
    return [
        path("certificates/failed/", admin_views.FailedCertificatesView.as_view(), name="certificates_failed"),
        path(
            "certificates/failed/<int:certificate_id>/retry/",
            admin_views.certificate_retry_one,
            name="certificates_retry",
        ),
        path("certificates/regenerate/", admin_views.RegenerationView.as_view(), name="certificates_regenerate"),
    ]


class AdministratorMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


class RegenerateMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.REGENERATE_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_failed_menu_item():
    return AdministratorMenuItem(_("Chứng chỉ bị lỗi"), reverse("certificates_failed"), icon_name="warning", order=291)


@hooks.register("register_admin_menu_item")
def register_regenerate_menu_item():
    return RegenerateMenuItem(_("Tạo lại chứng chỉ"), reverse("certificates_regenerate"), icon_name="repeat", order=292)
