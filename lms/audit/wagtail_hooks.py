from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.permissions import AdministratorMenuItem

from .admin_views import AuditLogView


@hooks.register("register_admin_urls")
def register_audit_urls():
    return [path("audit-log/", AuditLogView.as_view(), name="lms_audit_log")]


@hooks.register("register_settings_menu_item")
def register_audit_menu_item():
    return AdministratorMenuItem(_("Nhật ký kiểm toán"), reverse("lms_audit_log"), icon_name="history", order=160)
