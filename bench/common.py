"""What every harness script shares: the environment of a bench database and its Django setup.

Every process of the harness — the dataset generator, the in-process page counts, gunicorn and the
smoke checks — runs with the same environment, built by ``bench_env``: production settings
(``bench.settings``, which only adds the bench-only URLs) on the PostgreSQL database of one dataset,
Redis for the cache (its own key prefix per database, so one dataset's page cache never serves
another's) and a var folder of its own (``var/bench/``: collected static files, images).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379")
VAR = ROOT / "var" / "bench"

# Redis database numbers: the cache of the served site, and a broker nobody consumes (publishing a
# page may queue a task; the harness purges it).
CACHE_DB = 6
BROKER_DB = 7


def database_url(name: str) -> str:
    return f"{POSTGRES}/{name}"


def bench_env(database: str, **extra: str) -> dict[str, str]:
    """The environment of every process working on the bench database ``database``.

    ``lms.settings.production`` needs SECRET_KEY, DATABASE_URL, CACHE_URL, a Redis broker, a real
    e-mail backend (locmem: nothing leaves the machine) and SITE_URL. HTTPS redirects are off because wrk talks
    plain HTTP on loopback; CONN_MAX_AGE keeps connections open as in production.
    """
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdefghijklmnop",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DATABASE_URL=database_url(database),
        CACHE_URL=f"{REDIS}/{CACHE_DB}",
        CACHE_KEY_PREFIX=f"hocso-{database}",
        CELERY_BROKER_URL=f"{REDIS}/{BROKER_DB}",
        EMAIL_URL="locmem://",
        SITE_URL="http://localhost",  # the public address production requires (QR codes, e-mail links)
        CONN_MAX_AGE="600",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        SECURE_HSTS_PRELOAD="0",
        HOCSO_VAR_DIR=str(VAR),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def django_setup(database: str) -> None:
    """Set this process up on the bench database ``database`` (call before importing the apps)."""
    os.environ.update(bench_env(database))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def database_create(name: str) -> bool:
    """Create the PostgreSQL database ``name`` if it does not exist; True if it was created."""
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    return not exists


def database_drop(name: str) -> None:
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_flush(db: int) -> None:
    import redis

    redis.Redis.from_url(f"{REDIS}/{db}").flushdb()


def static_collect() -> None:
    """Collect static files into ``var/bench/static`` (production's manifest storage needs them)."""
    import subprocess

    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=bench_env("postgres"),
        check=True,
    )


def second_factor_ensure(user) -> None:
    """Staff sign in with a second factor in production (``MFA_REQUIRED_ROLES``): give a bench staff
    account its authenticator, as an enrolled coordinator or administrator has one."""
    from allauth.mfa.models import Authenticator  # noqa: PLC0415 — after django_setup
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret  # noqa: PLC0415

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
