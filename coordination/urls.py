from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="coordination_dashboard"),
    path("units/<int:unit_id>/target/", views.unit_target, name="coordination_unit_target"),
    path("exports/", views.export_start, name="coordination_export"),
    path("memberships/", views.memberships_pending, name="coordination_memberships"),
    path("memberships/<int:membership_id>/confirm/", views.membership_confirm, name="coordination_membership_confirm"),
    path(
        "invitations/<int:invitation_id>/confirm/",
        views.invitation_confirm_view,
        name="coordination_invitation_confirm",
    ),
    path("invitation/<str:token>/", views.invitation_answer, name="coordination_invitation"),
    path("assignments/", views.assignments_list, name="coordination_assignments"),
    path("assignments/new/", views.assignment_new, name="coordination_assignment_new"),
    path("assignments/<int:assignment_id>/edit/", views.assignment_edit, name="coordination_assignment_edit"),
    path(
        "assignments/<int:assignment_id>/extend/", views.assignment_extend_view, name="coordination_assignment_extend"
    ),
    path(
        "assignments/<int:assignment_id>/cancel/", views.assignment_cancel_view, name="coordination_assignment_cancel"
    ),
    path("assignments/<int:assignment_id>/remind/", views.assignment_remind, name="coordination_assignment_remind"),
    path("learners/<int:user_id>/", views.learner_detail, name="coordination_learner"),
    path("learners/<int:user_id>/complete/", views.learner_manual_completion, name="coordination_manual_completion"),
    path("learners/<int:user_id>/exception/", views.learner_exception, name="coordination_exception"),
    path("learners/<int:user_id>/transfer/", views.learner_transfer, name="coordination_transfer"),
    path("import/", views.import_upload_view, name="coordination_import"),
    path("import/<int:job_id>/", views.import_job, name="coordination_import_job"),
    path("reminders/off/<str:token>/", views.reminders_off, name="coordination_reminders_off"),
]
