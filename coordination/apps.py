from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    """Coordinators' pages: scoped completion reports, assignments, confirmations, imports, reminders."""

    name = "coordination"
    label = "coordination"
    verbose_name = _("Điều phối đào tạo")

    def ready(self) -> None:
        from lms.accounts.personal_data import register_section  # noqa: PLC0415 — in ready(): app modules load after the app registry

        from . import jobs  # noqa: PLC0415 — in ready(): app modules load after the app registry
        from .personal_data import reminder_rows  # noqa: PLC0415 — in ready(): app modules load after the app registry

        jobs.register()
        register_section(key="reminders", title=_("Email nhắc hạn đã gửi"), rows=reminder_rows)
