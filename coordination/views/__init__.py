"""Coordinator pages (thin views over the coordination, courses and certificates services)."""

from .assignments import (
    assignment_cancel_view,
    assignment_edit,
    assignment_extend_view,
    assignment_remind,
    assignments_list,
)
from .dashboard import (
    dashboard,
    learner_detail,
    learner_exception,
    learner_manual_completion,
    learner_transfer,
    unit_target,
)
from .exports import export_start
from .invitations import invitation_answer
from .people import (
    assignment_new,
    import_job,
    import_upload_view,
    invitation_confirm_view,
    membership_confirm,
    memberships_pending,
    reminders_off,
)

__all__ = [
    "assignment_cancel_view",
    "assignment_edit",
    "assignment_extend_view",
    "assignment_new",
    "assignment_remind",
    "assignments_list",
    "dashboard",
    "export_start",
    "import_job",
    "import_upload_view",
    "invitation_answer",
    "invitation_confirm_view",
    "learner_detail",
    "learner_exception",
    "learner_manual_completion",
    "learner_transfer",
    "membership_confirm",
    "memberships_pending",
    "reminders_off",
    "unit_target",
]
