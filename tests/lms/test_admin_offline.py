"""The admin works on a closed network (issue 14): its pages ask no outside host for avatars,
release notes or version checks."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from cms.services import site_home_ensure

pytestmark = pytest.mark.django_db

# What a browser fetches by itself: scripts, images, frames (src) and stylesheets, icons, preloads (<link href>).
# Plain links (Wagtail's "guide.wagtail.org" help link) are only followed when clicked.
FETCHED_HOST = re.compile(
    r"""(?:\bsrc=|<link\b[^>]*\bhref=)["'](?:https?:)?//([^/"'\s]+)|url\(["']?(?:https?:)?//([^/"')\s]+)""",
    re.IGNORECASE,
)


@pytest.mark.parametrize("name", ["wagtailadmin_home", "wagtailadmin_account"])
def test_admin_pages_reference_no_outside_host(client, admin_user, name):
    site_home_ensure()
    client.force_login(admin_user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert "gravatar.com" not in html
    assert "releases.wagtail.org" not in html
    own_hosts = {"testserver", urlsplit(settings.SITE_URL).netloc}
    fetched = {host for match in FETCHED_HOST.findall(html) for host in match if host}
    assert fetched <= own_hosts
