from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Catalogue, courses, lessons, enrolment and progress (built in the Courses issue)."""

    name = "courses"
    verbose_name = _("Khoá học")
