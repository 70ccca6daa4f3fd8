from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from lms.permissions import AdministratorRequiredMixin

from .selectors import audit_entries_visible_to


class AuditLogView(AdministratorRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """The audit log, newest first, filterable by action; administrators only."""

    template_name = "audit/audit_log.html"
    page_title = gettext_lazy("Nhật ký kiểm toán")
    header_icon = "history"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = audit_entries_visible_to(viewer=self.request.user)
        action = self.request.GET.get("action", "").strip()
        if action:
            entries = entries.filter(action__startswith=action)
        page = Paginator(entries, 50).get_page(self.request.GET.get("p"))
        context.update(page_obj=page, action=action)
        return context
