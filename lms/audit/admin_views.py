from datetime import datetime, time

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from lms.admin_screens import AdminScreenMixin
from lms.permissions import AdministratorRequiredMixin

from .labels import ACTION_LABELS, action_label, field_label
from .selectors import audit_entries_visible_to


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=gettext_lazy("Người thực hiện (email)"), required=False)
    person = forms.CharField(label=gettext_lazy("Người liên quan (tên hoặc email)"), required=False)
    action = forms.ChoiceField(label=gettext_lazy("Hành động"), required=False)
    since = forms.DateField(label=gettext_lazy("Từ ngày (dd/mm/yyyy)"), required=False)
    until = forms.DateField(label=gettext_lazy("Đến ngày (dd/mm/yyyy)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = sorted(((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda c: c[1])
        self.fields["action"].choices = [("", gettext_lazy("Tất cả"))] + choices


class AuditLogView(AdministratorRequiredMixin, AdminScreenMixin, TemplateView):
    """The audit log, newest first, filterable by actor, person, action and dates; administrators only.
    Each entry shows its action in words and what changed as "field: old → new"."""

    template_name = "audit/audit_log.html"
    page_title = gettext_lazy("Nhật ký kiểm toán")
    header_icon = "history"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AuditFilterForm(self.request.GET or None)
        entries = audit_entries_visible_to(viewer=self.request.user).select_related("subject")
        if form.is_valid():
            data = form.cleaned_data
            if data["actor"]:
                entries = entries.filter(actor_label__icontains=data["actor"].strip())
            if data["person"]:
                person = data["person"].strip()
                entries = entries.filter(
                    Q(subject_label__icontains=person)
                    | Q(subject__email__icontains=person)
                    | Q(subject__full_name__icontains=person)
                )
            if data["action"]:
                entries = entries.filter(action=data["action"])
            if data["since"]:
                entries = entries.filter(at__gte=timezone.make_aware(datetime.combine(data["since"], time.min)))
            if data["until"]:
                entries = entries.filter(at__lte=timezone.make_aware(datetime.combine(data["until"], time.max)))
        page = Paginator(entries, 50).get_page(self.request.GET.get("p"))
        rows = [
            {
                "entry": entry,
                "label": action_label(entry.action),
                "changes": [
                    (field_label(field), values[0], values[1])
                    for field, values in (entry.data.get("changes") or {}).items()
                    if isinstance(values, list | tuple) and len(values) == 2
                ],
                "details": {k: v for k, v in entry.data.items() if k != "changes"},
            }
            for entry in page.object_list
        ]
        query = self.request.GET.copy()
        query.pop("p", None)
        context.update(page_obj=page, rows=rows, form=form, query=query.urlencode())
        return context
