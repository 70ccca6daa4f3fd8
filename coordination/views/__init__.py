"""Coordinator pages (thin views over the coordination, courses and certificates services)."""

from .dashboard import dashboard, learner_detail, learner_exception, learner_manual_completion, learner_transfer
from .exports import certificates_zip, export_csv, export_job, export_table_csv, export_xlsx, report_pdf
from .people import assignment_new, import_job, import_upload, membership_confirm, memberships_pending, reminders_off

__all__ = [
    "assignment_new",
    "certificates_zip",
    "dashboard",
    "export_csv",
    "export_job",
    "export_table_csv",
    "export_xlsx",
    "import_job",
    "import_upload",
    "learner_detail",
    "learner_exception",
    "learner_manual_completion",
    "learner_transfer",
    "membership_confirm",
    "memberships_pending",
    "reminders_off",
    "report_pdf",
]
