import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]


# Real-looking production values: nothing here is contacted by ``check``.
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "lms.settings.production",
    "SECRET_KEY": "k" * 20 + "-production-secret-0123456789-abcdefghij",
    "ALLOWED_HOSTS": "hocso.example.vn",
    "DATABASE_URL": "postgres://hocso@db.example.vn:5432/hocso",
    "CELERY_BROKER_URL": "redis://redis.example.vn:6379/0",
    "CACHE_URL": "redis://redis.example.vn:6379/1",
    "EMAIL_URL": "smtp+tls://hocso:mat-khau@mail.example.vn:587",
    "SITE_URL": "https://hocso.example.vn",
}


def run_manage(*args: str, env_overrides: dict[str, str | None]) -> subprocess.CompletedProcess:
    """Run ``manage.py`` in a fresh process; an override of ``None`` removes the variable."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"} and not k.startswith("HOCSO_ALLOW_")
    }
    env.update(env_overrides)
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy_at_warning_level():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_manage("check", env_overrides={**PRODUCTION_ENV, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_refuse_to_start_without_site_url():
    """No default: a signed certificate prints its verification URL and QR code for good."""
    result = run_manage("check", env_overrides={**PRODUCTION_ENV, "SITE_URL": None})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: SITE_URL is not set: set SITE_URL=")
    assert "is unset" not in last_line  # only the one problem there is


def test_production_settings_read_site_url_everywhere():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; from lms.public_urls import public_url; "
        "print(settings.WAGTAILADMIN_BASE_URL, public_url('/verify/'))",
        env_overrides={**PRODUCTION_ENV, "SITE_URL": "https://hocso.example.vn/"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "https://hocso.example.vn https://hocso.example.vn/verify/"


def test_a_site_url_that_is_not_a_url_is_refused():
    result = run_manage("check", env_overrides={"SITE_URL": "hocso.example.vn"})
    assert result.returncode != 0
    assert "SITE_URL must be an absolute URL" in result.stderr


# (environment that falls back to an embedded default, the opt-in that accepts it, the refusal)
EMBEDDED_DEFAULTS = {
    "database unset": ({"DATABASE_URL": None}, "HOCSO_ALLOW_SQLITE", "DATABASE_URL is unset or SQLite"),
    "database sqlite": (
        {"DATABASE_URL": "sqlite:////srv/hocso/db.sqlite3"},
        "HOCSO_ALLOW_SQLITE",
        "DATABASE_URL is unset or SQLite",
    ),
    "broker unset": (
        {"CELERY_BROKER_URL": None},
        "HOCSO_ALLOW_FILESYSTEM_BROKER",
        "CELERY_BROKER_URL is unset or filesystem://",
    ),
    "broker filesystem": (
        {"CELERY_BROKER_URL": "filesystem://localhost//"},
        "HOCSO_ALLOW_FILESYSTEM_BROKER",
        "CELERY_BROKER_URL is unset or filesystem://",
    ),
    "cache unset": ({"CACHE_URL": None}, "HOCSO_ALLOW_DATABASE_CACHE", "CACHE_URL is unset"),
    "e-mail unset": ({"EMAIL_URL": None}, "HOCSO_ALLOW_CONSOLE_EMAIL", "EMAIL_URL is unset or console://"),
    "e-mail console": ({"EMAIL_URL": "console://"}, "HOCSO_ALLOW_CONSOLE_EMAIL", "EMAIL_URL is unset or console://"),
}


@pytest.mark.parametrize("case", EMBEDDED_DEFAULTS.values(), ids=EMBEDDED_DEFAULTS.keys())
def test_production_settings_refuse_an_embedded_default_with_one_clear_line(case):
    overrides, opt_in, refusal = case
    result = run_manage("check", env_overrides={**PRODUCTION_ENV, **overrides})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(f"django.core.exceptions.ImproperlyConfigured: {refusal}: set "), result.stderr
    assert f"{opt_in}=1" in last_line
    assert last_line.count(" is unset") == 1  # only the one problem there is


@pytest.mark.parametrize(
    "case",
    [EMBEDDED_DEFAULTS[name] for name in ("database sqlite", "broker unset", "cache unset", "e-mail console")],
    ids=["sqlite", "filesystem-broker", "database-cache", "console-email"],
)
def test_production_settings_start_with_an_explicit_opt_in(case):
    overrides, opt_in, _refusal = case
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides={**PRODUCTION_ENV, **overrides, opt_in: "1"}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_keeps_database_connections_open():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['CONN_MAX_AGE'])",
        env_overrides=PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip().splitlines()[-1]) >= 60


def test_embedded_sqlite_uses_wal_and_immediate_transactions():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS']; "
        "init = o['init_command']; "
        "print(o['transaction_mode'], 'busy_timeout' in init, 'journal_mode=WAL' in init, "
        "settings.CELERY_BROKER_URL.split(':')[0], settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1])",
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
            "DATABASE_URL": "",
            "CELERY_BROKER_URL": "",
            "CACHE_URL": "",
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "IMMEDIATE False True filesystem DatabaseCache"


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]
    assert not settings.DATABASES["default"].get("ATOMIC_REQUESTS")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_day_first_date_input(language):
    with translation.override(language):
        field = forms.DateField()
        assert field.clean("05/03/2020") == date(2020, 3, 5)


def test_vietnamese_number_and_date_output():
    from django.utils import formats

    with translation.override("vi"):
        assert formats.date_format(date(2026, 2, 5), "SHORT_DATE_FORMAT") == "05/02/2026"
        assert formats.number_format(1234567, use_l10n=True, force_grouping=True) == "1.234.567"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1
