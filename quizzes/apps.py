from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    """Question bank, quizzes and attempts (built in the Quiz issue)."""

    name = "quizzes"
    verbose_name = _("Bài kiểm tra")
