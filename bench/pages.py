"""The measured pages of one bench database, measured in process with Django's test client.

For each page: the SQL queries of one request (counted at the cursor, after two warm-up
requests; pages rendered with the anonymous and the signed-in page caches off, so the count is the
render's) and the median time of ``--repeat`` requests in this process. Also: the cookies of the
bench learner's browser, session and CSRF (what wrk sends for the logged-in pages), the lesson
page's first-load weight, and — ``--check-cache`` — the page caches' invalidation (a published edit
shows at once on the course page and in the catalogue; a lesson marked done shows at once on the
learner's own copy of their course page).

    .venv/bin/python bench/pages.py --database hocso_bench_1 [--json] [--check-cache]
"""

from __future__ import annotations

import argparse
import gzip
import json
import posixpath
import re
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import django_setup, second_factor_ensure
from bench.dataset import BENCH_EMAIL

HOST = "localhost"
COORDINATOR_EMAIL = "bench-coordinator-99@example.vn"


@dataclass
class Target:
    name: str
    url: str
    who: str  # "anonymous", "learner" or "coordinator"
    served: bool = True  # loaded with wrk too (False: counted in process only)
    settings: dict = field(default_factory=dict)  # measured with these settings (in process only)


# The province dashboard counts its figures live, or serves them kept when counting was slow
# (``coordination.figures_cache``): two paths with query counts of their own, each measured here
# forced, so "constant in data size" compares a path with itself at every scale.
FIGURES_COUNTED_LIVE = {"COORDINATION_FIGURES_SLOW_SECONDS": float("inf"), "COORDINATION_FIGURES_STALE_SECONDS": -1}
FIGURES_KEPT = {"COORDINATION_FIGURES_SLOW_SECONDS": 0}


def page_course():
    """The course whose pages are measured: the first (in catalogue order) of the bench learner's
    courses that anonymous visitors may preview, so its lesson page is public too."""
    from courses.models import CoursePage

    enrolled = CoursePage.objects.live().filter(enrollments__user__email=BENCH_EMAIL).order_by("path")
    return enrolled.filter(open_preview=True).first() or enrolled.first()


def targets() -> list[Target]:
    """The pages of the issue's targets on this database: home, catalogue, and the course of
    ``page_course`` with its first lesson, anonymous and as the bench learner."""
    from courses.selectors import course_outline

    course = page_course()
    lesson = course_outline(course).lessons[0]
    course_url, lesson_url = course.get_url(), lesson.get_url()
    return [
        Target("bare Django hello", "/bench/hello/", "anonymous"),
        Target("minimal Wagtail page", "/bench/wagtail/", "anonymous"),
        Target("home", "/", "anonymous"),
        Target("catalogue", "/khoa-hoc/", "anonymous"),
        Target("course", course_url, "anonymous"),
        Target("lesson", lesson_url, "anonymous"),
        Target("lesson, logged in", lesson_url, "learner"),
        Target("course, logged in", course_url, "learner"),
        Target("Học tập của tôi", "/learn/", "learner"),
        Target("Chứng chỉ của tôi", "/learn/certificates/", "learner", served=False),
        Target("coordinator dashboard (province)", "/coordinate/", "coordinator", served=False),
        Target(
            "coordinator dashboard (province), counted live",
            "/coordinate/",
            "coordinator",
            served=False,
            settings=FIGURES_COUNTED_LIVE,
        ),
        Target(
            "coordinator dashboard (province), figures kept",
            "/coordinate/",
            "coordinator",
            served=False,
            settings=FIGURES_KEPT,
        ),
    ]


def people_ensure():
    """The bench learner (generated) and a coordinator of the whole province (granted here)."""
    from lms.accounts.models import User
    from lms.audit.services import SystemActor
    from lms.orgunits.models import OrgUnit
    from lms.orgunits.services import coordinator_scope_grant

    learner = User.objects.get(email=BENCH_EMAIL)
    coordinator, _created = User.objects.get_or_create(email=COORDINATOR_EMAIL, defaults={"password": "!"})
    coordinator_scope_grant(actor=SystemActor("bench"), user=coordinator, unit=OrgUnit.objects.get(code="99"))
    second_factor_ensure(coordinator)
    return {"anonymous": None, "learner": learner, "coordinator": coordinator}


def client_for(user):
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    if user is not None:
        client.force_login(user)
    return client


