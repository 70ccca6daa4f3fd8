from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Background jobs: every piece of work that grows with learners runs in a worker, with progress."""

    name = "lms.jobs"
    label = "jobs"
    verbose_name = _("Công việc chạy nền")

    def ready(self) -> None:
        from lms.health import register_health_probe  # noqa: PLC0415 — in ready(): app modules load after the app registry

        from . import services, sweeps  # noqa: PLC0415 — in ready(): app modules load after the app registry

        sweeps.register_sweep("jobs", services.jobs_sweep)
        register_health_probe("beat", sweeps.beat_check)
