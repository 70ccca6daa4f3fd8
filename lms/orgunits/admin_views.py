"""Administrators' unit screen in the Wagtail admin: the tree, create, rename, merge, import.

Thin views: reads from ``selectors``, writes through ``services`` and ``importing`` (which check
the actor again). Administrators only, like the roles and audit-log screens.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from lms.admin_screens import AdminScreenMixin
from lms.permissions import AdministratorRequiredMixin

from .admin_forms import UnitCreateForm, UnitImportForm, UnitMergeForm, UnitRenameForm, UnitTreeFilterForm
from .importing import COLUMNS, org_units_import_file
from .selectors import (
    org_unit_for_admin,
    org_unit_members_current,
    org_unit_merge_target,
    org_unit_renames,
    org_unit_tree,
)
from .services import OrgUnitError, org_unit_add, org_unit_merge_queue, org_unit_rename


class _UnitScreenMixin(AdminScreenMixin):
    """Breadcrumbs Home › Đơn vị › this screen, so the header names the screen (not "Trang Chủ")."""

    def get_parent_breadcrumbs(self):
        if self.request.resolver_match.url_name == "lms_org_units":
            return []
        return [{"url": reverse("lms_org_units"), "label": _("Đơn vị")}]


class OrgUnitTreeView(AdministratorRequiredMixin, _UnitScreenMixin, TemplateView):
    template_name = "orgunits/admin/tree.html"
    page_title = gettext_lazy("Đơn vị")
    header_icon = "site"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = UnitTreeFilterForm(self.request.GET or None)
        query, retired = "", False
        if form.is_valid():
            query, retired = form.cleaned_data["q"], form.cleaned_data["retired"]
        context.update(form=form, rows=org_unit_tree(query=query, include_retired=retired), query=query)
        return context


class _UnitMixin:
    @cached_property
    def unit(self):  # looked up after the permission check in dispatch
        unit = org_unit_for_admin(pk=self.kwargs["unit_id"])
        if unit is None:
            raise Http404
        return unit


class OrgUnitCreateView(AdministratorRequiredMixin, _UnitScreenMixin, TemplateView):
    """A new unit under ``?parent=<id>`` (a top-level unit without one)."""

    template_name = "orgunits/admin/create.html"
    page_title = gettext_lazy("Thêm đơn vị")
    header_icon = "site"

    @cached_property
    def parent(self):
        parent_id = self.request.GET.get("parent") or self.request.POST.get("parent")
        if not parent_id:
            return None
        parent = org_unit_for_admin(pk=int(parent_id)) if str(parent_id).isdigit() else None
        if parent is None:
            raise Http404
        return parent

    def get_page_subtitle(self):
        return str(self.parent) if self.parent else _("Đơn vị cấp cao nhất")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(form=kwargs.get("form") or UnitCreateForm(), parent=self.parent)
        return context

    def post(self, request, *args, **kwargs):
        form = UnitCreateForm(request.POST)
        if form.is_valid():
            try:
                unit = org_unit_add(actor=request.user, parent=self.parent, **form.cleaned_data)
            except OrgUnitError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Đã thêm đơn vị “%(name)s”.") % {"name": unit.name})
                return redirect("lms_org_unit", unit_id=unit.pk)
        return self.render_to_response(self.get_context_data(form=form))


class OrgUnitDetailView(_UnitMixin, AdministratorRequiredMixin, _UnitScreenMixin, TemplateView):
    """One unit: its dates, successor and names over time; rename it or merge it into another."""

    template_name = "orgunits/admin/detail.html"
    header_icon = "site"

    def get_page_title(self):
        return self.unit.name

    def get_page_subtitle(self):
        return self.unit.code

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.unit
        context.update(
            unit=unit,
            is_current=unit.is_valid_on(timezone.localdate()),
            parent=unit.get_parent(),
            members=org_unit_members_current(unit=unit),
            renames=org_unit_renames(unit=unit),
            predecessors=unit.predecessors.order_by("-valid_to", "code"),
            rename_form=kwargs.get("rename_form") or UnitRenameForm(prefix="rename", initial={"name": unit.name}),
            merge_form=kwargs.get("merge_form") or UnitMergeForm(prefix="merge"),
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "rename":
            form = UnitRenameForm(request.POST, prefix="rename")
            if form.is_valid():
                try:
                    org_unit_rename(actor=request.user, unit=self.unit, **form.cleaned_data)
                except OrgUnitError as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(request, _("Đã đổi tên đơn vị."))
                    return redirect("lms_org_unit", unit_id=self.unit.pk)
            return self.render_to_response(self.get_context_data(rename_form=form))
        if action == "merge":
            form = UnitMergeForm(request.POST, prefix="merge")
            if form.is_valid():
                successor = org_unit_merge_target(code=form.cleaned_data["successor_code"])
                if successor is None:
                    form.add_error(
                        "successor_code",
                        _("Không có đơn vị nào mã %(code)s.") % {"code": form.cleaned_data["successor_code"]},
                    )
                else:
                    try:
                        job = org_unit_merge_queue(
                            actor=request.user,
                            unit=self.unit,
                            successor=successor,
                            on=form.cleaned_data["on"],
                            reason=form.cleaned_data["reason"],
                        )
                    except OrgUnitError as error:
                        form.add_error(None, str(error))
                    else:
                        return redirect("job_detail", job_id=job.pk)
            return self.render_to_response(self.get_context_data(merge_form=form))
        messages.error(request, _("Thao tác không hợp lệ."))
        return redirect("lms_org_unit", unit_id=self.unit.pk)


class OrgUnitImportView(AdministratorRequiredMixin, _UnitScreenMixin, TemplateView):
    """Upload a units file: every bad row is listed at once and nothing is imported, or all of it is."""

    template_name = "orgunits/admin/import.html"
    page_title = gettext_lazy("Nhập danh mục đơn vị")
    header_icon = "upload"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", UnitImportForm())
        context.update(columns=",".join(COLUMNS), tree_url=reverse("lms_org_units"))
        return context

    def post(self, request, *args, **kwargs):
        form = UnitImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        result = org_units_import_file(actor=request.user, filename=upload.name, data_or_file=upload)
        if result.ok:
            messages.success(
                request,
                _("Đã nhập danh mục đơn vị: %(created)s mới, %(updated)s cập nhật, %(unchanged)s không đổi.")
                % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
            )
            return redirect("lms_org_units")
        return self.render_to_response(
            self.get_context_data(form=UnitImportForm(), result=result, filename=upload.name)
        )
