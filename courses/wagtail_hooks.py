from wagtail import hooks

from .jobs import progress_recompute_queue
from .models import CoursePage


def _recompute_for(request, page) -> None:
    """Queue the recomputation (a worker's job: a course may have thousands of open enrolments)."""
    course = CoursePage.objects.ancestor_of(page, inclusive=True).first()
    if course is not None and request is not None and request.user.is_authenticated:
        progress_recompute_queue(actor=request.user, course=course)


@hooks.register("after_publish_page")
def recompute_progress_after_publish(request, page):
    """A published change to a course, module or lesson updates unfinished progress."""
    _recompute_for(request, page)


@hooks.register("after_unpublish_page")
def recompute_progress_after_unpublish(request, page):
    _recompute_for(request, page)
