"""Administrators grant and withdraw coordinator scopes and editor roles, and correct names, here."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from lms.admin_screens import AdminScreenMixin
from lms.orgunits.models import CoordinatorScope
from lms.orgunits.selectors import coordinator_scopes_all
from lms.orgunits.services import coordinator_scope_grant, coordinator_scope_withdraw
from lms.permissions import AdministratorRequiredMixin

from .admin_forms import CoordinatorScopeGrantForm, EditorRoleGrantForm, NameCorrectionForm, WithdrawForm
from .models import User
from .selectors import name_corrections_of
from .services import EDITORS_GROUP, editor_role_grant, editor_role_withdraw, user_name_correct


class RolesView(AdministratorRequiredMixin, AdminScreenMixin, TemplateView):
    template_name = "admin_roles/roles.html"
    page_title = gettext_lazy("Vai trò và phạm vi")
    header_icon = "group"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        editors_group = Group.objects.filter(name=EDITORS_GROUP).first()
        context.update(
            scopes=coordinator_scopes_all(),
            editors=User.objects.filter(groups=editors_group).order_by("email") if editors_group else [],
            scope_form=kwargs.get("scope_form") or CoordinatorScopeGrantForm(prefix="scope"),
            editor_form=kwargs.get("editor_form") or EditorRoleGrantForm(prefix="editor"),
            withdraw_form=WithdrawForm(),
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "grant_scope":
            form = CoordinatorScopeGrantForm(request.POST, prefix="scope")
            if form.is_valid():
                coordinator_scope_grant(
                    actor=request.user,
                    user=form.cleaned_data["user"],
                    unit=form.cleaned_data["unit"],
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("Đã giao phạm vi điều phối."))
                return redirect("lms_roles")
            return self.render_to_response(self.get_context_data(scope_form=form))
        if action == "grant_editor":
            form = EditorRoleGrantForm(request.POST, prefix="editor")
            if form.is_valid():
                editor_role_grant(
                    actor=request.user, user=form.cleaned_data["user"], reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Đã giao vai trò biên tập viên."))
                return redirect("lms_roles")
            return self.render_to_response(self.get_context_data(editor_form=form))
        messages.error(request, _("Thao tác không hợp lệ."))
        return redirect("lms_roles")


class ScopeWithdrawView(AdministratorRequiredMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request, scope_id: int):
        scope = get_object_or_404(CoordinatorScope.objects.select_related("user", "unit"), pk=scope_id)
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Cần ghi lý do thu hồi."))
        else:
            coordinator_scope_withdraw(actor=request.user, scope=scope, reason=form.cleaned_data["reason"])
            messages.success(request, _("Đã thu hồi phạm vi điều phối."))
        return redirect(reverse("lms_roles"))


class EditorWithdrawView(AdministratorRequiredMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request, user_id: int):
        user = get_object_or_404(User, pk=user_id)
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Cần ghi lý do thu hồi."))
        else:
            editor_role_withdraw(actor=request.user, user=user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Đã thu hồi vai trò biên tập viên."))
        return redirect(reverse("lms_roles"))


class NameCorrectView(LoginRequiredMixin, AdministratorRequiredMixin, AdminScreenMixin, FormView):
    """Correct a person's full name (``user_name_correct``): a reason is required, the change is audited.

    Routed outside Wagtail's admin wrapper (``admin_urls``) so that anyone but an
    administrator gets a plain 403 (an anonymous visitor: the login page).
    """

    template_name = "accounts/admin/name_correct.html"
    form_class = NameCorrectionForm
    page_title = gettext_lazy("Sửa họ tên")
    header_icon = "user"

    @cached_property
    def person(self) -> User:  # looked up after the permission check in dispatch
        return get_object_or_404(User, pk=self.kwargs["user_id"])

    def get_page_subtitle(self):
        return self.person.email

    def get_parent_breadcrumbs(self):
        return [
            {"url": reverse("wagtailusers_users:index"), "label": _("Người dùng")},
            {"url": reverse("wagtailusers_users:edit", args=[self.person.pk]), "label": self.person.full_name},
        ]

    def get_initial(self):
        return {"full_name": self.person.full_name}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(person=self.person, corrections=name_corrections_of(user=self.person))
        return context

    def form_valid(self, form):
        try:
            user_name_correct(
                actor=self.request.user,
                user=self.person,
                full_name=form.cleaned_data["full_name"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Đã sửa họ tên thành “%(name)s”. Chứng chỉ đã cấp vẫn mang họ tên cũ cho đến khi được cấp lại "
                "(Quản lý chứng chỉ)."
            )
            % {"name": self.person.full_name},
        )
        return redirect("lms_name_correct", user_id=self.person.pk)
