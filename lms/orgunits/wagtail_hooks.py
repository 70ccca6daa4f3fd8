from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.permissions import AdministratorMenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_org_unit_urls():
    return [
        path("org-units/", admin_views.OrgUnitTreeView.as_view(), name="lms_org_units"),
        path("org-units/new/", admin_views.OrgUnitCreateView.as_view(), name="lms_org_unit_create"),
        path("org-units/import/", admin_views.OrgUnitImportView.as_view(), name="lms_org_units_import"),
        path("org-units/<int:unit_id>/", admin_views.OrgUnitDetailView.as_view(), name="lms_org_unit"),
    ]


@hooks.register("register_settings_menu_item")
def register_org_units_menu_item():
    return AdministratorMenuItem(_("Đơn vị"), reverse("lms_org_units"), icon_name="site", order=145)
