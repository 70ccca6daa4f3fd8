"""Forms of the administrators' unit screen; the services validate again and decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import OrgUnit, UnitKind

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _date_field(label):
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUT_FORMATS,
        initial=timezone.localdate,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
        error_messages={"invalid": _("Nhập ngày theo dạng dd/mm/yyyy.")},
    )


class UnitTreeFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên hoặc mã"), required=False, max_length=100)
    retired = forms.BooleanField(label=_("Hiện cả đơn vị đã hết hiệu lực"), required=False)


class UnitCreateForm(forms.Form):
    code = forms.CharField(
        label=_("Mã đơn vị"),
        max_length=OrgUnit._meta.get_field("code").max_length,
        help_text=_("Giữ nguyên số 0 ở đầu, ví dụ 00004."),
    )
    name = forms.CharField(label=_("Tên đơn vị"), max_length=OrgUnit._meta.get_field("name").max_length)
    kind = forms.ChoiceField(label=_("Loại"), choices=UnitKind.choices)
    valid_from = _date_field(_("Hiệu lực từ ngày (dd/mm/yyyy)"))


class UnitRenameForm(forms.Form):
    name = forms.CharField(label=_("Tên mới"), max_length=OrgUnit._meta.get_field("name").max_length)
    effective = _date_field(_("Có hiệu lực từ ngày (dd/mm/yyyy)"))
    reason = forms.CharField(
        label=_("Căn cứ"),
        required=False,
        max_length=500,
        help_text=_("Ví dụ: Quyết định số 123/QĐ-UBND ngày 01/07/2025."),
    )


class UnitMergeForm(forms.Form):
    successor_code = forms.CharField(
        label=_("Mã đơn vị kế thừa"),
        max_length=OrgUnit._meta.get_field("code").max_length,
        help_text=_("Đơn vị nhận toàn bộ thành viên và phạm vi điều phối của đơn vị này."),
    )
    on = _date_field(_("Sáp nhập từ ngày (dd/mm/yyyy)"))
    reason = forms.CharField(label=_("Căn cứ"), required=False, max_length=500)


class UnitImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp danh mục đơn vị (CSV UTF-8 hoặc XLSX)"),
        help_text=_("Các cột: code,name,kind,parent_code,valid_from,valid_to (ngày theo dạng dd/mm/yyyy)."),
    )
