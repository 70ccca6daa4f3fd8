"""Editors' and coordinators' quiz screens in the Wagtail admin: reports, CSV, statistics,
regrade, per-learner overrides, GIFT import/export."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from lms.admin_screens import AdminScreenMixin
from lms.orgunits.selectors import user_in_scope

from .gift import gift_export, gift_import
from .jobs import regrade_queue, report_csv_queue
from .models import AttemptAnswer, Question, QuestionCategory, QuizPage
from .scores import score_display
from .selectors import answers_awaiting_grade, attempts_visible_to, sees_every_attempt
from .services import QuizError, answer_grade_manually, quiz_override_set
from .statistics_cache import quiz_statistics_cached, quiz_statistics_enqueue


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


class QuizReportView(AdminScreenMixin, TemplateView):
    template_name = "quizzes/admin/report.html"
    header_icon = "form"

    def dispatch(self, request, *args, **kwargs):
        _require_quiz_staff(request)
        self.quiz = get_object_or_404(QuizPage, pk=kwargs["quiz_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Báo cáo: %(title)s") % {"title": self.quiz.title}

    def get_parent_breadcrumbs(self):
        module = self.quiz.get_parent()
        return [
            {"url": reverse("wagtailadmin_explore", args=[module.pk]), "label": module.title},
            {"url": reverse("wagtailadmin_pages:edit", args=[self.quiz.pk]), "label": self.quiz.title},
        ]

    def _attempts(self):
        return attempts_visible_to(viewer=self.request.user, quiz=self.quiz)

    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        owner = sees_every_attempt(viewer=self.request.user)
        statistics = None
        if owner:  # quiz-wide figures: for those who see every attempt (coordinators see their scope)
            statistics = quiz_statistics_cached(quiz=self.quiz)
            if statistics.stale:
                quiz_statistics_enqueue(quiz_id=self.quiz.pk)
        regrade = None
        if owner:
            regrade = kwargs.get("regrade_form") or RegradeForm()
            regrade.fields["question"].queryset = self._quiz_questions()
        context.update(
            quiz=self.quiz,
            attempts=Paginator(self._attempts(), 50).get_page(self.request.GET.get("p")),
            statistics=statistics,
            override_form=kwargs.get("override_form") or OverrideForm(),
            regrade_form=regrade,
        )
        return context

    def _quiz_questions(self):
        """The questions of the quiz's slots (fixed, or any in a random slot's category)."""
        fixed = self.quiz.slots.filter(question__isnull=False).values("question_id")
        categories = self.quiz.slots.filter(question__isnull=True).values("category_id")
        return Question.objects.filter(Q(pk__in=fixed) | Q(category_id__in=categories)).order_by("name")

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "csv":  # the attempts grow with learners: a background job
            job = report_csv_queue(actor=request.user, quiz=self.quiz, back_url=request.path)
            return redirect("job_detail", job_id=job.pk)
        if request.POST.get("action") == "override":
            form = OverrideForm(request.POST)
            user = get_user_model().objects.filter(email__iexact=request.POST.get("email", "")).first()
            reachable = user is not None and (
                sees_every_attempt(viewer=request.user) or user_in_scope(viewer=request.user, user=user)
            )
            if form.is_valid() and reachable:
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
            if not sees_every_attempt(viewer=request.user):  # a regrade changes every learner's grade
                raise PermissionDenied
            form = RegradeForm(request.POST)
            form.fields["question"].queryset = self._quiz_questions()
            if form.is_valid():
                job = regrade_queue(
                    actor=request.user,
                    quiz=self.quiz,
                    question=form.cleaned_data["question"],
                    reason=form.cleaned_data["reason"],
                    back_url=request.path,
                )
                return redirect("job_detail", job_id=job.pk)
            return self.render_to_response(self.get_context_data(regrade_form=form))
        return redirect(request.path)


class GiftForm(forms.Form):
    category = forms.ModelChoiceField(label=gettext_lazy("Nhóm câu hỏi"), queryset=QuestionCategory.objects.all())
    file = forms.FileField(label=gettext_lazy("Tệp GIFT (.txt)"), required=False)


class GiftView(AdminScreenMixin, TemplateView):
    template_name = "quizzes/admin/gift.html"
    page_title = gettext_lazy("Nhập/xuất câu hỏi GIFT")
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        _require_quiz_staff(request)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if "export" in request.GET:
            export = request.GET["export"]
            pk = int(export) if export.isascii() and export.isdigit() else 0  # "?export=abc" is a 404
            category = get_object_or_404(QuestionCategory, pk=pk)
            response = HttpResponse(gift_export(category=category), content_type="text/plain; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="questions-{category.pk}.gift.txt"'
            return response
        return self.render_to_response(self.get_context_data(form=GiftForm()))

    def post(self, request, *args, **kwargs):
        form = GiftForm(request.POST, request.FILES)
        errors = []
        upload = form.cleaned_data.get("file") if form.is_valid() else None
        if form.is_valid() and not upload:
            errors = [_("Hãy chọn một tệp GIFT.")]
        if upload and upload.size > settings.GIFT_MAX_BYTES:
            errors = [
                _("Tệp lớn hơn %(size)s, giới hạn của một lần nhập; hãy chia thành nhiều tệp.")
                % {"size": filesizeformat(settings.GIFT_MAX_BYTES)}
            ]
        elif upload:
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                errors = [_("Tệp phải là văn bản UTF-8 (trong Notepad: Lưu thành… → Mã hoá UTF-8).")]
            else:
                result = gift_import(text=text, category=form.cleaned_data["category"])
                if result.ok:
                    messages.success(request, _("Đã nhập %(n)s câu hỏi.") % {"n": len(result.created)})
                    return redirect(request.path)
                errors = [str(error) for error in result.errors[:50]]
                if len(result.errors) > 50:
                    errors.append(_("… và %(n)s lỗi khác.") % {"n": len(result.errors) - 50})
        return self.render_to_response(self.get_context_data(form=form, errors=errors))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["categories"] = QuestionCategory.objects.order_by("name")
        return context


def can_grade(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm("quizzes.change_attempt"))


class GradingQueueView(AdminScreenMixin, TemplateView):
    """Essays waiting for a grader: the question, the rubric, the learner's answer, a mark and a comment."""

    template_name = "quizzes/admin/grading.html"
    page_title = gettext_lazy("Chấm bài tự luận")
    header_icon = "edit"

    def dispatch(self, request, *args, **kwargs):
        if not can_grade(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["queue"] = answers_awaiting_grade()
        return context

    def post(self, request, *args, **kwargs):
        try:
            mark = float((request.POST.get("mark") or "").replace(",", "."))
        except ValueError:
            messages.error(request, _("Điểm phải là một số."))
            return redirect("quiz_grading")
        try:
            attempt = answer_grade_manually(
                actor=request.user,
                answer_id=int(request.POST.get("answer", 0)),
                mark=mark,
                comment=request.POST.get("comment", ""),
            )
        except (QuizError, ValueError, AttemptAnswer.DoesNotExist) as error:
            messages.error(request, str(error) or _("Không chấm được câu này."))
        else:
            if attempt.state == "graded":
                messages.success(
                    request,
                    _("Đã chấm xong lượt làm của %(name)s: %(score)s%%.")
                    % {"name": attempt.user.full_name or attempt.user.email, "score": score_display(attempt.score_pct)},
                )
            else:
                messages.success(request, _("Đã lưu điểm."))
        return redirect("quiz_grading")
