from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Catalogue, courses, lessons, enrolment, progress and learning paths."""

    name = "courses"
    verbose_name = _("Khoá học")

    def ready(self) -> None:
        from lms.page_cache import page_cache_invalidate_on  # noqa: PLC0415 — idem

        from . import jobs, personal_data  # noqa: PLC0415 — in ready(): app modules load after the app registry
        from .models import LearningPathCourse  # noqa: PLC0415 — idem

        # A path's courses are kept with the published content (``selectors._live_path_links``): a
        # change saved outside a publish (code, imports) retires them too.
        page_cache_invalidate_on(LearningPathCourse)
        jobs.register()
        personal_data.register()
        personal_data.register_assignments()
