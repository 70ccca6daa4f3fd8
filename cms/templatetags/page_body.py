from django import template
from django.utils import translation
from django.utils.safestring import mark_safe

from lms.page_cache import content_cached

register = template.Library()


@register.simple_tag(takes_context=True)
def page_body(context, page, field: str = "body"):
    """A page's StreamField rendered block by block — as ``{% include_block %}`` in a loop would —
    and kept in the content cache (per page, live revision and language), so a lesson's images,
    links and blocks are not rendered again for every learner. Previews are never cached."""
    request = context.get("request")
    stream = getattr(page, field)
    flat = {"page": page, "request": request}
    if request is None or getattr(request, "is_preview", False) or not page.pk:
        return _render(stream, flat)
    key = f"page-body:{page.pk}:{field}:{page.live_revision_id}:{translation.get_language()}"
    html = content_cached(key, lambda: str(_render(stream, flat)))
    return mark_safe(html)  # noqa: S308  # nosec B308 B703  # rendered by our block templates (_render)


def _render(stream, context) -> str:
    # ``block_id``: a block that links to something of its own (a lab activity) needs its id.
    parts = (child.render_as_block(context={**context, "block_id": child.id}) for child in stream)
    html = "".join(str(part) for part in parts)
    return mark_safe(html)  # noqa: S308  # nosec B308 B703  # each block escaped by its own template
