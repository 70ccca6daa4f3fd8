from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="coordination_dashboard"),
    path("export.csv", views.export_csv, name="coordination_export_csv"),
    path("export-<str:table>.csv", views.export_table_csv, name="coordination_export_table"),
    path("export.xlsx", views.export_xlsx, name="coordination_export_xlsx"),
    path("exports/<int:job_id>/", views.export_job, name="coordination_export_job"),
    path("report.pdf", views.report_pdf, name="coordination_report_pdf"),
    path("certificates.zip", views.certificates_zip, name="coordination_certificates_zip"),
    path("memberships/", views.memberships_pending, name="coordination_memberships"),
    path("memberships/<int:membership_id>/confirm/", views.membership_confirm, name="coordination_membership_confirm"),
    path("assignments/new/", views.assignment_new, name="coordination_assignment_new"),
    path("learners/<int:user_id>/", views.learner_detail, name="coordination_learner"),
    path("learners/<int:user_id>/complete/", views.learner_manual_completion, name="coordination_manual_completion"),
    path("learners/<int:user_id>/exception/", views.learner_exception, name="coordination_exception"),
    path("learners/<int:user_id>/transfer/", views.learner_transfer, name="coordination_transfer"),
    path("import/", views.import_upload, name="coordination_import"),
    path("reminders/off/<str:token>/", views.reminders_off, name="coordination_reminders_off"),
    path("import/<int:job_id>/", views.import_job, name="coordination_import_job"),
]
