"""Province-sized reports keep their aggregates a few minutes (and say so); small ones stay exact."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from coordination import figures_cache
from coordination.figures import Scope
from coordination.selectors import coordination_report
from coordination.tasks import refresh_figures
from courses.services import enrollment_create, lesson_complete
from tests.factories import course_lessons, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def course_for(world):
    course = make_course("Văn bản điện tử", modules=1, lessons_per_module=1)
    for key in ("a1", "a2"):
        enrollment_create(user=world[key], course=course)
    return course


def complete(world, course, key):
    lesson_complete(user=world[key], lesson=course_lessons(course)[0])


def test_a_quick_count_is_never_kept(world, course_for):
    assert coordination_report(viewer=world["ca"]).figures.completed == 0
    complete(world, course_for, "a1")
    report = coordination_report(viewer=world["ca"])
    assert report.figures.completed == 1 and not report.counted_earlier


def test_a_slow_count_is_kept_shown_with_its_time_and_refreshed_on_demand(client, world, course_for, settings):
    settings.COORDINATION_FIGURES_SLOW_SECONDS = 0  # every count is "slow"
    assert coordination_report(viewer=world["ca"]).figures.completed == 0
    complete(world, course_for, "a1")
    kept = coordination_report(viewer=world["ca"])
    assert kept.counted_earlier and kept.figures.completed == 0  # a few minutes old, and says so
    assert coordination_report(viewer=world["cb"]).figures.learners == 1  # another scope: its own entry

    client.force_login(world["ca"])
    page = client.get("/coordinate/").content.decode()
    assert "Số liệu tổng hợp tính lúc" in page and "refresh=1" in page
    fresh = client.get("/coordinate/?refresh=1")
    assert 'data-figure="completed">1<' in fresh.content.decode()
    assert coordination_report(viewer=world["ca"]).figures.completed == 1  # the recount is kept


def test_a_stale_count_is_served_while_one_worker_recounts(world, course_for, settings, monkeypatch):
    settings.COORDINATION_FIGURES_SLOW_SECONDS = 0
    queued = []
    monkeypatch.setattr(refresh_figures, "apply_async", lambda kwargs, retry: queued.append(kwargs))
    coordination_report(viewer=world["ca"])
    complete(world, course_for, "a1")
    settings.COORDINATION_FIGURES_FRESH_SECONDS = 0  # every kept count is stale now
    assert coordination_report(viewer=world["ca"]).figures.completed == 0  # still served
    assert coordination_report(viewer=world["ca"]).figures.completed == 0
    assert len(queued) == 1  # one recount at a time
    figures_cache.figures_snapshot_recount(**queued[0])  # what the worker does
    assert coordination_report(viewer=world["ca"]).figures.completed == 1


def test_too_old_a_count_is_counted_again_in_the_request(world, course_for, settings):
    settings.COORDINATION_FIGURES_SLOW_SECONDS = 0
    coordination_report(viewer=world["ca"])
    complete(world, course_for, "a1")
    key = figures_cache.snapshot_key(Scope(viewer=world["ca"], unit=None, as_of=None), None)
    snapshot = cache.get(key)
    snapshot.computed_at -= timedelta(seconds=settings.COORDINATION_FIGURES_STALE_SECONDS + 1)
    cache.set(key, snapshot)
    report = coordination_report(viewer=world["ca"])
    assert report.figures.completed == 1 and not report.counted_earlier
    assert report.counted_at > timezone.now() - timedelta(seconds=60)


def test_the_learner_list_is_sized_by_the_learner_total_it_shares_the_rows_of(world, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.coordination.conftest import member

    report = coordination_report(viewer=world["ca"])
    with CaptureQueriesContext(connection) as counted:
        assert len(report.learners) == report.figures.learners == 2
    if connection.vendor == "postgresql":  # (SQLite reads and sorts the whole list in Python)
        assert len(counted) == 0  # no second count of the same rows

        settings.COORDINATION_FIGURES_SLOW_SECONDS = 0  # kept: the list's size is as old as the figures
        coordination_report(viewer=world["ca"])
        member(world["commune_a"], name="Đỗ Văn Mới")
        kept = coordination_report(viewer=world["ca"])
        assert kept.counted_earlier and len(kept.learners) == kept.figures.learners == 2
        fresh = coordination_report(viewer=world["ca"], refresh=True)
        assert len(fresh.learners) == fresh.figures.learners == 3
