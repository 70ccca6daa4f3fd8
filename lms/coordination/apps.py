from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    """Coordinators' pages: scoped completion reports, assignments, confirmations, exports."""

    name = "lms.coordination"
    label = "coordination"
    verbose_name = _("Điều phối đào tạo")
