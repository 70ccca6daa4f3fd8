from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    """Question bank, quizzes, attempts, grading and statistics."""

    name = "quizzes"
    verbose_name = _("Bài kiểm tra")

    def ready(self) -> None:
        from courses.completion import register_lesson_rule  # noqa: PLC0415 — in ready(): app modules load after the app registry
        from lms.accounts.personal_data import register_section  # noqa: PLC0415 — in ready(): app modules load after the app registry

        from . import jobs, personal_data, selectors  # noqa: PLC0415 — in ready(): app modules load after the app registry

        register_lesson_rule("quiz_passed", selectors.quiz_lesson_rule)
        jobs.register()
        register_section(key="quiz_attempts", title=_("Bài kiểm tra đã làm"), rows=personal_data.attempt_rows)
        register_section(key="quiz_overrides", title=_("Ngoại lệ bài kiểm tra"), rows=personal_data.override_rows)
