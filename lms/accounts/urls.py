from django.urls import path

from . import timing, views

urlpatterns = [
    # allauth's own views, answering in a constant time (before allauth's URLs, same names)
    path("signup/", timing.signup, name="account_signup"),
    path("password/reset/", timing.password_reset, name="account_reset_password"),
    path("profile/", views.profile, name="profile"),
    path("my-data/", views.my_data, name="my_data"),
    path("delete/", views.account_delete, name="account_delete"),
]
