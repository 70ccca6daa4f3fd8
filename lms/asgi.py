import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

application = get_asgi_application()

from lms.database import REQUEST, database_timeouts_apply  # noqa: E402 — needs Django set up

database_timeouts_apply(REQUEST)
