"""The learner's course records in "Dữ liệu của tôi"."""

from django.utils.translation import gettext_lazy as _

from lms.accounts.personal_data import Field, register_section

from .models import (
    Assignment,
    AssignmentException,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    ExceptionKind,
    LessonProgress,
    PathCompletion,
)

COURSE = {"course": _("Khoá học"), "cycle": _("Đợt học")}


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
    register_section(
        key="enrollments",
        title=_("Khoá học đã ghi danh"),
        rows=enrollment_rows,
        fields={
            **COURSE,
            "status": Field(_("Trạng thái"), dict(EnrollmentStatus.choices)),
            "source": Field(_("Hình thức ghi danh"), dict(EnrollmentSource.choices)),
            "progress_pct": _("Tiến độ (%)"),
            "started_at": _("Bắt đầu lúc"),
            "completed_at": _("Hoàn thành lúc"),
            "withdrawn_at": _("Huỷ ghi danh lúc"),
            "last_lesson": _("Bài học gần nhất"),
            "last_activity_at": _("Hoạt động gần nhất"),
        },
    )
    register_section(
        key="lesson_progress",
        title=_("Tiến độ bài học"),
        rows=lesson_progress_rows,
        fields={
            **COURSE,
            "lesson": _("Bài học"),
            "first_viewed_at": _("Xem lần đầu lúc"),
            "last_viewed_at": _("Xem gần nhất lúc"),
            "completed_at": _("Hoàn thành lúc"),
            "time_spent_seconds": _("Thời gian học (giây)"),
        },
    )
    register_section(
        key="path_completions",
        title=_("Lộ trình đã hoàn thành"),
        rows=path_completion_rows,
        fields={"path": _("Lộ trình"), "completed_at": _("Hoàn thành lúc")},
    )


ASSIGNMENT_ROLES = {
    "named": _("Người học được giao"),
    "creator": _("Người giao"),
    "exception": _("Người học có ngoại lệ"),
}


def assignment_rows(user) -> list[dict]:

    named = [
        {"assignment": a.title, "plan": a.plan_reference, "due_date": a.due_date, "role": "named"}
        for a in Assignment.objects.filter(users=user)
    ]
    created = [
        {"assignment": a.title, "plan": a.plan_reference, "due_date": a.due_date, "role": "creator"}
        for a in Assignment.objects.filter(created_by=user)
    ]
    exceptions = [
        {
            "assignment": e.assignment.title,
            "plan": e.assignment.plan_reference,
            "due_date": e.due_date,
            "role": "exception",
            "exception": e.kind,
            "reason": e.reason,
        }
        for e in AssignmentException.objects.filter(user=user).select_related("assignment")
    ]
    return named + created + exceptions


def register_assignments() -> None:
    register_section(
        key="assignments",
        title=_("Khoá học được giao"),
        rows=assignment_rows,
        fields={
            "assignment": _("Đợt giao"),
            "plan": _("Kế hoạch"),
            "due_date": _("Hạn hoàn thành"),
            "role": Field(_("Vai trò"), ASSIGNMENT_ROLES),
            "exception": Field(_("Ngoại lệ"), dict(ExceptionKind.choices)),
            "reason": _("Lý do"),
        },
    )
