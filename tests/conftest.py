import os

import pytest
from django.core.cache import cache

from lms.page_cache import local_content_forget
from tests.factories import UserFactory
from tests.services import IN_CI, unreachable_services

pytest_plugins = ["tests.fixtures.worker"]


def pytest_sessionstart(session):
    problems = unreachable_services()
    if problems and IN_CI:
        pytest.exit("Services unreachable in CI: " + "; ".join(problems), returncode=1)
    if problems:
        print("Warning: " + "; ".join(problems))


def pytest_report_header(config):
    return [
        "database: " + (os.environ.get("DATABASE_URL") or "SQLite (embedded default)"),
        "broker: " + (os.environ.get("CELERY_BROKER_URL") or "filesystem transport (embedded default)"),
        "cache: " + (os.environ.get("CACHE_URL") or "database cache (embedded default)"),
    ]


@pytest.fixture(autouse=True)
def _clear_cache(request):
    """Rate limits and content values live in the shared cache: every test starts with none (and no
    content value this process kept in memory)."""
    local_content_forget()
    if "django_db_setup" in request.fixturenames or request.node.get_closest_marker("django_db"):
        cache.clear()
    yield


@pytest.fixture
def password():
    return "Mật-khẩu-đủ-dài-2026"


@pytest.fixture
def learner(db, password):
    return UserFactory(password=password)


@pytest.fixture
def admin_user(db, password):
    return UserFactory(password=password, is_staff=True, is_superuser=True)


@pytest.fixture(scope="session", autouse=True)
def _request_database_timeouts():
    """The test process serves requests (the test client, the live server): it runs with the web
    processes' PostgreSQL limits (lms.database), as gunicorn does through lms.wsgi. Only options
    are set: connections open with them whenever a test first uses the database."""
    from lms.database import REQUEST, database_timeouts_apply

    database_timeouts_apply(REQUEST)
    yield
