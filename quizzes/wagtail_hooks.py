from django.contrib import messages
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .admin_views import GiftView, GradingQueueView, QuizReportView, can_grade
from .choosers import QuestionChooserViewSet
from .models import Question, QuestionCategory, QuizPage
from .payloads import PayloadError
from .services import question_version_ensure


class QuestionCategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    list_display = ["name", "parent"]
    menu_label = gettext_lazy("Nhóm câu hỏi")


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    list_display = ["name", "qtype", "category"]
    list_filter = ["qtype", "category"]
    menu_label = gettext_lazy("Câu hỏi")
    chooser_viewset_class = QuestionChooserViewSet


class QuestionBankGroup(SnippetViewSetGroup):
    items = (QuestionViewSet, QuestionCategoryViewSet)
    menu_icon = "help"
    menu_label = gettext_lazy("Ngân hàng câu hỏi")
    menu_name = "question-bank"


register_snippet(QuestionBankGroup)


def _version_after_save(request, instance):
    if not isinstance(instance, Question):
        return
    try:
        question_version_ensure(question=instance)
    except PayloadError as error:
        messages.error(request, _("Câu hỏi chưa dùng được: %(error)s") % {"error": error})


hooks.register("after_create_snippet", _version_after_save)
hooks.register("after_edit_snippet", _version_after_save)


@hooks.register("register_admin_urls")
def register_quiz_admin_urls():
    return [
        path("quizzes/<int:quiz_id>/report/", QuizReportView.as_view(), name="quiz_report"),
        path("quizzes/gift/", GiftView.as_view(), name="quiz_gift"),
        path("quizzes/grading/", GradingQueueView.as_view(), name="quiz_grading"),
    ]


@hooks.register("register_page_listing_buttons")
def quiz_report_button(page, user, next_url=None):
    if page.specific_class is QuizPage:
        yield ListingButton(_("Báo cáo"), reverse("quiz_report", args=[page.pk]), priority=60)


@hooks.register("register_admin_menu_item")
def gift_menu_item():
    return MenuItem(gettext_lazy("Nhập/xuất GIFT"), reverse("quiz_gift"), icon_name="doc-full", order=310)


class GradingMenuItem(MenuItem):
    def is_shown(self, request):
        return can_grade(request.user)


@hooks.register("register_admin_menu_item")
def grading_menu_item():
    return GradingMenuItem(gettext_lazy("Chấm bài tự luận"), reverse("quiz_grading"), icon_name="edit", order=320)


@hooks.register("insert_global_admin_js")
def question_form_js():
    """The question form shows only the chosen type's fields; a quiz slot hides the random count."""
    return format_html('<script src="{}" defer></script>', static("js/admin/question-form.js"))
