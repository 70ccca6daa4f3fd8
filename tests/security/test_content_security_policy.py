"""A Content-Security-Policy on every page: a crawl of the main pages as a visitor, a learner, a
coordinator and an administrator (certificate verification, the coordinator's pages, the Wagtail
admin) finds the header on every response and no inline script on the site's own pages."""

import re
from html.parser import HTMLParser

import pytest

from cms.services import site_home_ensure
from courses.services import enrollment_create
from lms.csp import ADMIN_HEADER, SITE_HEADER
from lms.orgunits.services import coordinator_scope_grant
from tests.certificates.conftest import complete_course
from tests.factories import UserFactory, course_lessons, make_catalogue, make_course, make_province_tree, place

pytestmark = pytest.mark.django_db

SKIP = re.compile(
    r"/logout/|/delete/|/download/|/export|/unpublish/|/move/|/copy/|/lock/|/unlock/|/revisions/\d+/revert"
)


class _Page(HTMLParser):
    """Same-origin links, inline scripts (code, not JSON data) and inline event handlers."""

    def __init__(self):
        super().__init__()
        self.links, self.inline_scripts, self.handlers = [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.handlers += [f"<{tag} {name}>" for name in attrs if name.startswith("on")]
        if tag == "a" and (attrs.get("href") or "").startswith("/"):
            self.links.append(attrs["href"].split("#")[0])
        if tag == "script" and not attrs.get("src") and attrs.get("type") not in ("application/json", "text/template"):
            self._in_script = True

    def handle_endtag(self, tag):
        self._in_script = False if tag == "script" else self._in_script

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts.append(data.strip()[:80])


def crawl(client, starts, limit=60):
    """Visit ``starts`` and the same-origin links they lead to (GET only, at most ``limit`` pages)."""
    seen, queue, visited = set(), list(starts), []
    while queue and len(visited) < limit:
        url = queue.pop(0)
        if url in seen or SKIP.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        visited.append((url, response))
        if response.status_code in (301, 302, 307) and response["Location"].startswith("/"):
            queue.append(response["Location"])
        if "text/html" in response.get("Content-Type", "") and response.status_code == 200:
            parser = _Page()
            parser.feed(response.content.decode())
            queue += [link for link in parser.links if link not in seen]
    return visited


@pytest.fixture
def world(admin_user, issuer_key):
    site_home_ensure()
    units = make_province_tree()
    course = make_course("Chữ ký số", index=make_catalogue(), modules=1, lessons_per_module=2)
    learner = UserFactory(full_name="Lò Thị Mai")
    place(learner, units["commune_a"])
    enrollment_create(user=learner, course=course)
    finisher = UserFactory(full_name="Hà Văn Xong")
    place(finisher, units["commune_a"])
    complete_course(finisher, course)
    from certificates.models import Certificate
    from certificates.services import certificate_issue

    certificate = certificate_issue(certificate_id=Certificate.objects.get(user=finisher).pk)
    coordinator = UserFactory(full_name="Đỗ Điều Phối")
    coordinator_scope_grant(actor=admin_user, user=coordinator, unit=units["province"])
    return {"course": course, "learner": learner, "coordinator": coordinator, "certificate": certificate}


def _check(visited):
    assert len(visited) >= 5, [url for url, _ in visited]
    problems = []
    for url, response in visited:
        header = response.get("Content-Security-Policy")
        expected = ADMIN_HEADER if url.startswith("/admin/") else SITE_HEADER
        if header != expected:
            problems.append((url, response.status_code, header))
        if url.startswith("/admin/") or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Page()
        parser.feed(response.content.decode())
        if parser.inline_scripts or parser.handlers:
            problems.append((url, parser.inline_scripts, parser.handlers))
    assert problems == []


def test_every_page_a_visitor_reaches_has_the_policy(client, world):
    certificate = world["certificate"]
    starts = [
        "/",
        "/search/?q=ch%E1%BB%AF+k%C3%BD",
        "/verify/",
        f"/verify/{certificate.code_display}/",
        "/privacy/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/khong-co-trang-nay/",
        world["course"].url,
        "/healthz",
        "/static/css/site.css",
    ]
    visited = crawl(client, starts)
    assert any(url.startswith("/verify/") and r.status_code == 200 for url, r in visited)
    assert any(r.status_code == 404 for _url, r in visited)
    _check(visited)


def test_every_page_a_learner_reaches_has_the_policy(client, world):
    client.force_login(world["learner"])
    lesson = course_lessons(world["course"])[0]
    visited = crawl(
        client,
        [
            "/",
            "/learn/",
            "/learn/certificates/",
            "/accounts/profile/",
            "/accounts/my-data/",
            world["course"].url,
            lesson.url,
        ],
    )
    _check(visited)


def test_every_page_a_coordinator_reaches_has_the_policy(client, world):
    client.force_login(world["coordinator"])
    visited = crawl(client, ["/coordinate/"])
    assert sum(url.startswith("/coordinate/") for url, _ in visited) >= 3, [url for url, _ in visited]
    _check(visited)


def test_every_admin_page_has_the_admin_policy(client, world, admin_user):
    client.force_login(admin_user)
    course = world["course"]
    visited = crawl(
        client,
        [
            "/admin/",
            f"/admin/pages/{course.pk}/edit/",
            f"/admin/pages/{course.pk}/",
            "/admin/roles/",
            "/admin/audit-log/",
            "/admin/org-units/",
            "/admin/certificates/failed/",
            "/admin/documents/",
            "/admin/images/",
            "/certificates/manage/",
        ],
        limit=40,
    )
    assert sum(url.startswith("/admin/") for url, r in visited if r.status_code == 200) >= 8
    _check(visited)


def test_the_policies_say_what_they_promise():
    for header in (SITE_HEADER, ADMIN_HEADER):
        directives = dict(part.split(" ", 1) for part in header.split("; "))
        assert directives["default-src"] == "'self'"
        assert directives["object-src"] == "'none'" and directives["base-uri"] == "'self'"
        assert directives["frame-ancestors"] == "'self'" and directives["form-action"] == "'self'"
        assert "unsafe-eval" not in header and "*" not in header and "http" not in header
    assert dict(part.split(" ", 1) for part in SITE_HEADER.split("; "))["script-src"] == "'self'"
