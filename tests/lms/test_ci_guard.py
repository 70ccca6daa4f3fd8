"""With CI=true, a configured service that cannot be reached fails the run."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("variable", "url"),
    [
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:1/hocso"),
        ("CELERY_BROKER_URL", "redis://127.0.0.1:1/0"),
        ("CACHE_URL", "redis://127.0.0.1:1/1"),
    ],
)
def test_ci_run_fails_when_a_service_is_unreachable(variable, url):
    env = {**os.environ, "CI": "true", variable: url, "DJANGO_SETTINGS_MODULE": "lms.settings.test"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/lms/test_text.py", "-q", "-p", "no:randomly"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert f"{variable}={url} is not reachable" in result.stdout + result.stderr
