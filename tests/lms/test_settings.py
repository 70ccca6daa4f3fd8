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


def run_manage(*args: str, env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy_at_warning_level():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "lms.settings.production",
            "SECRET_KEY": "k" * 20 + "-production-secret-0123456789-abcdefghij",
            "ALLOWED_HOSTS": "hocso.example.vn",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_manage("check", env_overrides={"DJANGO_SETTINGS_MODULE": "lms.settings.production", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_keeps_database_connections_open():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['CONN_MAX_AGE'])",
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "lms.settings.production",
            "SECRET_KEY": "x" * 60,
            "DATABASE_URL": "postgres://u@127.0.0.1:5432/hocso",
        },
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
