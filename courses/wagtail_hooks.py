from wagtail import hooks

from .models import CoursePage
from .services import course_progress_recompute


def _recompute_for(page) -> None:
    course = CoursePage.objects.ancestor_of(page, inclusive=True).first()
    if course is not None:
        course_progress_recompute(course=course)


@hooks.register("after_publish_page")
def recompute_progress_after_publish(request, page):
    """A published change to a course, module or lesson updates unfinished progress."""
    _recompute_for(page)


@hooks.register("after_unpublish_page")
def recompute_progress_after_unpublish(request, page):
    _recompute_for(page)
