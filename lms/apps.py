from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Học Số core")

    def ready(self) -> None:
        from .celery_setup import ensure_embedded_queue_dirs  # noqa: PLC0415 — in ready(): app modules load after the app registry
        from .page_cache import connect_page_signals  # noqa: PLC0415 — in ready(): app modules load after the app registry

        ensure_embedded_queue_dirs()
        connect_page_signals()
        # Pillow warns above this and refuses twice this: far below its 89-megapixel default.
        Image.MAX_IMAGE_PIXELS = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
