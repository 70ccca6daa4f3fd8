from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    """Signed PDF certificates, issued by the worker after a completion, and their public verification."""

    name = "certificates"
    verbose_name = _("Chứng chỉ")

    def ready(self) -> None:
        from courses.completion import register_completion_hook  # noqa: PLC0415 — in ready(): app modules load after the app registry
        from lms.health import register_health_probe  # noqa: PLC0415 — in ready(): app modules load after the app registry
        from lms.jobs.registry import register_job_kind  # noqa: PLC0415 — in ready(): app modules load after the app registry
        from lms.jobs.sweeps import register_sweep  # noqa: PLC0415 — in ready(): app modules load after the app registry
        from lms.media import register_private_images  # noqa: PLC0415 — in ready(): app modules load after the app registry

        from . import personal_data, regeneration, selectors, services  # noqa: PLC0415 — in ready(): app modules load after the app registry
        from .hooks import on_completion, on_completions  # noqa: PLC0415 — in ready(): app modules load after the app registry
        from .selectors import certificate_stamp_image_ids  # noqa: PLC0415 — in ready(): app modules load after the app registry

        register_completion_hook("certificate_request", on_completion, batch=on_completions)
        register_job_kind(regeneration.REGENERATE, regeneration.certificate_regeneration_run, time_limit=3600)
        personal_data.register()
        register_sweep("certificates.pending", services.certificates_pending_sweep)
        register_sweep("certificates.notify", services.certificates_notify_sweep)
        register_health_probe("oldest_pending_certificate", selectors.oldest_pending_certificate_check)
        register_private_images(certificate_stamp_image_ids)
        from lms.signed_in_page_cache import learner_pages_invalidate_on  # noqa: PLC0415 — in ready()

        from .models import Certificate  # noqa: PLC0415 — in ready()

        learner_pages_invalidate_on(Certificate)  # issued, revoked: shown on the learner's pages
