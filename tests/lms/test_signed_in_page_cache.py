"""A signed-in learner's own copies of their lesson, course and "Học tập của tôi" pages: served
while nothing they show changed, fresh at once after any write to what they show."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from certificates.models import Certificate
from cms.services import site_home_ensure
from courses.models import Enrollment, LessonProgress
from courses.services import enrollment_create
from lms.page_cache import GENERATION_KEY
from lms.signed_in_page_cache import EVERY_LEARNER_KEY
from tests.factories import UserFactory, course_lessons, make_catalogue, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.SIGNED_IN_PAGE_CACHE_SECONDS = 300
    cache.delete_many([GENERATION_KEY, EVERY_LEARNER_KEY])
    yield
    cache.clear()


@pytest.fixture
def course():
    site_home_ensure(hostname="testserver")
    return make_course("Ký số từ xa", index=make_catalogue(), modules=1, lessons_per_module=2)


@pytest.fixture
def learner(client, course):
    user = UserFactory(full_name="Trần Thị Học")
    enrollment_create(user=user, course=course)
    client.force_login(user)
    client.get(reverse("my_learning"))  # the first page sets the CSRF cookie (never stored: it sets a cookie)
    return user


def _twice(client, url):
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    return first, second


@pytest.mark.django_db(transaction=True)  # the lesson's visit commits, as in production, and is bumped then
def test_a_learner_reloading_gets_their_own_copy(client, course, learner):
    lesson = course_lessons(course)[0]
    for url in (lesson.url, course.url, reverse("my_learning")):
        first, second = _twice(client, url)
        assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit", url
        assert second.content == first.content and "Trần Thị Học" in second.content.decode()
        assert "Cookie" in second["Vary"]


def test_marking_a_lesson_done_shows_at_once_on_every_page(client, course, learner):
    lesson = course_lessons(course)[0]
    _twice(client, lesson.url)
    _twice(client, course.url)
    response = client.post(reverse("lesson_mark_done", args=[lesson.pk]))
    assert response.status_code == 302
    client.get(response["Location"])  # the flash message is shown (and consumed) there
    course_page = client.get(course.url)
    assert course_page["X-Page-Cache"] == "miss" and "50" in course_page.content.decode()  # 1 of 2 lessons
    assert client.get(course.url)["X-Page-Cache"] == "hit"


def test_another_learner_never_gets_my_copy(client, course, learner):
    lesson = course_lessons(course)[0]
    _twice(client, lesson.url)
    other = UserFactory(full_name="Lê Văn Khác")
    enrollment_create(user=other, course=course)
    client.force_login(other)
    client.get(reverse("my_learning"))
    page = client.get(lesson.url).content.decode()
    assert "Lê Văn Khác" in page and "Trần Thị Học" not in page


def test_a_set_based_write_retires_every_copy(client, course, learner):
    _twice(client, course.url)
    Enrollment.objects.filter(user=learner).update(progress_pct=100)  # as an import or a sweeper would
    assert client.get(course.url)["X-Page-Cache"] == "miss"


def test_a_certificate_issued_and_a_published_edit_show_at_once(client, course, learner):
    _twice(client, reverse("my_learning"))
    Certificate.objects.create(
        code="ABCD2345EFGH", kind="course", user=learner, enrollment=Enrollment.objects.get(user=learner)
    )
    assert client.get(reverse("my_learning"))["X-Page-Cache"] == "miss"
    _twice(client, course.url)
    course.title = "Ký số từ xa trên điện thoại"
    course.save_revision().publish()
    fresh = client.get(course.url)
    assert fresh["X-Page-Cache"] == "miss" and "Ký số từ xa trên điện thoại" in fresh.content.decode()


def test_the_name_changed_by_the_learner_shows_at_once(client, course, learner):
    _twice(client, course.url)
    learner.full_name = "Trần Thị Học Giỏi"
    learner.save()
    assert "Trần Thị Học Giỏi" in client.get(course.url).content.decode()


def test_a_lesson_copy_is_not_served_once_its_visit_is_due_again(client, course, learner, settings):
    lesson = course_lessons(course)[0]
    settings.LESSON_VISIT_RECORD_SECONDS = 0  # every opening records a visit
    client.get(lesson.url)
    progress = LessonProgress.objects.get(enrollment__user=learner, lesson=lesson)
    again = client.get(lesson.url)
    assert again.get("X-Page-Cache") != "hit"
    assert LessonProgress.objects.get(pk=progress.pk).last_viewed_at > progress.last_viewed_at


def test_a_write_by_someone_else_while_the_page_renders_is_never_hidden(client, course, learner, monkeypatch):
    """Another process's write lands (and bumps the learner's generation) after this request read
    the database: the page it renders may not show it, so it is not stored."""
    from courses import views

    lesson = course_lessons(course)[0]
    real_context = lesson.__class__.get_context

    def context_then_concurrent_write(self, request, *args, **kwargs):
        context = real_context(self, request, *args, **kwargs)
        cache.incr(f"pagecache:learner:{learner.pk}:generation")  # as another process's bump would
        return context

    monkeypatch.setattr(lesson.__class__, "get_context", context_then_concurrent_write)
    assert views  # lesson_serve renders through the page's get_context
    client.get(lesson.url)
    monkeypatch.undo()
    assert client.get(lesson.url)["X-Page-Cache"] == "miss"
    assert client.get(lesson.url)["X-Page-Cache"] == "hit"


def test_staff_and_flash_messages_always_get_a_fresh_page(client, course, learner):
    _twice(client, course.url)
    response = client.post(reverse("course_withdraw", args=[course.pk]))  # queues a flash message
    shown = client.get(response["Location"])
    assert "X-Page-Cache" not in shown and "huỷ ghi danh" in shown.content.decode()  # shown, not kept
    assert client.get(course.url)["X-Page-Cache"] == "miss"  # withdrawn: a page of its own
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    client.get(reverse("my_learning"))
    _first, second = _twice(client, reverse("my_learning"))
    assert "X-Page-Cache" not in second


def test_off_when_the_setting_is_zero(client, course, learner, settings):
    settings.SIGNED_IN_PAGE_CACHE_SECONDS = 0
    _first, second = _twice(client, course.url)
    assert "X-Page-Cache" not in second


def test_a_unit_of_work_writing_several_rows_of_a_learner_retires_their_copies_once_after_commit(
    django_capture_on_commit_callbacks,
):
    """A transaction's writes bump the learner's generation once, after the commit; before it only
    when this thread reads that generation after a write (it then never gets a value kept before)."""
    from django.db import transaction

    from lms.page_cache import _cache, cached_under_generation
    from lms.signed_in_page_cache import _learner_key, learner_pages_invalidate

    learner_id = 987_654_321  # nothing of theirs written yet in the suite's enclosing transaction
    key = _learner_key(learner_id)
    cached_under_generation(key, "probe:learner-state", lambda: "before the writes", 60)
    before = _cache().get(key)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        learner_pages_invalidate([learner_id])
        learner_pages_invalidate([learner_id])
        learner_pages_invalidate([learner_id])
        after_three_writes = _cache().get(key)
        seen = cached_under_generation(key, "probe:learner-state", lambda: "after the writes", 60)
        after_a_read = _cache().get(key)
        seen_again = cached_under_generation(key, "probe:learner-state", lambda: "built twice", 60)
        learner_pages_invalidate([learner_id])
        after_a_read_and_a_write = _cache().get(key)
    assert len(callbacks) == 1
    assert after_three_writes == before  # nobody read it: nothing bumped yet
    assert seen == "after the writes"  # the reader in the transaction never gets the older value
    assert after_a_read == before + 1  # bumped by that read, once
    assert seen_again == "after the writes"  # no write since: the value kept stands
    assert after_a_read_and_a_write == before + 1  # written again, not read since: not bumped yet
    assert _cache().get(key) == before + 2  # the commit's bump


def test_a_transaction_rolled_back_leaves_nothing_that_changes_the_next_ones_bumps(
    django_capture_on_commit_callbacks,
):
    """What a savepoint rolled back retired is not bumped; a write after it is still seen by a reader
    in the transaction and bumped after the commit."""
    import contextlib

    from django.db import transaction

    from lms.page_cache import _cache, cached_under_generation
    from lms.signed_in_page_cache import _learner_key, learner_pages_invalidate

    learner_id = 987_654_301
    key = _learner_key(learner_id)
    cached_under_generation(key, "probe:rolled-back", lambda: "before", 60)
    before = _cache().get(key)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with contextlib.suppress(RuntimeError), transaction.atomic():
            learner_pages_invalidate([learner_id])
            raise RuntimeError
        assert cached_under_generation(key, "probe:rolled-back", lambda: "rebuilt", 60) == "before"
        assert _cache().get(key) == before  # nothing of the savepoint rolled back was bumped
        learner_pages_invalidate([learner_id])
        assert cached_under_generation(key, "probe:rolled-back", lambda: "after the write", 60) == "after the write"
        assert _cache().get(key) == before + 1  # at the read
    assert _cache().get(key) == before + 2  # and after the commit


def test_many_learners_retired_in_one_transaction_share_one_after_commit_callback(
    django_capture_on_commit_callbacks,
):
    """A regrade writes thousands of learners' attempts in one transaction: one callback bumps them all
    after the commit; a savepoint rolled back takes the callback registered in it along."""
    import contextlib

    from django.db import transaction

    from lms.page_cache import _cache
    from lms.signed_in_page_cache import _learner_key, learner_pages_invalidate

    first, second, third = 987_654_401, 987_654_402, 987_654_403
    for learner_id in (first, second, third):  # each learner's generation exists, as once their pages were read
        _cache().set(_learner_key(learner_id), 1_000 * learner_id, timeout=None)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        with contextlib.suppress(RuntimeError), transaction.atomic():
            learner_pages_invalidate([first])  # the callback is registered inside the savepoint…
            raise RuntimeError  # …and rolled back with it (the first learner's write is gone)
        after_rollback = _cache().get(_learner_key(first))
        learner_pages_invalidate([second])
        learner_pages_invalidate([third])
        before_commit = {key: _cache().get(_learner_key(key)) for key in (second, third)}
    assert len(callbacks) == 1
    assert after_rollback == 1_000 * first  # not bumped by the write rolled back…
    assert _cache().get(_learner_key(first)) == after_rollback  # …nor after the commit
    assert before_commit == {second: 1_000 * second, third: 1_000 * third}  # nothing read them: not yet
    assert {key: _cache().get(_learner_key(key)) for key in (second, third)} == {
        key: value + 1 for key, value in before_commit.items()
    }  # once each, by the one callback
