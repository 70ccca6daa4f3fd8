"""Administrator screens under /admin/ that answer 403 themselves.

Mounted before Wagtail's admin URLs (lms/urls.py): Wagtail's ``require_admin_access``
turns a refusal into a redirect to the login page, and this screen must refuse
coordinators and editors plainly.
"""

from django.urls import path

from . import admin_views

urlpatterns = [
    path("people/<int:user_id>/name/", admin_views.NameCorrectView.as_view(), name="lms_name_correct"),
]
