"""Administrators configure how each unit's Decree-30 report is headed and signed (Settings menu)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from lms.orgunits.models import OrgUnit

from .models import ReportLetterhead

SHORT_TEXT = forms.Textarea(attrs={"rows": 2})


class ReportLetterheadViewSet(ModelViewSet):
    model = ReportLetterhead
    icon = "doc-full"
    menu_label = _("Đầu văn bản báo cáo")
    menu_order = 160
    add_to_settings_menu = True
    copy_view_enabled = False
    list_display = ["unit", "abbreviation", "signing_mode", "signer_name", "updated_at"]
    search_fields = ["unit__name", "unit__code", "abbreviation", "signer_name"]
    form_fields = [
        "unit",
        "abbreviation",
        "authority_name",
        "issuer_name",
        "place",
        "head_title",
        "signing_mode",
        "signer_title",
        "signer_name",
        "recipients",
    ]

    def formfield_for_dbfield(self, db_field, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = OrgUnit.objects.filter(valid_to__isnull=True).order_by("path")
        if db_field.name in ("issuer_name", "signer_title"):
            kwargs["widget"] = SHORT_TEXT
        return super().formfield_for_dbfield(db_field, **kwargs)


@hooks.register("register_admin_viewset")
def register_report_letterhead_viewset():
    return ReportLetterheadViewSet("report_letterheads")
