from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Background jobs: every piece of work that grows with learners runs in a worker, with progress."""

    name = "lms.jobs"
    label = "jobs"
    verbose_name = _("Công việc chạy nền")
