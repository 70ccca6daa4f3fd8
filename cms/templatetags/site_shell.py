from django import template
from wagtail.models import Site

from cms.selectors import page_description as page_description_for
from cms.selectors import site_shell as site_shell_for

register = template.Library()


@register.simple_tag(takes_context=True)
def site_shell(context):
    """The site's name, logo, contacts and menu (cached; see ``cms.selectors.site_shell``)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    return site_shell_for(site) if site else None


@register.simple_tag
def page_description(page, fallback=""):
    """The meta description of ``page`` (``cms.selectors.page_description``), or ``fallback``."""
    return page_description_for(page, fallback=fallback) if page else fallback
