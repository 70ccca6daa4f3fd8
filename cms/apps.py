from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Trang web")

    def ready(self) -> None:
        from wagtail.documents import get_document_model  # noqa: PLC0415 — idem
        from wagtail.images import get_image_model  # noqa: PLC0415 — in ready(): app modules load after the app registry
        from wagtail.models import PageViewRestriction, Site  # noqa: PLC0415 — idem

        from lms.page_cache import page_cache_invalidate_on  # noqa: PLC0415 — in ready(): app modules load after the app registry
        from lms.public_urls import public_site_name_register  # noqa: PLC0415 — idem

        from .models import SiteSettings  # noqa: PLC0415 — in ready(): app modules load after the app registry
        from .selectors import default_site_name  # noqa: PLC0415 — idem

        # What public pages show besides pages: the site's settings (name, footer, contacts), images and
        # documents; who may see them (cms.routing caches the restricted branches) and which site
        # answers which host (cms.routing caches the Site).
        page_cache_invalidate_on(SiteSettings, get_image_model(), get_document_model(), PageViewRestriction, Site)
        # E-mails (lms.accounts, below this app) greet from the name editors give the site here.
        public_site_name_register(default_site_name)
