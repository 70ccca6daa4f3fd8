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
        _learner_pages_invalidation()
        jobs.register()
        personal_data.register()
        personal_data.register_assignments()


def _learner_pages_invalidation() -> None:
    """What a learner's own pages show (``lms.signed_in_page_cache``): their enrolments, progress and
    path completions, the deadlines of assignments (every learner's: an assignment has no single
    one) and their exceptions."""
    from lms.signed_in_page_cache import learner_pages_invalidate_on  # noqa: PLC0415 — in ready()

    from .models import Assignment, AssignmentException, Enrollment, LessonProgress, PathCompletion  # noqa: PLC0415

    for model in (Enrollment, PathCompletion, AssignmentException, Assignment):
        learner_pages_invalidate_on(model)
    # progress rows go only with their enrolment (whose delete retires the pages): saves only
    learner_pages_invalidate_on(LessonProgress, user_of=_progress_learner, deletes=False)


def _progress_learner(progress) -> int | None:
    from .models import Enrollment, LessonProgress  # noqa: PLC0415 — in ready()

    if LessonProgress.enrollment.is_cached(progress):  # the services write progress with its enrolment at hand
        return progress.enrollment.user_id
    return Enrollment.objects.filter(pk=progress.enrollment_id).values_list("user_id", flat=True).first()
