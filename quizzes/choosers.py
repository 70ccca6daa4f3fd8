"""The question chooser (picking questions for a quiz's slots): search by text, filter by
category (with its subcategories) and by type."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm, SearchFilterMixin
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet

from .models import QuestionCategory, QuestionType
from .selectors import category_with_descendants


class QuestionFilterForm(SearchFilterMixin, BaseFilterForm):
    category = forms.ModelChoiceField(
        label=_("Nhóm câu hỏi"),
        queryset=QuestionCategory.objects.order_by("name"),
        required=False,
        empty_label=_("Mọi nhóm"),
        widget=forms.Select(attrs={"data-chooser-modal-search-filter": True}),
    )
    qtype = forms.ChoiceField(
        label=_("Loại câu hỏi"),
        choices=[("", _("Mọi loại")), *QuestionType.choices],
        required=False,
        widget=forms.Select(attrs={"data-chooser-modal-search-filter": True}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("Tìm theo tên hoặc nội dung")
        self.fields["q"].widget.attrs["placeholder"] = _("Tìm câu hỏi")

    def filter(self, objects):
        # Filters first: the search backend then searches inside the filtered questions.
        category = self.cleaned_data.get("category")
        if category is not None:
            objects = objects.filter(category_id__in=category_with_descendants(category=category))
        if self.cleaned_data.get("qtype"):
            objects = objects.filter(qtype=self.cleaned_data["qtype"])
        return super().filter(objects)


class QuestionColumnsMixin:
    filter_form_class = QuestionFilterForm
    ordering = ["category__name", "name"]

    def get_object_list(self):
        return super().get_object_list().select_related("category")

    @property
    def columns(self):
        return [
            *super().columns,
            Column("category", label=_("Nhóm"), accessor="category"),
            Column("qtype", label=_("Loại"), accessor="get_qtype_display"),
        ]


class QuestionChooseView(QuestionColumnsMixin, ChooseView):
    pass


class QuestionChooseResultsView(QuestionColumnsMixin, ChooseResultsView):
    pass


class QuestionChooserViewSet(SnippetChooserViewSet):
    choose_view_class = QuestionChooseView
    choose_results_view_class = QuestionChooseResultsView
