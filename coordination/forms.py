from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage
from lms.accounts.models import LearnerGroup, Position
from lms.orgunits.models import OrgUnit


class AssignmentForm(forms.Form):
    title = forms.CharField(label=_("Tên đợt giao"), max_length=255)
    plan_reference = forms.CharField(label=_("Căn cứ (kế hoạch)"), max_length=255, required=False)
    courses = forms.ModelMultipleChoiceField(label=_("Khoá học"), queryset=CoursePage.objects.none())
    units = forms.ModelMultipleChoiceField(label=_("Đơn vị (gồm đơn vị trực thuộc)"), queryset=OrgUnit.objects.none())
    learner_groups = forms.MultipleChoiceField(
        label=_("Nhóm người học (để trống: tất cả)"), choices=LearnerGroup.choices, required=False
    )
    positions = forms.MultipleChoiceField(
        label=_("Chức vụ (để trống: tất cả)"), choices=Position.choices, required=False
    )
    emails = forms.CharField(
        label=_("Người học cụ thể (mỗi dòng một email)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    due_date = forms.DateField(label=_("Hạn hoàn thành (dd/mm/yyyy)"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courses"].queryset = CoursePage.objects.live().order_by("title")
        self.fields["units"].queryset = units
        self.fields["units"].required = False

    def clean_emails(self):

        emails = [line.strip().lower() for line in self.cleaned_data["emails"].splitlines() if line.strip()]
        users = list(get_user_model().objects.filter(email__in=emails, is_active=True))
        missing = sorted(set(emails) - {user.email for user in users})
        if missing:
            raise forms.ValidationError(_("Không có tài khoản: %(emails)s.") % {"emails": ", ".join(missing)})
        return users
