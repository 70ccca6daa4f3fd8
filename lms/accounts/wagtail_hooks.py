from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.permissions import AdministratorMenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_role_urls():
    return [
        path("roles/", admin_views.RolesView.as_view(), name="lms_roles"),
        path(
            "roles/scopes/<int:scope_id>/withdraw/",
            admin_views.ScopeWithdrawView.as_view(),
            name="lms_scope_withdraw",
        ),
        path(
            "roles/editors/<int:user_id>/withdraw/",
            admin_views.EditorWithdrawView.as_view(),
            name="lms_editor_withdraw",
        ),
    ]


@hooks.register("register_settings_menu_item")
def register_roles_menu_item():
    return AdministratorMenuItem(_("Vai trò và phạm vi"), reverse("lms_roles"), icon_name="group", order=150)
