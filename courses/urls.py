from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_learning, name="my_learning"),
    path("course/<int:course_id>/enrol/", views.course_enrol, name="course_enrol"),
    path("course/<int:course_id>/withdraw/", views.course_withdraw, name="course_withdraw"),
    path("course/<int:course_id>/continue/", views.course_continue, name="course_continue"),
    path("course/<int:course_id>/completed/", views.course_completed, name="course_completed"),
    path("lesson/<int:lesson_id>/done/", views.lesson_mark_done, name="lesson_mark_done"),
]
