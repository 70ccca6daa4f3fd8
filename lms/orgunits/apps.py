from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgUnitsConfig(AppConfig):
    name = "lms.orgunits"
    label = "orgunits"
    verbose_name = _("Đơn vị")

    def ready(self) -> None:
        from django.urls import reverse  # noqa: PLC0415 — in ready(): app modules load after the app registry

        from lms.jobs.registry import register_job_kind  # noqa: PLC0415
        from lms.signed_in_page_cache import learner_pages_invalidate_on  # noqa: PLC0415

        from .models import Membership  # noqa: PLC0415
        from .services import MERGE_JOB, org_unit_merge_run  # noqa: PLC0415

        learner_pages_invalidate_on(Membership)
        register_job_kind(
            MERGE_JOB,
            org_unit_merge_run,
            atomic=True,
            time_limit=1800,
            result_url=lambda job: reverse("lms_org_unit", args=[job.params["unit"]]),
        )
