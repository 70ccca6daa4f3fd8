"""Editors' and coordinators' quiz screens in the Wagtail admin: reports, CSV, statistics,
regrade, per-learner overrides, GIFT import/export."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from lms.orgunits.selectors import user_in_scope

from .gift import gift_export, gift_import
from .jobs import attempts_visible_to, report_csv_queue
from .models import Question, QuestionCategory, QuizPage
from .services import quiz_override_set, quiz_regrade
from .statistics import question_statistics


def _require_quiz_staff(request):
    if not request.user.has_perm("wagtailadmin.access_admin"):
        raise PermissionDenied


class OverrideForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email người học"))
    extra_minutes = forms.IntegerField(label=gettext_lazy("Thêm phút"), min_value=0, initial=0)
    extra_attempts = forms.IntegerField(label=gettext_lazy("Thêm lượt"), min_value=0, initial=0)
    reason = forms.CharField(label=gettext_lazy("Lý do"), widget=forms.Textarea(attrs={"rows": 2}))


class RegradeForm(forms.Form):
    question = forms.ModelChoiceField(label=gettext_lazy("Câu hỏi đã sửa"), queryset=Question.objects.none())
    reason = forms.CharField(label=gettext_lazy("Lý do"), widget=forms.Textarea(attrs={"rows": 2}))


class QuizReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "quizzes/admin/report.html"
    header_icon = "form"

    def dispatch(self, request, *args, **kwargs):
        _require_quiz_staff(request)
        self.quiz = get_object_or_404(QuizPage, pk=kwargs["quiz_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Báo cáo: %(title)s") % {"title": self.quiz.title}

    def _attempts(self):
        return attempts_visible_to(viewer=self.request.user, quiz=self.quiz)

    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        question_ids = {e["question_id"] for a in self.quiz.attempts.all()[:500] for e in a.slots}
        regrade = RegradeForm()
        regrade.fields["question"].queryset = Question.objects.filter(pk__in=question_ids)
        context.update(
            quiz=self.quiz,
            attempts=self._attempts(),
            statistics=question_statistics(quiz=self.quiz),
            override_form=kwargs.get("override_form") or OverrideForm(),
            regrade_form=kwargs.get("regrade_form") or regrade,
        )
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "csv":  # the attempts grow with learners: a background job
            job = report_csv_queue(actor=request.user, quiz=self.quiz, back_url=request.path)
            return redirect("job_detail", job_id=job.pk)
        if request.POST.get("action") == "override":
            form = OverrideForm(request.POST)
            user = get_user_model().objects.filter(email__iexact=request.POST.get("email", "")).first()
            if form.is_valid() and user is not None and user_in_scope(viewer=request.user, user=user):
                quiz_override_set(
                    actor=request.user,
                    quiz=self.quiz,
                    user=user,
                    **{k: form.cleaned_data[k] for k in ("extra_minutes", "extra_attempts", "reason")},
                )
                messages.success(request, _("Đã lưu ngoại lệ cho người học."))
                return redirect(request.path)
            if form.is_valid():
                form.add_error("email", _("Không có người học này trong phạm vi của bạn."))
            return self.render_to_response(self.get_context_data(override_form=form))
        if request.POST.get("action") == "regrade":
            form = RegradeForm(request.POST)
            form.fields["question"].queryset = Question.objects.all()
            if form.is_valid():
                count = quiz_regrade(
                    actor=request.user,
                    quiz=self.quiz,
                    question=form.cleaned_data["question"],
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("Đã chấm lại %(n)s lượt làm bài.") % {"n": count})
                return redirect(request.path)
            return self.render_to_response(self.get_context_data(regrade_form=form))
        return redirect(request.path)


class GiftForm(forms.Form):
    category = forms.ModelChoiceField(label=gettext_lazy("Nhóm câu hỏi"), queryset=QuestionCategory.objects.all())
    file = forms.FileField(label=gettext_lazy("Tệp GIFT (.txt)"), required=False)


class GiftView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "quizzes/admin/gift.html"
    page_title = gettext_lazy("Nhập/xuất câu hỏi GIFT")
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        _require_quiz_staff(request)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if "export" in request.GET:
            category = get_object_or_404(QuestionCategory, pk=request.GET.get("export"))
            response = HttpResponse(gift_export(category=category), content_type="text/plain; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="questions-{category.pk}.gift.txt"'
            return response
        return self.render_to_response(self.get_context_data(form=GiftForm()))

    def post(self, request, *args, **kwargs):
        form = GiftForm(request.POST, request.FILES)
        errors = []
        if form.is_valid() and form.cleaned_data["file"]:
            try:
                text = form.cleaned_data["file"].read().decode("utf-8-sig")
            except UnicodeDecodeError:
                errors = [_("Tệp phải là văn bản UTF-8.")]
            else:
                result = gift_import(text=text, category=form.cleaned_data["category"])
                if result.ok:
                    messages.success(request, _("Đã nhập %(n)s câu hỏi.") % {"n": len(result.created)})
                    return redirect(request.path)
                errors = [str(error) for error in result.errors]
        return self.render_to_response(self.get_context_data(form=form, errors=errors))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["categories"] = QuestionCategory.objects.order_by("name")
        return context
