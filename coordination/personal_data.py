"""The reminder e-mails sent to the learner, in "Dữ liệu của tôi"."""

from django.utils.translation import gettext_lazy as _

from lms.accounts.personal_data import Field, register_section

from .models import ReminderClaim

REMINDER_KINDS = {"due_soon": _("Sắp đến hạn"), "overdue": _("Quá hạn")}


def reminder_kind_label(kind: str):
    return _("Bản tin tuần") if kind.startswith("digest-") else REMINDER_KINDS.get(kind, kind)


def reminder_rows(user) -> list[dict]:
    return [
        {"assignment": c.assignment.title if c.assignment else "", "kind": c.kind, "sent_at": c.sent_at}
        for c in ReminderClaim.objects.filter(user=user).select_related("assignment")
    ]


def register() -> None:
    register_section(
        key="reminders",
        title=_("Email nhắc hạn đã gửi"),
        rows=reminder_rows,
        fields={
            "assignment": _("Đợt giao"),
            "kind": Field(_("Loại email"), reminder_kind_label),
            "sent_at": _("Gửi lúc"),
        },
    )
