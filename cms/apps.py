from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Trang web")

    def ready(self) -> None:
        from wagtail.images import get_image_model  # noqa: PLC0415 — in ready(): app modules load after the app registry
        from wagtail.models import PageViewRestriction  # noqa: PLC0415 — idem

        from lms.page_cache import page_cache_invalidate_on  # noqa: PLC0415 — in ready(): app modules load after the app registry

        from .models import SiteSettings  # noqa: PLC0415 — in ready(): app modules load after the app registry

        # What public pages show besides pages: the site's settings (name, footer, contacts) and images;
        # and who may see them (cms.routing caches the restricted branches).
        page_cache_invalidate_on(SiteSettings, get_image_model(), PageViewRestriction)
