"""What ``/media/`` may serve: image renditions, nothing else, and never a private image's.

Uploads are not public files. Documents go through Wagtail's view (``WAGTAILDOCS_SERVE_METHOD =
"serve_view"``), which applies collection privacy; original images are only ever shown as
renditions; signed certificates, import files and certificate seals live in private storage
outside ``MEDIA_ROOT``. So ``/media/`` answers only ``images/…`` — renditions — and of those, a
rendition of a *private* image (in a collection with a view restriction, or claimed by an app
through ``register_private_images``, e.g. a certificate's seal and signature) only to people who
may use the admin. Everything else is 404, the same answer as for a file that does not exist.

The same rule is what a front web server must apply in production (``SERVE_MEDIA=False``): expose
``/media/images/`` only, or leave ``SERVE_MEDIA`` on so this view decides.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import Http404
from django.views.static import serve
from wagtail.images import get_image_model

PUBLIC_PREFIX = "images/"

# Each returns the ids of images that must not be served to the public (apps register in ready()).
_private_image_sources: list[Callable[[], Iterable[int]]] = []


def register_private_images(source: Callable[[], Iterable[int]]) -> None:
    _private_image_sources.append(source)


def image_is_private(image) -> bool:
    if image.collection.get_view_restrictions().exists():
        return True
    return any(image.pk in set(source()) for source in _private_image_sources)


def media_serve(request, path: str):
    """``/media/<path>``: a rendition file, if it is public or the reader may use the admin."""
    path = posixpath.normpath(path).lstrip("/")
    if not path.startswith(PUBLIC_PREFIX) or ".." in path.split("/"):
        raise Http404
    rendition = (
        get_image_model().get_rendition_model().objects.select_related("image__collection").filter(file=path).first()
    )
    if rendition is None:
        raise Http404
    if image_is_private(rendition.image) and not request.user.has_perm("wagtailadmin.access_admin"):
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["X-Content-Type-Options"] = "nosniff"
    return response
