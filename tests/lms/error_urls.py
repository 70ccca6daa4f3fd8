"""The site's URLs plus one view that fails, to see the 500 page a visitor gets."""

from django.urls import path

from lms.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("__fail__/", fail), *site_urlpatterns]
