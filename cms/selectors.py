"""Reads for the public site's shell: what every page's header and footer show."""

from __future__ import annotations

from dataclasses import dataclass, field

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
