"""Background jobs of the courses app (registered in ``CoursesConfig.ready``): work that grows
with learners — enrolling an assignment's learners, recomputing progress after a publish."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lms.jobs.registry import register_job_kind
from lms.jobs.services import JobError, job_create

from .assignments import assignment_apply
from .models import Assignment, CoursePage
from .services import course_progress_recompute

ASSIGNMENT_APPLY = "courses.assignment_apply"
PROGRESS_RECOMPUTE = "courses.progress_recompute"


def assignment_apply_queue(*, actor, assignment: Assignment, back_url: str = "", back_label: str = ""):
    """Queue the enrolment of an assignment's learners (after the surrounding transaction commits)."""
    return job_create(
        owner=actor,
        kind=ASSIGNMENT_APPLY,
        title=_("Ghi danh theo đợt giao “%(title)s”") % {"title": assignment.title},
        params={"assignment": assignment.pk},
        back_url=back_url,
        back_label=back_label,
    )


def assignment_apply_run(job, run) -> dict:
    assignment = Assignment.objects.filter(pk=job.params["assignment"]).first()
    if assignment is None:
        raise JobError(_("Đợt giao này không còn nữa."))
    enrolled = assignment_apply(assignment=assignment, actor=job.owner)
    return {"enrolled": enrolled, "assignment": assignment.pk}


def progress_recompute_queue(*, actor, course: CoursePage):
    """Queue the recomputation of every open enrolment's progress after ``course`` changed."""
    return job_create(
        owner=actor,
        kind=PROGRESS_RECOMPUTE,
        title=_("Cập nhật tiến độ khoá “%(title)s”") % {"title": course.title},
        params={"course": course.pk},
    )


def progress_recompute_run(job, run) -> dict:
    course = CoursePage.objects.filter(pk=job.params["course"]).first()
    if course is None:
        return {"changed": 0}
    return {"changed": course_progress_recompute(course=course)}


def register() -> None:
    register_job_kind(ASSIGNMENT_APPLY, assignment_apply_run, atomic=True)
    register_job_kind(PROGRESS_RECOMPUTE, progress_recompute_run, atomic=True)
