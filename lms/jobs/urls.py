from django.urls import path

from . import views

urlpatterns = [
    path("<int:job_id>/", views.job_detail, name="job_detail"),
    path("<int:job_id>/download/", views.job_download, name="job_download"),
    path("<int:job_id>/cancel/", views.job_cancel_view, name="job_cancel"),
]
