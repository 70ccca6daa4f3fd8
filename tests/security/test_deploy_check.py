"""Production settings pass Django's deployment checklist, and its warnings stay honest.

``manage.py check --deploy --fail-level WARNING`` runs in a subprocess with ``lms.settings.production``
and the environment a real install has (no database or broker is contacted: the checks only read the
settings). An operator who lowers HSTS sees the warning; the language cookie carries the
``LANGUAGE_COOKIE_*`` settings.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "lms.settings.production",
    # 64 characters, many unique ones: check --deploy's W009 wants 50+ and 5+ distinct.
    "SECRET_KEY": "deploy-check-7f3a9c1e5b2d8f4a6c0e9b7d3f1a5c8e2b4d6f8a0c1e3b5d7f9a2c",
    "ALLOWED_HOSTS": "hocso.example.vn",
    "CSRF_TRUSTED_ORIGINS": "https://hocso.example.vn",
    "SITE_URL": "https://hocso.example.vn",
    "DATABASE_URL": "postgres://hocso:secret@db.example.vn:5432/hocso",
    "CELERY_BROKER_URL": "redis://redis.example.vn:6379/0",
    "CACHE_URL": "redis://redis.example.vn:6379/1",
    "EMAIL_URL": "smtp+tls://hocso:secret@mail.example.vn:587",
    "HOCSO_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "TRUSTED_PROXY_COUNT": "1",
}


def deploy_check(tmp_path: Path, **changes: str) -> subprocess.CompletedProcess:
    # Only PATH and the locale from this process: no DEBUG, SECURE_* or HOCSO_ALLOW_* leaks in.
    env = {name: os.environ[name] for name in ("PATH", "LANG", "HOME") if name in os.environ}
    env.update(PRODUCTION_ENV, HOCSO_VAR_DIR=str(tmp_path))
    env.update(changes)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_a_warning(tmp_path):
    result = deploy_check(tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_an_operator_who_lowers_https_protection_sees_the_warnings(tmp_path):
    lowered = {"SECURE_HSTS_SECONDS": "0", "SECURE_HSTS_PRELOAD": "0", "SECURE_SSL_REDIRECT": "0"}
    result = deploy_check(tmp_path, **lowered)

    assert result.returncode != 0
    # No HSTS at all (W004) hides the two about its parts; HTTP allowed is W008.
    assert "security.W004" in result.stderr
    assert "security.W008" in result.stderr

    result = deploy_check(tmp_path, SECURE_HSTS_INCLUDE_SUBDOMAINS="0", SECURE_HSTS_PRELOAD="0")

    assert result.returncode != 0
    assert "security.W005" in result.stderr
    assert "security.W021" in result.stderr


def test_the_proxy_header_is_trusted_only_when_named(tmp_path):
    probe = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    env = {name: os.environ[name] for name in ("PATH", "LANG", "HOME") if name in os.environ}
    env.update(PRODUCTION_ENV, HOCSO_VAR_DIR=str(tmp_path))

    def header(value: str) -> str:
        env["HOCSO_PROXY_SSL_HEADER"] = value
        command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", probe]
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout.strip()

    assert header("X-Forwarded-Proto") == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert header("") == "None"


@pytest.mark.django_db
@override_settings(LANGUAGE_COOKIE_SECURE=True, LANGUAGE_COOKIE_DOMAIN="hocso.example.vn", LANGUAGE_COOKIE_PATH="/")
def test_the_language_cookie_carries_the_language_cookie_settings(client):
    response = client.post("/language/", {"language": "en", "next": "/"})

    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert cookie["domain"] == "hocso.example.vn"
    assert cookie["path"] == "/"
