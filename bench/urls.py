"""The site's URLs plus three baselines served by the same gunicorn, middleware and settings.

- ``/bench/hello/``: a bare Django view (what the framework costs with the project's middleware);
- ``/bench/wagtail/``: a minimal Wagtail page — a plain ``wagtailcore.Page`` (``MINIMAL_SLUG``,
  created by ``bench.dataset`` outside the site's tree, so the site never routes to it) found
  through the current site and served with Wagtail's own ``Page.serve`` and template;
- ``/bench/write/``: a minimal signed-in write — a POST through the same session, user and CSRF
  checks, one UPDATE of the learner's own row committed in one transaction, a redirect: what any
  write a learner makes costs before it does anything of its own (the floor of marking a lesson
  done and of a quiz submit).
"""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import include, path
from django.views.decorators.http import require_POST
from wagtail.models import Page, Site

from lms.accounts.models import User

MINIMAL_SLUG = "bench-minimal"


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


def minimal_wagtail_page(request):
    Site.find_for_request(request)  # what Wagtail's serve view does first
    page = Page.objects.filter(slug=MINIMAL_SLUG, depth=2).first()
    if page is None:
        raise Http404
    return page.specific.serve(request)


@require_POST
@login_required
def minimal_write(request):
    with transaction.atomic():  # an UPDATE: no signal, no cache bump
        User.objects.filter(pk=request.user.pk).update(last_login=F("last_login"))
    return HttpResponseRedirect("/bench/hello/")


urlpatterns = [
    path("bench/hello/", hello),
    path("bench/wagtail/", minimal_wagtail_page),
    path("bench/write/", minimal_write),
    path("", include("lms.urls")),
]
