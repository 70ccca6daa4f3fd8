from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignlabConfig(AppConfig):
    """The digital-signature practice lab and the public signature checker."""

    name = "signlab"
    verbose_name = _("Thực hành ký số")

    def ready(self) -> None:
        from courses.completion import register_lesson_rule  # noqa: PLC0415 — in ready(): app modules load after the app registry

        from . import personal_data, selectors  # noqa: PLC0415 — in ready(): app modules load after the app registry

        register_lesson_rule("signature_lab_done", selectors.lab_lesson_rule)
        personal_data.register()

        from lms.jobs.sweeps import register_sweep  # noqa: PLC0415 — in ready(): app modules load after the app registry

        from . import checker  # noqa: PLC0415 — in ready(): app modules load after the app registry

        register_sweep("signlab.checks", checker.signature_checks_sweep)
