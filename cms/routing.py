"""Serving a page in a constant handful of queries, whatever its depth.

Wagtail finds a page by walking the tree from the site's root, two queries per level (the child
by slug, then its specific row), then reads the view restrictions of every ancestor (two more):
ten queries for a lesson five levels down. Here the site's ``HomePage`` finds the page by its
stored ``url_path`` in one lookup kept in the content cache (``lms.page_cache.content_cached``,
retired by any publish, unpublish, move or delete), and pages skip the restriction queries when
no restriction exists on their branch (the list of restricted branches is cached the same way and
retired when a restriction is saved or deleted).

Anything unusual — an alias, a restricted branch, a path that is not a page (a sub-route a page
type might serve one day) — takes Wagtail's own way, so behaviour never differs.
"""

from __future__ import annotations

from wagtail.models import Page, PageViewRestriction, Site

from lms.page_cache import content_cached


def page_at_url_path(root: Page, path_components: list[str]) -> Page | None:
    """The specific page whose URL under ``root`` is ``path_components``, or None (cached)."""
    url_path = root.url_path + "".join(f"{component}/" for component in path_components)
    return content_cached(f"route:{root.pk}:{url_path}", lambda: _page_at_url_path(root, url_path))


def _page_at_url_path(root: Page, url_path: str) -> Page | None:
    page = Page.objects.filter(url_path=url_path, path__startswith=root.path).only("id", "content_type").first()
    return page.specific if page is not None else None


def site_for_request(request) -> Site | None:
    """Wagtail's ``Site.find_for_request`` kept in the content cache per host and port, with its
    root page already specific (Wagtail's serve view would read both on every request)."""
    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    host, port = request.get_host(), request.get_port()  # get_host(): only allowed hosts are keys
    site = content_cached(f"site:{host}:{port}", lambda: _site_with_specific_root(request))
    request._wagtail_site = site
    return site


def _site_with_specific_root(request) -> Site | None:
    site = Site._find_for_request(request)
    if site is not None:
        site.root_page = site.root_page.specific
    return site


def site_root_paths_cached() -> list:
    """Wagtail's ``Site.get_site_root_paths()`` (what every page URL is built from) kept in the
    content cache: Wagtail keeps it in the shared cache, one round trip per request building a URL;
    here it is read with the content's generation and kept in this process. Sites are registered with
    the page cache, and moving or publishing a site's root page retires the content too."""
    return content_cached("site-root-paths", Site.get_site_root_paths)


class CachedSiteMiddleware:
    """Give every request its site and its sites' root paths from the content cache (see
    ``site_for_request``; ``Page.get_url(request)`` and ``{% pageurl %}`` read the root paths kept on
    the request); after ``CommonMiddleware``, which refuses hosts outside ``ALLOWED_HOSTS``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        site_for_request(request)
        request._wagtail_cached_site_root_paths = site_root_paths_cached()
        return self.get_response(request)


def restricted_branches() -> list[str]:
    """Tree paths of the pages carrying a view restriction (cached)."""
    return content_cached(
        "view-restricted-paths", lambda: sorted(PageViewRestriction.objects.values_list("page__path", flat=True))
    )


class FastRouteRootMixin:
    """For the site's root page type: find a descendant by URL path in one cached lookup."""

    def route(self, request, path_components):
        if path_components:
            page = page_at_url_path(self, path_components)
            if page is not None and not page.alias_of_id:
                return page.route(request, [])
        return super().route(request, path_components)


class CachedViewRestrictionsMixin:
    """For every page type: no restriction query when no restriction exists on the page's branch."""

    def get_view_restrictions(self):
        if self.alias_of_id or any(self.path.startswith(branch) for branch in restricted_branches()):
            return super().get_view_restrictions()
        return PageViewRestriction.objects.none()
