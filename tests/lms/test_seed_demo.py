import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from wagtail.models import Site

from cms.models import HomePage
from lms.accounts.models import User
from lms.orgunits.models import CoordinatorScope, OrgUnit, UnitKind

pytestmark = pytest.mark.django_db

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
