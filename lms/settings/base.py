"""Settings shared by every environment.

With no environment variables set, the platform runs embedded: a SQLite file,
kombu's filesystem transport for Celery (a real worker process, no server),
the database cache and e-mail printed to the console. ``DATABASE_URL``,
``CELERY_BROKER_URL`` and ``CACHE_URL`` switch to PostgreSQL and Redis.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import email_settings_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("HOCSO_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public base URL (scheme, host, port) of every absolute link: the QR code and URL printed in
# signed certificates, e-mails, the Wagtail admin (lms.public_urls). `make run` sets it from PORT;
# production refuses to start without it.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if urlsplit(SITE_URL).scheme not in {"http", "https"} or not urlsplit(SITE_URL).netloc:
    raise ImproperlyConfigured(f"SITE_URL must be an absolute URL such as https://hocso.example.vn, not {SITE_URL!r}.")

INSTALLED_APPS = [
    # Project apps first: their templates and translations win over the libraries'.
    "lms",
    "lms.accounts",
    "lms.audit",
    "lms.orgunits",
    "lms.jobs",
    "cms",
    "courses",
    "quizzes",
    "certificates",
    "coordination",
    "signlab",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.sites",
    "lms.accounts.apps.LmsUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "treebeard",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "lms.csp.ContentSecurityPolicyMiddleware",  # first: every response gets the policy (lms/csp.py)
    "lms.middleware.LivenessMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lms.page_cache.ContentCacheScopeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lms.middleware.SiteLanguageMiddleware",
    "lms.page_cache.AnonymousPageCacheMiddleware",
    "lms.signed_in_page_cache.SignedInPageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cms.routing.CachedSiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "lms.accounts.staff_sign_in.StaffSignInMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "lms.context_processors.site_shell",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
SQLITE_PATH = Path(env_str("SQLITE_PATH", str(VAR_DIR / "db.sqlite3")))
DATABASE_URL = env_str("DATABASE_URL")
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 60)
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)}
else:
    # Web, worker and beat are separate processes on one file: WAL lets readers
    # run beside a writer and IMMEDIATE transactions take the write lock up
    # front, so a writer waits (``timeout``) instead of failing mid-transaction
    # with "database is locked". busy_timeout must not go in init_command: it
    # would override ``timeout``.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# PostgreSQL limits (lms.database): a request waits at most this long for a row lock and runs no
# statement longer; worker tasks wait as long for a lock and may run longer statements (exports,
# recounts). Web processes and workers set them; management commands (migrations) do not.
DATABASE_REQUEST_LOCK_TIMEOUT_MS = env_int("DATABASE_REQUEST_LOCK_TIMEOUT_MS", 5_000)
DATABASE_REQUEST_STATEMENT_TIMEOUT_MS = env_int("DATABASE_REQUEST_STATEMENT_TIMEOUT_MS", 30_000)
DATABASE_TASK_LOCK_TIMEOUT_MS = env_int("DATABASE_TASK_LOCK_TIMEOUT_MS", 10_000)
DATABASE_TASK_STATEMENT_TIMEOUT_MS = env_int("DATABASE_TASK_STATEMENT_TIMEOUT_MS", 300_000)

# --- Cache (shared by every process: allauth's rate limits live here) -------
# CACHE_URL (redis://host:6379/1) selects Redis; give it its own database
# number, apart from the broker's. Without it the database cache is used.
CACHE_URL = env_str("CACHE_URL")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
if CACHE_URL:
    # Optional at run time (lms.cache_backends): a Redis outage is logged and bypassed — pages are
    # rendered fresh — never a 500. Short socket timeouts bound what a hung Redis costs a request;
    # after a failure the cache is not asked again for CACHE_RETRY_SECONDS.
    CACHES = {
        "default": {
            "BACKEND": "lms.cache_backends.FaultTolerantRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "hocso"),
            "OPTIONS": {
                "socket_connect_timeout": float(env_str("CACHE_SOCKET_TIMEOUT", "0.5")),
                "socket_timeout": float(env_str("CACHE_SOCKET_TIMEOUT", "0.5")),
                "RETRY_AFTER": float(env_str("CACHE_RETRY_SECONDS", "5")),
            },
        }
    }
    # Sessions stay in the database and are read from Redis (lms.sessions): one round trip instead of
    # a query on every signed-in request; a cached copy lives SESSION_CACHE_SECONDS at most.
    SESSION_ENGINE = "lms.sessions"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "hocso_cache",
        }
    }
SESSION_CACHE_SECONDS = env_int("SESSION_CACHE_SECONDS", 600)

# A learner opening again the lesson they are on within this many seconds of their last recorded
# action writes nothing (courses.services.lesson_visit): last access recorded at most once a minute.
LESSON_VISIT_RECORD_SECONDS = env_int("LESSON_VISIT_RECORD_SECONDS", 60)
# Whole public pages for anonymous visitors (lms.page_cache): kept this many seconds at most
# (0 turns the cache off); a publish, unpublish, move or delete makes every stored page stale.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
PAGE_CACHE_ALIAS = "default"
# A signed-in learner's own copies of their lesson, course and "Học tập của tôi" pages
# (lms.signed_in_page_cache): kept this many seconds at most (0 turns it off); any write to what
# they show makes them stale at once.
SIGNED_IN_PAGE_CACHE_SECONDS = env_int("SIGNED_IN_PAGE_CACHE_SECONDS", 300)
# Values derived from published content (menus, site settings, course outlines, page routes),
# kept under the same generation as the page cache: this many seconds at most.
CONTENT_CACHE_SECONDS = env_int("CONTENT_CACHE_SECONDS", 600)

# --- Authentication -----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
# Subjects start with "[<the site's name>] " and bodies greet from it (lms.accounts.adapter).
ACCOUNT_SIGNUP_FORM_CLASS = "lms.accounts.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "lms.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "lms.accounts.timing.SignupForm"}
# Sign-up and password-reset POSTs answer no sooner than this (lms.accounts.timing), so how long
# they take does not tell whether an e-mail is registered.
AUTH_RESPONSE_FLOOR_SECONDS = float(env_str("AUTH_RESPONSE_FLOOR_SECONDS", "1.0") or 1.0)
# A training room behind one NAT logs in together: 120 logins a minute per IP.
# Wrong passwords (lms.accounts.adapter): 5 per 5 minutes per (e-mail, IP) — a stranger's guesses
# do not lock the owner out — and 30 per 15 minutes per e-mail from all IPs together.
ACCOUNT_RATE_LIMITS = {
    "login": env_str("RATE_LIMIT_LOGIN", "120/m/ip"),
    "login_failed": env_str("RATE_LIMIT_LOGIN_FAILED", "60/m/ip,5/5m/key"),
    "login_failed_account": env_str("RATE_LIMIT_LOGIN_FAILED_ACCOUNT", "30/15m/key"),
    "signup": "30/m/ip",
    # Rate limits of the password actions, not passwords (bandit B105 reads the keys).
    "reset_password": "30/m/ip,5/m/key",  # nosec B105
    "reset_password_from_key": "30/m/ip",  # nosec B105
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",  # nosec B105
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# Number of reverse proxies in front of the app that append to X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# --- Staff sign-in (lms.accounts.staff_sign_in) ---------------------------------------
# A second factor (allauth.mfa: an authenticator app, TOTP, with recovery codes) is required of
# the roles named here before any staff screen opens (/coordinate/, /admin/, certificate
# management, coordinators' jobs); learners may turn it on from their profile. Roles:
# administrator (superuser), coordinator (a coordinator scope), editor (opens the Wagtail admin).
MFA_REQUIRED_ROLES = env_list("MFA_REQUIRED_ROLES", ["administrator", "coordinator", "editor"])
MFA_ADAPTER = "lms.accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# One 30-second step either side: a phone whose clock is a few seconds off still signs in.
MFA_TOTP_TOLERANCE = env_int("MFA_TOTP_TOLERANCE", 1)
# A session of those roles ends after this many seconds without a request (learners keep
# Django's SESSION_COOKIE_AGE, two weeks).
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_SECONDS", 30 * 60)

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# The language cookie (lms.accounts.views sets it with these): a year, no script reads it.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
FORMAT_MODULE_PATH = ["lms.formats"]
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static and media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# The embedded default has no front web server, so Django serves uploads.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
# `manage.py seed_demo` may run (production refuses it unless HOCSO_ALLOW_DEMO_DATA=1).
DEMO_DATA_ALLOWED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- E-mail -------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Học Số <no-reply@hocso.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
if env_str("EMAIL_URL"):
    globals().update(email_settings_from_url(env_str("EMAIL_URL")))

# --- Wagtail ------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Học Số"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_ALLOW_UNICODE_SLUGS = False  # slugs are ASCII: "Đồng Tháp" → "dong-thap" (cms.forms)
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "simple"}}
# Documents only through Wagtail's view, which applies collection privacy (never /media/documents/).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip"]
# Images: a PNG of a few KB can declare 10,000 × 10,000 px and take gigabytes to thumbnail. Wagtail
# refuses uploads above this many pixels (Vietnamese message) and Pillow refuses to decode them
# anywhere else (lms.apps sets Image.MAX_IMAGE_PIXELS to the same); 25 MP is a 6,000 × 4,000 photo.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env_int("IMAGE_MAX_PIXELS", 25_000_000)
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env_int("IMAGE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
WAGTAILEMBEDS_FINDERS: list = []  # no oEmbed fetches: the site sends no request off its origin
# The admin works on a closed network: no avatars from gravatar.com, no version check against
# releases.wagtail.org, no "what's new" banner pointing to wagtail.org.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Celery -------------------------------------------------------------------
CELERY_QUEUE_DIR = VAR_DIR / "celery"
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
else:
    # Redis redelivers a message whose worker died only after the visibility
    # timeout: longer than the longest task including its retry countdowns.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# No publish is retried where it is made (a request thread, beat's loop): every publish whose loss
# matters is recorded in the database first and swept again (lms.jobs.sweeps).
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 120)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 180)
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_ALWAYS_EAGER = False
# The one place periodic work is declared (later issues add their sweepers).
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {
        "task": "lms.tasks.worker_heartbeat",
        "schedule": timedelta(seconds=30),
    },
    "quizzes-close-overdue-attempts": {
        "task": "quizzes.tasks.close_overdue_attempts",
        "schedule": timedelta(minutes=1),
    },
    "quizzes-sweep-graded-notices": {
        "task": "quizzes.tasks.sweep_graded_notices",
        "schedule": timedelta(minutes=5),
    },
    "quizzes-sweep-statistics": {
        "task": "quizzes.tasks.sweep_statistics",
        "schedule": timedelta(minutes=10),
    },
    "coordination-send-reminders": {
        "task": "coordination.tasks.send_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    "coordination-send-digests": {
        "task": "coordination.tasks.send_digests",
        "schedule": crontab(hour=7, minute=45, day_of_week=1),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Background jobs (lms.jobs) -------------------------------------------------------
# Work that grows with learners runs in a worker as a BackgroundJob (progress, cancel, owner-only
# download). A running job's worker beats every JOB_HEARTBEAT_SECONDS; one silent for
# JOB_STALE_SECONDS is presumed dead and its job requeued (at most JOB_MAX_ATTEMPTS runs). A queued
# job not started after JOB_REQUEUE_SECONDS is published again. Files and results (personal data)
# are deleted JOB_EXPIRY_DAYS after the job ends; unapplied import previews after
# JOB_PREVIEW_EXPIRY_DAYS.
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 10)
JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", 60)
JOB_REQUEUE_SECONDS = env_int("JOB_REQUEUE_SECONDS", 60)
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3)
JOB_EXPIRY_DAYS = env_int("JOB_EXPIRY_DAYS", 7)
JOB_PREVIEW_EXPIRY_DAYS = env_int("JOB_PREVIEW_EXPIRY_DAYS", 2)
JOB_STORAGE_ALIAS = env_str("JOB_STORAGE_ALIAS", "")
# Queue of the job task; empty = Celery's default queue. A busy deployment gives jobs their own
# worker (``celery worker -Q jobs``) so a long import never delays certificates or e-mails.
JOB_TASK_QUEUE = env_str("JOB_TASK_QUEUE", "")
# --- Outbox sweeps (lms.jobs.sweeps) -----------------------------------------------------
# Every side effect that must happen (a certificate render, a "certificate issued" e-mail, a job)
# is a database row first; every SWEEP_SECONDS beat runs the registered sweeps, which publish
# again what a broker outage or a killed worker lost, and record the beat heartbeat. A worker
# whose view of that heartbeat is older than SWEEP_FALLBACK_AFTER_SECONDS sweeps itself (0: never).
SWEEP_SECONDS = env_int("SWEEP_SECONDS", 10)
SWEEP_FALLBACK_AFTER_SECONDS = env_int("SWEEP_FALLBACK_AFTER_SECONDS", 60)
CELERY_BEAT_SCHEDULE["outbox-sweeps"] = {
    "task": "lms.jobs.tasks.sweeps_run",
    "schedule": timedelta(seconds=SWEEP_SECONDS),
}

# --- Quizzes -------------------------------------------------------------------------
# A graded attempt queues a refresh of the quiz's cached statistics this many seconds later, so a
# burst of submissions is counted by one computation.
QUIZ_STATISTICS_DELAY_SECONDS = env_int("QUIZ_STATISTICS_DELAY_SECONDS", 10)
# A GIFT file imported into the question bank: at most this size and this many questions.
GIFT_MAX_BYTES = env_int("GIFT_MAX_BYTES", 2 * 1024 * 1024)
GIFT_MAX_QUESTIONS = env_int("GIFT_MAX_QUESTIONS", 2000)

# --- Health check ---------------------------------------------------------------
# /healthz is public liveness (constant time, touches nothing). /healthz/deep checks the database,
# the broker, a worker round trip (a control ping, never a task), the queue depth, beat's sweep
# heartbeat and what apps register (the oldest pending certificate); it answers loopback clients
# and requests carrying HEALTHZ_TOKEN (header "Authorization: Bearer <token>"), others get 404.
# Its result is kept HEALTHZ_DEEP_CACHE_SECONDS in the process, so a burst of probes costs one check.
HEALTHZ_TOKEN = env_str("HEALTHZ_TOKEN", "")
HEALTHZ_DEEP_CACHE_SECONDS = float(env_str("HEALTHZ_DEEP_CACHE_SECONDS", "5"))
HEALTHZ_WORKER_WAIT_SECONDS = float(env_str("HEALTHZ_WORKER_WAIT_SECONDS", "1"))
HEALTHZ_BEAT_STALE_SECONDS = env_int("HEALTHZ_BEAT_STALE_SECONDS", 90)
HEALTHZ_QUEUE_DEPTH_MAX = env_int("HEALTHZ_QUEUE_DEPTH_MAX", 1000)
HEALTHZ_PENDING_CERTIFICATE_MAX_SECONDS = env_int("HEALTHZ_PENDING_CERTIFICATE_MAX_SECONDS", 600)

# --- Coordination -------------------------------------------------------------------
# The completion target units are ranked against when neither they nor a unit above them has one of
# their own (coordination.UnitTarget, set by coordinators). 80 %: a target a unit can reach during a
# plan — 100 % made every unit red until the last learner finished.
COORDINATION_TARGET_PCT = env_int("COORDINATION_TARGET_PCT", 80)
COORDINATION_AMBER_MARGIN_PCT = env_int("COORDINATION_AMBER_MARGIN_PCT", 20)
# A report whose aggregates took longer than SLOW seconds to count (a province, not a commune) keeps
# them in the shared cache: served as they are while FRESH, still served (a worker recounting) until
# STALE; the page says when they were counted and offers "Làm mới".
COORDINATION_FIGURES_SLOW_SECONDS = float(env_str("COORDINATION_FIGURES_SLOW_SECONDS", "0.5"))
COORDINATION_FIGURES_FRESH_SECONDS = env_int("COORDINATION_FIGURES_FRESH_SECONDS", 120)
COORDINATION_FIGURES_STALE_SECONDS = env_int("COORDINATION_FIGURES_STALE_SECONDS", 900)

# An invitation to join a unit (imports, assignments naming someone outside the scope) stays valid this long.
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 30)

# --- Uploads (lms/tabular) ------------------------------------------------------------
# Every CSV/XLSX upload (the learner import) is read within these bounds and refused with a
# message past any of them. 20,000 rows covers a district's civil servants in one file; a learner
# row needs 6 columns and no cell 1,000 characters. An XLSX may also unpack to at most 10 × the
# byte limit (lms/tabular/xlsx_guard.py).
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
UPLOAD_MAX_ROWS = env_int("UPLOAD_MAX_ROWS", 20_000)
UPLOAD_MAX_COLUMNS = env_int("UPLOAD_MAX_COLUMNS", 30)
UPLOAD_MAX_CELL_CHARS = env_int("UPLOAD_MAX_CELL_CHARS", 1_000)

# --- Reminders ---------------------------------------------------------------------
REMINDER_DAYS_BEFORE_DUE = env_int("REMINDER_DAYS_BEFORE_DUE", 3)

# --- Personal data --------------------------------------------------------------
PRIVACY_NOTICE_VERSION = "2026-11"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}

SITE_NAME = _("Học Số")

# --- Certificates ---------------------------------------------------------------
# Issuer key and certificate (PKCS#12). ``manage.py certificates_issuer_create``
# writes a self-signed development issuer here; production points the path at
# the organisation's real one and passes its passphrase through the environment.
CERTIFICATE_ISSUER_PKCS12 = env_str("CERTIFICATE_ISSUER_PKCS12", str(VAR_DIR / "certificates" / "issuer-dev.p12"))
CERTIFICATE_ISSUER_PASSPHRASE = env_str("CERTIFICATE_ISSUER_PASSPHRASE", "")
# The ES256 (P-256) key that signs the Open Badges 3.0 credentials (VC-JWT), a PKCS#8 PEM of its
# own: ``manage.py credentials_key_create`` writes a development one; production points the path
# at the operator's key. A new file is a key rotation: old keys stay published (docs/open-badges.md).
CREDENTIAL_ISSUER_KEY = env_str("CREDENTIAL_ISSUER_KEY", str(VAR_DIR / "certificates" / "credential-key-dev.pem"))
CREDENTIAL_ISSUER_KEY_PASSPHRASE = env_str("CREDENTIAL_ISSUER_KEY_PASSPHRASE", "")
# Bits per Bitstring Status List credential (W3C: at least 131,072, for herd privacy).
CREDENTIAL_STATUS_LIST_SIZE = 131072
# An uploaded credential (a baked badge image, .json or .jwt) on the verification page.
CREDENTIAL_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
# Room for the CMS signature in the PDF (bytes): fixed, so pyHanko skips its
# size-estimating dry run. 8 KiB holds a P-256 or RSA-4096 signature with a
# chain of three certificates.
CERTIFICATE_SIGNATURE_BYTES_RESERVED = env_int("CERTIFICATE_SIGNATURE_BYTES_RESERVED", 8192)
# Signed PDFs: a private folder outside MEDIA_ROOT (downloads are access-checked,
# never a public media URL). CERTIFICATE_STORAGE_ALIAS names a STORAGES alias
# instead, e.g. an S3 bucket configured with django-storages.
CERTIFICATE_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": env_str("CERTIFICATE_PDF_ROOT", str(VAR_DIR / "private"))},
}
CERTIFICATE_STORAGE_ALIAS = env_str("CERTIFICATE_STORAGE_ALIAS", "")
# Rendering: retries of transient errors (exponential backoff capped at
# CERTIFICATE_RETRY_BACKOFF_MAX seconds), then ``failed``.
CERTIFICATE_RENDER_MAX_RETRIES = env_int("CERTIFICATE_RENDER_MAX_RETRIES", 5)
CERTIFICATE_RETRY_BACKOFF_MAX = env_int("CERTIFICATE_RETRY_BACKOFF_MAX", 300)
# The sweeper re-enqueues ``pending`` certificates whose last enqueue is older
# than this: the only recovery path with the filesystem transport (it deletes a
# message on delivery), a second one with Redis.
CERTIFICATE_PENDING_SWEEP_AGE = env_int("CERTIFICATE_PENDING_SWEEP_AGE", 300)
# A render whose publish the broker refused (or that was never published: a web process stopped
# between its commit and its publish) is published again this long after the last try.
CERTIFICATE_ENQUEUE_RETRY_SECONDS = env_int("CERTIFICATE_ENQUEUE_RETRY_SECONDS", 10)
# A "certificate issued" e-mail not sent this long after the issue is published again (the send
# claims the row: once); certificates issued longer ago than the window are not e-mailed late.
CERTIFICATE_NOTIFY_SWEEP_AGE = env_int("CERTIFICATE_NOTIFY_SWEEP_AGE", 60)
CERTIFICATE_NOTIFY_WINDOW_HOURS = env_int("CERTIFICATE_NOTIFY_WINDOW_HOURS", 48)
# A pending certificate whose publish failed, or older than this, is shown to its learner as
# "Đang chờ cấp" with what to expect instead of "a few seconds".
CERTIFICATE_WAITING_AFTER_SECONDS = env_int("CERTIFICATE_WAITING_AFTER_SECONDS", 60)
CERTIFICATE_EXPIRY_REMINDER_DAYS = env_int("CERTIFICATE_EXPIRY_REMINDER_DAYS", 30)
# Public verification: lookups per client IP (fixed window, shared cache).
CERTIFICATE_VERIFY_RATE = env_str("CERTIFICATE_VERIFY_RATE", "30/60")  # requests / seconds
# Queue of the render task; empty = Celery's default queue. A busy deployment
# gives rendering its own queue and worker (``celery worker -Q certificates``).
CERTIFICATE_TASK_QUEUE = env_str("CERTIFICATE_TASK_QUEUE", "")
# How long the pool waits for a killed child's result before redelivering its
# task (WorkerLostError → requeued: acks_late + reject_on_worker_lost). Celery's default.
CELERY_WORKER_LOST_WAIT = float(env_str("CELERY_WORKER_LOST_WAIT", "10") or 10)

if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Redis keeps a delivered, unacknowledged message in its "unacked" set and
    # gives it to another worker only after ``visibility_timeout``: it must be
    # longer than the longest task plus every retry countdown (render: 180 s
    # hard limit, retries back off to at most CERTIFICATE_RETRY_BACKOFF_MAX;
    # an ETA message waits unacked in the worker). Every
    # ``unacked_restore_interval`` × ``unacked_restore_throttle`` seconds a
    # worker scans for such messages and puts them back on the queue.
    # ``socket_connect_timeout`` keeps a publish during a Redis outage short and
    # ``max_retries`` 0 makes it fail at the first refused connection (kombu's default
    # retries for the connect timeout, sleeping in between: 6 s of a request thread);
    # the caller logs it, the row records it, and the sweeper publishes it again. The
    # worker's own consumer reconnects with its own retry settings, not these.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
        "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
        "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 6),
        "socket_connect_timeout": env_int("CELERY_BROKER_CONNECT_TIMEOUT", 2),
        "max_retries": env_int("CELERY_PUBLISH_CONNECT_RETRIES", 0),
    }
    CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECT_TIMEOUT", 2)

CELERY_BEAT_SCHEDULE["certificates-expiry"] = {
    "task": "certificates.tasks.certificates_expiry_process",
    "schedule": crontab(hour=6, minute=15),
}


# --- Digital-signature practice lab (signlab) ------------------------------------------------------
# Learners' practice keys are encrypted with a key derived from SIGNLAB_KEY_SECRET (default: SECRET_KEY;
# changing it makes existing practice keys unusable — learners are simply issued new ones).
SIGNLAB_KEY_SECRET = env_str("SIGNLAB_KEY_SECRET", "")
SIGNLAB_CERTIFICATE_DAYS = env_int("SIGNLAB_CERTIFICATE_DAYS", 365)
SIGNLAB_CRL_HOURS = env_int("SIGNLAB_CRL_HOURS", 24)
# Root certificates (PEM or DER files) the public checker trusts besides the practice CA — e.g. the
# national root CA certificates the operator downloads and installs.
SIGNLAB_TRUSTED_ROOTS = env_list("SIGNLAB_TRUSTED_ROOTS", [])
SIGNLAB_CODE_MINUTES = env_int("SIGNLAB_CODE_MINUTES", 5)
SIGNLAB_CODE_MAX_FAILURES = env_int("SIGNLAB_CODE_MAX_FAILURES", 5)
SIGNLAB_CHECK_MAX_BYTES = env_int("SIGNLAB_CHECK_MAX_BYTES", 10 * 1024 * 1024)
SIGNLAB_CHECK_MAX_SIGNATURES = env_int("SIGNLAB_CHECK_MAX_SIGNATURES", 25)
SIGNLAB_CHECK_KEEP_HOURS = env_int("SIGNLAB_CHECK_KEEP_HOURS", 24)
# Uploads to the public checker per client IP: "requests/seconds" (an office behind one address
# checking a batch of documents stays well under it).
SIGNLAB_CHECK_RATE = env_str("SIGNLAB_CHECK_RATE", "30/600")
