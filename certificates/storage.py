"""Where certificate files live: signed PDFs and the prepared template images (background,
signature, seal) — private storage outside ``MEDIA_ROOT``, never at a public URL (downloads are
access-checked; the renderer reads the images itself). Imports no model, so model fields can use it."""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.files.storage import Storage, storages


@functools.cache
def certificate_storage() -> Storage:
    if settings.CERTIFICATE_STORAGE_ALIAS:
        return storages[settings.CERTIFICATE_STORAGE_ALIAS]
    return storages.create_storage(settings.CERTIFICATE_STORAGE)