def session_cookie(user) -> str:
    """A session of ``user`` made by the project's session engine, as a Cookie header value."""
    from django.conf import settings

    client = client_for(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def browser_cookies(user) -> str:
    """The cookies a learner's browser holds once a page is open: the session and the CSRF cookie
    (every signed-in page's forms — the account menu's "Đăng xuất" — set it), as a Cookie header."""
    from django.conf import settings
    from django.urls import reverse

    client = client_for(user)
    client.get(reverse("my_learning"))
    names = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
    return "; ".join(f"{name}={client.cookies[name].value}" for name in names)


def measure(target: Target, client, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import override_settings

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with override_settings(PAGE_CACHE_SECONDS=0, SIGNED_IN_PAGE_CACHE_SECONDS=0, **target.settings):
        for _ in range(2):
            response = client.get(target.url)
            assert response.status_code == 200, (target.url, response.status_code)
        # Django's CaptureQueriesContext loses the queries of a test-client request (the request's
        # reset_queries empties the log it slices), so the queries are counted at the cursor.
        with connection.execute_wrapper(count):
            response = client.get(target.url)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(target.url)
            times.append(time.perf_counter() - started)
    return {"queries": len(queries), "ms": statistics.median(times) * 1000, "bytes": len(response.content)}


def page_weight(url: str, client) -> dict:
    """First load of ``url`` without media: the HTML, its stylesheets and scripts, and the fonts the
    stylesheets name, each gzip-compressed as served (WhiteNoise serves pre-compressed files)."""
    html = client.get(url).content
    assets = re.findall(rb'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html)
    assets += re.findall(rb'<script[^>]+src="([^"]+)"', html)
    files = {"html": html}
    for asset in assets:
        body = b"".join(client.get(asset.decode()).streaming_content or [])
        files[asset.decode()] = body
        if asset.endswith(b".css"):
            for font in set(re.findall(rb"url\(['\"]?([^'\")]+\.woff2)", body)):
                base = asset.decode().rsplit("/", 1)[0]
                path = posixpath.normpath(font.decode() if font.startswith(b"/") else f"{base}/{font.decode()}")
                response = client.get(path)
                if response.status_code == 200:
                    files[path] = b"".join(response.streaming_content)
    compressed = sum(len(body) if name.endswith(".woff2") else len(gzip.compress(body)) for name, body in files.items())
    return {"files": len(files), "bytes": sum(len(b) for b in files.values()), "gzip_bytes": compressed}


def cache_invalidation_check() -> list[str]:
    """With the anonymous page cache on: a stored course page and catalogue show a published edit
    of the course at once. Returns the failures (empty when it holds); the edit is reverted."""
    from django.core.cache import cache

    from courses.models import CoursePage

    cache.clear()
    course = page_course()
    client = client_for(None)
    failures = []
    for url in (course.url, "/khoa-hoc/"):
        client.get(url)
        second = client.get(url)
        if second.get("X-Page-Cache") != "hit":
            failures.append(f"{url}: second anonymous request not served from the page cache")
        if "Cookie" not in second.get("Vary", ""):
            failures.append(f"{url}: no Vary: Cookie")
    original = course.title
    marker = f"Bản cập nhật đo hiệu năng {time.time_ns()}"
    try:
        course.title = f"{original} {marker}"
        course.save_revision().publish()
        for url in (course.url, "/khoa-hoc/"):
            if marker not in client.get(url).content.decode():
                failures.append(f"{url}: the published edit is not shown to an anonymous visitor")
    finally:
        course = CoursePage.objects.get(pk=course.pk)
        course.title = original
        course.save_revision().publish()
    return failures


def signed_in_cache_check() -> list[str]:
    """A learner's own copy of their course page is served on a reload, and marking a lesson done
    (the service, as the lesson page's button) shows on it at once. Returns the failures; the lesson
    marked done is one the bench learner had not done (it stays done: the dataset is the bench's)."""
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    from courses.models import LessonPage
    from courses.selectors import course_learner_view

    learner = people_ensure()["learner"]
    client = client_for(learner)
    course = page_course()
    client.get(reverse("my_learning"))  # the CSRF cookie a browser holds after its first page
    client.get(course.url)
    failures = []
    if client.get(course.url).get("X-Page-Cache") != "hit":
        failures.append(f"{course.url}: a signed-in learner's reload not served from their copy")
    reading = ContentType.objects.get_for_model(LessonPage).pk  # not a quiz: its button marks it done
    view = course_learner_view(course=course, user=learner)
    todo = [
        lesson
        for lesson in view.outline.lessons
        if lesson.pk not in view.completed_ids and not view.locked(lesson) and lesson.content_type_id == reading
    ]
    if todo:
        before = client.get(course.url).content.decode().count("is-done")
        client.post(reverse("lesson_mark_done", args=[todo[0].pk]))
        after = client.get(course.url)
        if after.get("X-Page-Cache") == "hit" or after.content.decode().count("is-done") != before + 1:
            failures.append(f"{course.url}: a lesson marked done does not show at once on the learner's course page")
    return failures


def pages_measure(repeat: int, times_only: bool = False) -> dict:
    people = people_ensure()
    clients = {who: client_for(user) for who, user in people.items()}
    results = {}
    for target in targets():
        described = {key: value for key, value in asdict(target).items() if key != "settings"}
        results[target.name] = described | measure(target, clients[target.who], repeat)
    if times_only:
        return {"pages": results}
    lesson = next(t for t in targets() if t.name == "lesson, logged in")
    return {
        "pages": results,
        "cookie": browser_cookies(people["learner"]),
        "weight": page_weight(lesson.url, client_for(people["learner"])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--check-cache", action="store_true")
    parser.add_argument("--times-only", action="store_true", help="no session cookie, no page weight")
    args = parser.parse_args()
    django_setup(args.database)
    result = pages_measure(args.repeat, times_only=args.times_only)
    if args.check_cache:
        result["cache_failures"] = cache_invalidation_check() + signed_in_cache_check()
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    for name, page in result["pages"].items():
        print(f"{name:<36} {page['url']:<60} {page['queries']:4d} queries {page['ms']:8.1f} ms")
    if "weight" in result:
        print(f"lesson page weight: {result['weight']}")
    for failure in result.get("cache_failures", []):
        print(f"FAIL: {failure}")


if __name__ == "__main__":
    main()
