import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.test import override_settings
from wagtail.models import Site

from cms.models import HomePage
from lms.accounts.models import User
from lms.orgunits.models import CoordinatorScope, OrgUnit, UnitKind

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^(?P<role>[^:]+): (?P<email>\S+@\S+) / (?P<password>\S+)$")


def seed() -> list[re.Match]:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return [LINE.match(line) for line in out.getvalue().splitlines() if LINE.match(line)]


def test_seed_demo_loads_units_and_one_account_per_role_and_is_idempotent(client):
    lines = seed()
    roles = {match["role"] for match in lines}
    assert {"administrator", "editor", "coordinator (province)", "learner (citizen)"} <= roles
    province = OrgUnit.objects.get(kind=UnitKind.PROVINCE)
    agencies = OrgUnit.objects.filter(kind=UnitKind.AGENCY, path__startswith=province.path)
    assert agencies.count() >= 4
    assert all(agency.get_children().exists() for agency in agencies)
    assert OrgUnit.objects.filter(kind=UnitKind.COMMUNE).count() >= 6
    counts = (User.objects.count(), OrgUnit.objects.count(), CoordinatorScope.objects.count())
    assert seed() and (User.objects.count(), OrgUnit.objects.count(), CoordinatorScope.objects.count()) == counts
    for match in lines:
        assert EmailAddress.objects.filter(email=match["email"], verified=True).exists()
        response = client.post("/accounts/login/", {"login": match["email"], "password": match["password"]})
        assert response.status_code == 302, match["role"]
        client.logout()
    assert Site.objects.get(is_default_site=True).root_page.specific.__class__ is HomePage


@override_settings(DEMO_DATA_ALLOWED=False)
def test_seed_demo_refuses_when_demo_data_is_not_allowed_and_writes_nothing():
    with pytest.raises(CommandError, match="HOCSO_ALLOW_DEMO_DATA=1"):
        seed()

    assert not User.objects.exists()
    assert not OrgUnit.objects.exists()


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {name: os.environ[name] for name in ("PATH", "LANG", "HOME") if name in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY="seed-demo-refusal-7f3a9c1e5b2d8f4a6c0e9b7d3f1a5c8e2b4d6f8a0c1e3b5d",
        SITE_URL="https://hocso.example.vn",
        HOCSO_VAR_DIR=str(tmp_path),
        HOCSO_ALLOW_SQLITE="1",
        HOCSO_ALLOW_FILESYSTEM_BROKER="1",
        HOCSO_ALLOW_DATABASE_CACHE="1",
        HOCSO_ALLOW_CONSOLE_EMAIL="1",
    )
    env.update(extra)
    return env


def test_production_settings_refuse_seed_demo_with_a_clear_message(tmp_path):
    command = [sys.executable, "manage.py", "seed_demo"]
    result = subprocess.run(command, cwd=ROOT, env=production_env(tmp_path), capture_output=True, text=True)

    assert result.returncode == 1
    assert "seed_demo refuses to run with production settings" in result.stderr
    assert "HOCSO_ALLOW_DEMO_DATA=1" in result.stderr
    assert result.stdout == ""  # no account line
    assert not (tmp_path / "db.sqlite3").exists()  # refused before the database was opened


def test_production_settings_allow_demo_data_when_the_operator_opts_in(tmp_path):
    probe = "from django.conf import settings; print(settings.DEMO_DATA_ALLOWED)"
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", probe]

    def allowed(**extra: str) -> str:
        env = production_env(tmp_path, **extra)
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout.strip()

    assert allowed() == "False"
    assert allowed(HOCSO_ALLOW_DEMO_DATA="1") == "True"
