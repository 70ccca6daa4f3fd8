"""Settings for the test suite: the dev settings with faster, deterministic parts."""

from .dev import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_RESPONSE_FLOOR_SECONDS = 0  # tests/security/test_account_enumeration.py sets it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
HEALTHZ_WORKER_WAIT_SECONDS = 2

# Tests get their own queue folders, so a `make run` worker never takes their tasks.
if CELERY_BROKER_URL.startswith("filesystem://"):  # noqa: F405
    CELERY_QUEUE_DIR = VAR_DIR / "test-celery"  # noqa: F405
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }

# The anonymous page cache is off for the suite; tests/lms/test_page_cache.py turns it on.
PAGE_CACHE_SECONDS = 0

# The suite's staff fixtures sign in with ``force_login`` and hold no authenticator: the second
# factor is required only where a test asks for it — tests/accounts/test_staff_sign_in.py,
# tests/security/ (the access matrix, whose staff hold one) and the browser test of enrolment set
# the production value, ``MFA_REQUIRED_ROLES_PRODUCTION``.
MFA_REQUIRED_ROLES_PRODUCTION = MFA_REQUIRED_ROLES  # noqa: F405
MFA_REQUIRED_ROLES: list[str] = []
