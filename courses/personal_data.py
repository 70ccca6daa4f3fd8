"""The learner's course records in "Dữ liệu của tôi"."""

from django.utils.translation import gettext_lazy as _

from lms.accounts.personal_data import register_section

from .models import Assignment, AssignmentException, Enrollment, LessonProgress, PathCompletion


def enrollment_rows(user) -> list[dict]:
    return [
        {
            "course": enrollment.course.title,
            "cycle": enrollment.cycle,
            "status": enrollment.status,
            "source": enrollment.source,
            "progress_pct": enrollment.progress_pct,
            "started_at": enrollment.started_at,
            "completed_at": enrollment.completed_at,
            "withdrawn_at": enrollment.withdrawn_at,
            "last_lesson": enrollment.last_lesson.title if enrollment.last_lesson else None,
            "last_activity_at": enrollment.last_activity_at,
        }
        for enrollment in Enrollment.objects.filter(user=user).select_related("course", "last_lesson")
    ]


def lesson_progress_rows(user) -> list[dict]:
    return [
        {
            "course": progress.enrollment.course.title,
            "cycle": progress.enrollment.cycle,
            "lesson": progress.lesson.title,
            "first_viewed_at": progress.first_viewed_at,
            "last_viewed_at": progress.last_viewed_at,
            "completed_at": progress.completed_at,
            "time_spent_seconds": progress.time_spent_seconds,
        }
        for progress in LessonProgress.objects.filter(enrollment__user=user).select_related(
            "enrollment__course", "lesson"
        )
    ]


def path_completion_rows(user) -> list[dict]:
    return [
        {"path": item.path.title, "completed_at": item.completed_at}
        for item in PathCompletion.objects.filter(user=user).select_related("path")
    ]


def register() -> None:
    register_section(key="enrollments", title=_("Khoá học đã ghi danh"), rows=enrollment_rows)
    register_section(key="lesson_progress", title=_("Tiến độ bài học"), rows=lesson_progress_rows)
    register_section(key="path_completions", title=_("Lộ trình đã hoàn thành"), rows=path_completion_rows)


def assignment_rows(user) -> list[dict]:

    named = [
        {"assignment": a.title, "plan": a.plan_reference, "due_date": a.due_date, "role": "named learner"}
        for a in Assignment.objects.filter(users=user)
    ]
    created = [
        {"assignment": a.title, "plan": a.plan_reference, "due_date": a.due_date, "role": "created by you"}
        for a in Assignment.objects.filter(created_by=user)
    ]
    exceptions = [
        {
            "assignment": e.assignment.title,
            "plan": e.assignment.plan_reference,
            "due_date": e.due_date,
            "role": f"exception: {e.kind} ({e.reason})",
        }
        for e in AssignmentException.objects.filter(user=user).select_related("assignment")
    ]
    return named + created + exceptions


def register_assignments() -> None:
    register_section(key="assignments", title=_("Khoá học được giao"), rows=assignment_rows)
