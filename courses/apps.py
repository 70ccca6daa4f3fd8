from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Catalogue, courses, lessons, enrolment, progress and learning paths."""

    name = "courses"
    verbose_name = _("Khoá học")

    def ready(self) -> None:
        from . import jobs, personal_data  # noqa: PLC0415 — in ready(): app modules load after the app registry

        jobs.register()
        personal_data.register()
        personal_data.register_assignments()
