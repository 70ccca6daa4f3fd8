from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    """Coordinators' pages: scoped completion reports, assignments, confirmations, imports, reminders."""

    name = "coordination"
    label = "coordination"
    verbose_name = _("Điều phối đào tạo")

    def ready(self) -> None:
        from . import jobs, personal_data  # noqa: PLC0415 — in ready(): app modules load after the app registry

        jobs.register()
        personal_data.register()
