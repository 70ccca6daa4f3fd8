"""Writes of the site shell."""

from django.conf import settings
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from .models import HomePage


@transaction.atomic
def site_home_ensure(*, hostname: str = "localhost", port: int = 80) -> HomePage:
    """Make sure a Học Số home page exists and the default site serves it.

    Idempotent. The migration ``cms.0002`` does the same on a new database;
    this covers a database whose pages were removed (and test flushes).
    """
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
        home = root.add_child(
            instance=HomePage(
                title="Học Số",
                slug="home",
                intro="Học kỹ năng số để dùng dịch vụ công trực tuyến, chữ ký số và văn phòng điện tử.",
            )
        )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname=hostname, port=port, root_page=home, is_default_site=True, site_name="Học Số")
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save(update_fields=["root_page"])
    return home
