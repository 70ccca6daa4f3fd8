from dataclasses import dataclass, field

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage
from lms.accounts.models import LearnerGroup, Position
from lms.orgunits.models import OrgUnit
from lms.orgunits.selectors import members_in_scope, scope_roots


@dataclass
class NamedLearners:
    """The e-mails typed in an assignment: learners already in the coordinator's scope, and every
    other address (unknown or elsewhere: the same for the coordinator), to be invited to ``unit``."""

    members: list = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    unit: OrgUnit | None = None


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
        help_text=_(
            "Người đã thuộc phạm vi của bạn được giao ngay; địa chỉ khác sẽ nhận lời mời tham gia đơn vị "
            "bên dưới và được giao khi nhận lời."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    invite_unit = forms.ModelChoiceField(label=_("Mời vào đơn vị"), queryset=OrgUnit.objects.none(), required=False)
    due_date = forms.DateField(label=_("Hạn hoàn thành (dd/mm/yyyy)"))

    def __init__(self, *args, units, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.fields["courses"].queryset = CoursePage.objects.live().order_by("title")
        self.fields["units"].queryset = units
        self.fields["units"].required = False
        self.fields["invite_unit"].queryset = units

    def clean_emails(self):
        emails = sorted({line.strip().lower() for line in self.cleaned_data["emails"].splitlines() if line.strip()})
        validator = forms.EmailField()
        bad = [email for email in emails if not _valid(validator, email)]
        if bad:
            raise forms.ValidationError(_("Email không hợp lệ: %(emails)s.") % {"emails": ", ".join(bad)})
        in_scope = set(
            members_in_scope(viewer=self.viewer).filter(user__email__in=emails).values_list("user_id", flat=True)
        )
        members = list(get_user_model().objects.filter(pk__in=in_scope, is_active=True))
        member_emails = {user.email.lower() for user in members}
        return NamedLearners(members=members, others=[email for email in emails if email not in member_emails])

    def clean(self):
        cleaned = super().clean()
        named = cleaned.get("emails")
        if named is not None:
            unit = cleaned.get("invite_unit")
            if unit is None and (named.members or named.others):
                roots = scope_roots(viewer=self.viewer)
                unit = roots[0] if len(roots) == 1 else None
                if unit is None and named.others:
                    self.add_error("invite_unit", _("Chọn đơn vị để mời những người chưa thuộc phạm vi của bạn."))
            named.unit = unit
        return cleaned


class AssignmentEditForm(forms.Form):
    """An assignment's name, plan and due date (its courses and targets stay as assigned)."""

    title = forms.CharField(label=_("Tên đợt giao"), max_length=255)
    plan_reference = forms.CharField(label=_("Căn cứ (kế hoạch)"), max_length=255, required=False)
    due_date = forms.DateField(label=_("Hạn hoàn thành (dd/mm/yyyy)"))


class AssignmentExtendForm(forms.Form):
    due_date = forms.DateField(label=_("Hạn mới cho cả đợt (dd/mm/yyyy)"))
    reason = forms.CharField(label=_("Lý do (không bắt buộc)"), max_length=255, required=False)


def _valid(field, value) -> bool:
    try:
        field.clean(value)
    except forms.ValidationError:
        return False
    return True
