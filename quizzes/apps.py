from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What editors hold (as the migration 0005 grants): the question bank, reading attempts, grading essays.
EDITOR_PERMISSIONS = [
    f"{action}_{model}" for action in ("add", "change", "delete", "view") for model in ("question", "questioncategory")
] + ["change_attempt", "view_attempt"]


class QuizzesConfig(AppConfig):
    """Question bank, quizzes, attempts, grading and statistics."""

    name = "quizzes"
    verbose_name = _("Bài kiểm tra")

    def ready(self) -> None:
        from courses.completion import register_lesson_rule  # noqa: PLC0415 — in ready(): app modules load after the app registry
        from lms.accounts.services import editor_permissions_register  # noqa: PLC0415 — in ready(): app modules load after the app registry

        from . import jobs, personal_data, selectors  # noqa: PLC0415 — in ready(): app modules load after the app registry

        register_lesson_rule("quiz_passed", selectors.quiz_lesson_rule)
        jobs.register()
        editor_permissions_register("quizzes", EDITOR_PERMISSIONS)
        personal_data.register()
        from lms.signed_in_page_cache import learner_pages_invalidate_on  # noqa: PLC0415 — in ready()

        from .models import Attempt, QuizOverride  # noqa: PLC0415 — in ready()

        learner_pages_invalidate_on(Attempt)  # a learner's grade shows on their course page
        learner_pages_invalidate_on(QuizOverride)
