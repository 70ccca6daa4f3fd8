"""Reads for the public site's shell: what every page's header and footer show."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.models import Site

from lms.page_cache import content_cached

from .models import SiteSettings

LOGO_FILTER = "height-40"


@dataclass(frozen=True)
class MenuLink:
    title: str
    url: str


@dataclass(frozen=True)
class SiteShell:
    """The site's name, logo, contacts and main menu: the same for every visitor of a site."""

    site_name: str
    tagline: str = ""
    logo_url: str = ""
    logo_width: int = 0
    logo_height: int = 0
    contact_organisation: str = ""
    contact_address: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    home_url: str = "/"
    menu: list[MenuLink] = field(default_factory=list)

    @property
    def contact_phone_href(self) -> str:
        """``tel:`` and the number as dialled: digits and a leading ``+`` (a URL has no spaces)."""
        return "tel:" + phone_dialable(self.contact_phone) if self.contact_phone else ""


def phone_dialable(number: str) -> str:
    """``0236 3 822 000`` → ``02363822000``; ``+84 236.382 (máy lẻ 12)`` → ``+84236382``: the
    digits up to the first character that is not part of a number (an extension, a note)."""
    number = re.split(r"[^\d\s+().\-/]", number.strip(), maxsplit=1)[0]
    digits = re.sub(r"\D", "", number)
    return f"+{digits}" if number.startswith("+") else digits


DESCRIPTION_CHARS = 160


def page_description(page, *, fallback: str = "") -> str:
    """The meta description of ``page``: its search description, else its summary or intro (plain
    text, at most ``DESCRIPTION_CHARS``), else ``fallback`` (the site's tagline)."""
    for name in ("search_description", "summary", "intro"):
        text = " ".join(strip_tags(str(getattr(page, name, "") or "")).split())
        if text:
            return Truncator(text).chars(DESCRIPTION_CHARS)
    return fallback


def site_shell(site: Site) -> SiteShell:
    """The shell of ``site``, kept in the shared cache until content or settings change (no query
    on a warm cache; three or four on a cold one)."""
    return content_cached(f"site-shell:{site.pk}", lambda: _site_shell_build(site))


def default_site_name() -> str:
    """The default site's name from its settings ("" before there is a site)."""
    site = Site.objects.filter(is_default_site=True).first()
    return site_shell(site).site_name if site else ""


def _site_shell_build(site: Site) -> SiteShell:
    settings = SiteSettings.for_site(site)
    logo = settings.logo.get_rendition(LOGO_FILTER) if settings.logo_id else None
    root = site.root_page
    menu = [
        MenuLink(page.title, page.get_url(current_site=site) or "")
        for page in root.get_children().live().in_menu().only("title", "url_path", "path", "depth")
    ]
    return SiteShell(
        site_name=settings.site_name,
        tagline=settings.tagline,
        logo_url=logo.url if logo else "",
        logo_width=logo.width if logo else 0,
        logo_height=logo.height if logo else 0,
        contact_organisation=settings.contact_organisation,
        contact_address=settings.contact_address,
        contact_phone=settings.contact_phone,
        contact_email=settings.contact_email,
        home_url=root.get_url(current_site=site) or "/",
        menu=menu,
    )
