"""Admin forms of the quizzes app: the quiz page's review-options grid."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.forms import VietnameseSlugPageForm

from .review_options import ReviewItem, ReviewMoment, review_options_default


class QuizPageForm(VietnameseSlugPageForm):
    """The quiz page form, with Moodle's review options as one row of checkboxes per item."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        options = (self.instance.review_options if self.instance and self.instance.review_options else None) or (
            review_options_default()
        )
        for item in ReviewItem:
            name = f"review_{item.value}"
            if name in self.fields:
                self.fields[name].initial = options.get(item.value, [])
        if "estimated_minutes" in self.fields:
            self.fields["estimated_minutes"].help_text = _(
                "Bài kiểm tra có thời gian làm bài thì thời lượng hiển thị là thời gian làm bài."
            )

    def save(self, commit=True):
        self.instance.review_options = {
            item.value: list(self.cleaned_data.get(f"review_{item.value}") or []) for item in ReviewItem
        }
        return super().save(commit=commit)


for _item in ReviewItem:
    QuizPageForm.base_fields[f"review_{_item.value}"] = forms.MultipleChoiceField(
        label=_item.label,
        choices=ReviewMoment.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    QuizPageForm.declared_fields[f"review_{_item.value}"] = QuizPageForm.base_fields[f"review_{_item.value}"]
