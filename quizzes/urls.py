from django.urls import path

from . import views

urlpatterns = [
    path("<int:quiz_id>/start/", views.quiz_start, name="quiz_start"),
    path("attempt/<int:attempt_id>/", views.attempt_view, name="quiz_attempt"),
    path("attempt/<int:attempt_id>/summary/", views.attempt_summary, name="quiz_summary"),
    path("attempt/<int:attempt_id>/autosave/", views.attempt_autosave, name="quiz_autosave"),
    path("attempt/<int:attempt_id>/review/", views.attempt_review_view, name="quiz_review"),
]
