"""The site's URLs plus two baselines served by the same gunicorn, middleware and settings.

- ``/bench/hello/``: a bare Django view (what the framework costs with the project's middleware);
- ``/bench/wagtail/``: a minimal Wagtail page — a plain ``wagtailcore.Page`` (``MINIMAL_SLUG``,
  created by ``bench.dataset`` outside the site's tree, so the site never routes to it) found
  through the current site and served with Wagtail's own ``Page.serve`` and template.
"""

from django.http import Http404, HttpResponse
from django.urls import include, path
from wagtail.models import Page, Site

MINIMAL_SLUG = "bench-minimal"


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


def minimal_wagtail_page(request):
    Site.find_for_request(request)  # what Wagtail's serve view does first
    page = Page.objects.filter(slug=MINIMAL_SLUG, depth=2).first()
    if page is None:
        raise Http404
    return page.specific.serve(request)


urlpatterns = [
    path("bench/hello/", hello),
    path("bench/wagtail/", minimal_wagtail_page),
    path("", include("lms.urls")),
]
